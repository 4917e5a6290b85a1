"""``qinglian exam export``: a sitting's answers in the answer-sheet format plus its key.json and
``absent.csv`` (工号, 姓名, 科室 of everyone who never opened the paper: 缺考 once it has ended)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..outputs import staged_private_files


@dataclass
class ExportReport:
    folder: Path
    rows: int
    absent: int
    closed: bool  # False: the sitting has not ended; answering people may still change answers
    answering: int  # people answering right now (open sitting only)


def absentees(people) -> list:
    """The grader's ``Absentee`` records of these people (for absent.csv and report.html)."""
    from ..grading.attendance import Absentee

    return [Absentee(p.staff_id, p.name, p.department) for p in people]


def absent_csv(people) -> str:
    """``absent.csv``: one row per person who never started (the grader's format and writer)."""
    from ..grading.attendance import absent_csv_text

    return absent_csv_text(absentees(people))


def absent_people(sitting) -> list:
    """Those who never opened the paper, in department (pinyin) and 工号 order."""
    from ..model.order import people_order

    return people_order(sitting.people.filter(started_at__isnull=True))


def export(exam_id: str, out: Path) -> ExportReport:
    from django.utils import timezone

    from .models import AuditLog, Person, Sitting, no_such_sitting
    from .scoring import answers_csv, exported_people

    sitting = Sitting.objects.filter(exam_id=exam_id).first()
    if sitting is None:
        raise no_such_sitting([exam_id])
    now = timezone.now()
    absent = absent_people(sitting)
    answering = 0
    closed = sitting.is_closed(now)
    if not closed:
        for person in sitting.people.filter(started_at__isnull=False, submitted_at__isnull=True):
            person.sitting = sitting
            answering += person.state(now) == Person.ANSWERING
    with staged_private_files(Path(out), ("answers.csv", "key.json", "absent.csv")) as tmp:
        (tmp / "answers.csv").write_text(answers_csv(sitting), encoding="utf-8", newline="")
        (tmp / "key.json").write_text(sitting.key_json, encoding="utf-8")
        (tmp / "absent.csv").write_text(absent_csv(absent), encoding="utf-8", newline="")
    AuditLog.objects.create(
        user="qinglian exam export", action="export", exam_id=exam_id, target=str(out)
    )
    return ExportReport(
        Path(out).resolve(), exported_people(sitting).count(), len(absent), closed, answering
    )
