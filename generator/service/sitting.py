"""``qinglian exam open``: an exam file and a roster → a sitting in the database, codes and slips.

Stages: load the exam (``sources.exams.load_exam``, the same file ``quiz paper`` reads) → draw
(``exam.draw.draw``, one implementation) → the canonical paper (the first version's order and
labels: export and key.json use them) → read the roster → codes for the people not yet in the
sitting → write ``codes.csv`` and ``codes.pdf`` beside the target → store the sitting and the new
people in one transaction → move the files in. Re-running adds new people; an existing person's
code, order and answers are never touched.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import random
import secrets
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import ConfigError, Problem, ValidationError
from ..exam.draw import DrawnExam, draw
from ..exam.key import key_json
from ..model.answers import shuffled_order
from ..model.cells import guard_row, unguard
from ..model.corpus import Corpus, Exam
from ..model.order import pinyin_key
from ..outputs import staged_private_files
from . import codes as access
from .roster import Entry, read_roster

CODES_COLUMNS = ("工号", "姓名", "科室", "考试码")
OWNED = ("codes.csv", "codes.pdf", "codes-new.pdf")


@dataclass
class OpenReport:
    exam_id: str
    folder: Path
    created: bool
    added: list[Entry] = field(default_factory=list)
    kept: int = 0
    unlisted: int = 0  # people whose code is no longer in codes.csv (cannot be shown again)
    files: list[tuple[str, int | None]] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)  # settings updated on a re-run


def paper_items(drawn: DrawnExam) -> list[dict]:
    """The canonical version's items: what the server shows (in each person's order) and scores."""
    items = []
    for item in drawn.versions[0].items:
        q = item.question
        items.append(
            {
                "id": q.id,
                "type": q.type,
                "stem": q.stem,
                "options": list(item.options),
                "answer": list(item.answer),
                "points": item.points,
                "section": item.section,
                "rules": list(q.rules),
                "explanation": q.explanation,
            }
        )
    return items


def person_order(paper: list[dict], questions: bool, options: bool) -> list[list]:
    """One person's order: questions shuffled within their section, options shuffled except
    those such as “以上都对” that refer to the others (as the draw keeps them)."""
    rng = random.Random(secrets.randbits(128))
    sections: dict[int, list[int]] = {}
    for index, item in enumerate(paper):
        sections.setdefault(item["section"], []).append(index)
    order = []
    for section in sorted(sections):
        indexes = sections[section][:]
        if questions:
            rng.shuffle(indexes)
        for index in indexes:
            texts = paper[index]["options"]
            perm = shuffled_order(texts, rng) if options and texts else list(range(len(texts)))
            order.append([index, perm])
    return order


def timezone_text(value: dt.datetime) -> str:
    from django.utils import timezone

    return f"{timezone.localtime(value):%Y-%m-%d %H:%M}"


def _aware(value: dt.datetime) -> dt.datetime:
    from django.utils import timezone

    return value if value.tzinfo else timezone.make_aware(value)


def exam_settings(exam: Exam, url: str | None) -> dict:
    online = exam.online
    if online is None:
        raise ConfigError(
            f"{exam.path}：没有 online（在线考试）设置；请在考试文件中加上 online: 下的 start、end "
            "（开考、截止时间）等，见 README“在线考试”"
        )
    url = url or online.url
    if not url:
        raise ConfigError(
            f"{exam.path}：不知道考试网址（考试码条上的二维码指向它）；请用 --url 指定，"
            "或写在考试文件的 online.url"
        )
    if not url.startswith(("http://", "https://")):
        raise ConfigError(f"考试网址“{url}”应以 http:// 或 https:// 开头")
    return {
        "title": exam.title,
        "starts_at": online.start,  # as written; open_sitting puts them in the service's zone
        "ends_at": online.end,
        "minutes": online.minutes or exam.duration_minutes,
        "show_score": online.show_score,
        "show_explanations": online.show_explanations,
        "shuffle_questions": online.shuffle_questions,
        "shuffle_options": online.shuffle_options,
        "url": url,
    }


def _check_end(exam: Exam, settings: dict, line) -> None:
    """An end already past opens a sitting nobody can take: a located problem."""
    from zoneinfo import ZoneInfo

    # before Django is set up: times without a zone are in the service's zone (settings.py)
    zone = ZoneInfo(os.environ.get("QINGLIAN_TIME_ZONE", "Asia/Shanghai"))
    end = settings["ends_at"]
    if end.replace(tzinfo=end.tzinfo or zone) <= dt.datetime.now(zone):
        raise ValidationError(
            [
                Problem(
                    exam.path or exam.id,
                    line("online", "end"),
                    f"截止时间 end（{end:%Y-%m-%d %H:%M}）已经过去，考生将无法作答；"
                    "请改为以后的时间（要延长一场已开设的考试，同样改这里再运行 exam open）",
                )
            ]
        )


@dataclass
class SittingPlan:
    """What ``exam open`` will put into the database, worked out (and every user mistake in
    the exam file or the roster found) before anything is created."""

    exam: Exam
    settings: dict
    drawn: DrawnExam
    key_text: str
    roster: Path
    entries: list[Entry]


def plan_sitting(
    corpus: Corpus, exam_path: Path, roster_path: Path, url: str | None = None
) -> SittingPlan:
    from ..sources.exams import load_exam

    exam, line = load_exam(exam_path, corpus)
    settings = exam_settings(exam, url)
    _check_end(exam, settings, line)
    drawn = draw(exam, corpus.banks, line)
    return SittingPlan(
        exam, settings, drawn, key_json(drawn), Path(roster_path), read_roster(roster_path)
    )


def open_sitting(corpus: Corpus, plan: SittingPlan, out: Path, render: bool = True) -> OpenReport:
    from django.db import transaction

    from .models import AuditLog, Person, Sitting

    exam, drawn = plan.exam, plan.drawn
    settings = {
        **plan.settings,
        "starts_at": _aware(plan.settings["starts_at"]),
        "ends_at": _aware(plan.settings["ends_at"]),
    }
    folder = Path(out) / exam.id
    existing = Sitting.objects.filter(exam_id=exam.id).first()
    if existing is not None and existing.key_json != plan.key_text:
        raise ConfigError(
            f"考试“{exam.id}”已经开设，但按现在的题库和考试文件抽出的题目与开设时不同"
            "（题库或抽题设置改过）。已发放的考试码和已保存的答案只对应原来的题目，不能更换；"
            "要换题，请改用新的考试编号（id）"
        )
    if existing is not None and existing.closed_at is not None:
        known_ids = set(existing.people.values_list("staff_id", flat=True))
        new_ids = {e.staff_id for e in plan.entries} - known_ids
        if new_ids:
            raise ConfigError(
                f"考试“{exam.id}”已于 {timezone_text(existing.closed_at)} 由培训员结束，"
                f"不能再添加考生（名单中有 {len(new_ids)} 位新人）；"
                "请为他们另开一场考试（新的考试编号 id）"
            )
    report = OpenReport(exam.id, folder.resolve(), created=existing is None)
    known = {} if existing is None else dict(existing.people.values_list("staff_id", "code_hash"))
    listed = _listed_codes(folder / "codes.csv", exam.id, known)
    report.kept = len(listed)
    report.unlisted = len(known) - len(listed)
    new = [e for e in plan.entries if e.staff_id not in known]
    issued = {e.staff_id: access.new_code() for e in new}
    report.added = new
    people = [
        *listed.values(),
        *((e.staff_id, e.name, e.department, issued[e.staff_id]) for e in new),
    ]
    people.sort(key=lambda p: (pinyin_key(p[2]), pinyin_key(p[1]), p[0]))  # codes.csv, slips
    with staged_private_files(folder, OWNED) as tmp:
        _write_codes_csv(tmp / "codes.csv", people)
        report.files.append(("codes.csv", None))
        if render:
            from .slips import render_slips

            report.files.append(
                ("codes.pdf", render_slips(corpus, settings, people, tmp / "codes.pdf"))
            )
            if existing is not None and new:
                added = [p for p in people if p[0] in issued]
                report.files.append(
                    ("codes-new.pdf", render_slips(corpus, settings, added, tmp / "codes-new.pdf"))
                )
        for written in tmp.iterdir():
            os.chmod(written, 0o600)  # the codes: only the trainer's account reads them
        with transaction.atomic():
            paper = paper_items(drawn)
            if existing is None:
                sitting = Sitting.objects.create(
                    exam_id=exam.id,
                    version=drawn.versions[0].name,
                    paper=paper,
                    key_json=plan.key_text,
                    rule_titles={n: r.title for n, r in corpus.rules.items()},
                    **settings,
                )
            else:
                sitting = existing
                report.changed = _update(sitting, settings)
            Person.objects.bulk_create(
                [
                    Person(
                        sitting=sitting,
                        staff_id=e.staff_id,
                        name=e.name,
                        department=e.department,
                        code_hash=access.code_hash(exam.id, e.staff_id, issued[e.staff_id]),
                        order=person_order(
                            paper, sitting.shuffle_questions, sitting.shuffle_options
                        ),
                    )
                    for e in new
                ]
            )
            AuditLog.objects.create(
                user="qinglian exam open",
                action="open" if existing is None else "extend",
                exam_id=exam.id,
                target=plan.roster.name,
                detail=f"新增 {len(new)} 人"
                + (f"；更新 {'、'.join(report.changed)}" if report.changed else ""),
            )
    return report


_LABELS = {
    "title": "标题",
    "starts_at": "开考时间",
    "ends_at": "截止时间",
    "minutes": "每人作答时长",
    "show_score": "显示得分",
    "show_explanations": "显示解析",
    "shuffle_questions": "题目顺序",
    "shuffle_options": "选项顺序",
    "url": "考试网址",
}


def _update(sitting, settings: dict) -> list[str]:
    """Times and display settings follow the exam file (a trainer may move the end)."""
    changed = [k for k, v in settings.items() if getattr(sitting, k) != v]
    for k in changed:
        setattr(sitting, k, settings[k])
    if changed:
        sitting.save(update_fields=changed)
    return [_LABELS[k] for k in changed]


def _listed_codes(path: Path, exam_id: str, known: dict[str, str]) -> dict[str, tuple]:
    """People of codes.csv whose code still matches the database (codes cannot be recovered)."""
    if not known or not path.is_file():
        return {}
    listed = {}
    with path.open(encoding="utf-8-sig", newline="") as f:
        for row in csv.DictReader(f):
            staff_id = unguard(row.get("工号", ""))
            code = access.normalise(row.get("考试码", ""))
            stored = known.get(staff_id)
            if stored and access.matches(stored, exam_id, staff_id, code):
                listed[staff_id] = (
                    staff_id,
                    unguard(row.get("姓名", "")),
                    unguard(row.get("科室", "")),
                    code,
                )
    return listed


def _write_codes_csv(path: Path, people: list[tuple]) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CODES_COLUMNS)
    for staff_id, name, department, code in people:
        writer.writerow(guard_row([staff_id, name, department, access.shown(code)]))
    path.write_text(buffer.getvalue(), encoding="utf-8-sig", newline="")
