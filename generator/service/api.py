"""The candidate JSON API (DESIGN.md "Exam service"): thin views over the models and scoring.

Every POST/PUT needs ``X-CSRF-Token`` (Django's CSRF middleware; the token from ``/api/csrf``).
A candidate's session holds only their person id; everything else is read from the database on
each request, so any server on the same database answers any request.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import json
import threading

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.db import connection
from django.http import JsonResponse
from django.middleware.csrf import get_token
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ..model.terms import OPTION_LABELS
from . import codes as access
from . import hot_queries
from .models import Answer, Person, Throttle
from .scoring import cell, grade_person, sitting_key

SESSION_KEY = "exam_person"
MAX_FILL = 200
UNAUTHORISED = "工号或考试码不正确"


def absent_message(person: Person) -> str:
    end = timezone.localtime(person.sitting.closes_at())
    return (
        f"本次考试已于 {end:%Y-%m-%d %H:%M} 结束，您没有参加作答，记为缺考，没有成绩。"
        "如有疑问，请联系本院培训员。"
    )


def _absent(person: Person) -> JsonResponse:
    return _error(403, absent_message(person), state=Person.ABSENT)


def _error(status: int, message: str, **extra) -> JsonResponse:
    return JsonResponse({"error": message, **extra}, status=status)


def _body(request) -> dict | JsonResponse:
    try:
        raw = request.body
    except RequestDataTooBig:
        _drain(request)
        return _error(400, "请求内容过大")
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return _error(400, "请求内容不是有效的 JSON")
    if not isinstance(data, dict):
        return _error(400, "请求内容应为 JSON 对象")
    return data


def _drain(request, limit: int = 4 * 1024 * 1024) -> None:
    """Read (and drop) a refused body, so the client hears the 400 instead of a reset."""
    read = 0
    while read < limit:
        chunk = request.read(65536)
        if not chunk:
            break
        read += len(chunk)


def _iso(value: dt.datetime) -> str:
    return timezone.localtime(value).isoformat(timespec="seconds")


def client_ip(request) -> str:
    """The client's address: ``X-Forwarded-For`` only when the connection comes from a trusted
    proxy (its last entry: the address that proxy saw), else the connection's own address. So
    one nginx never locks out a whole hospital, and a direct client cannot dodge its lockout by
    inventing the header."""
    remote = request.META.get("REMOTE_ADDR", "")
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    trusted = settings.FORWARDED_ALLOW_IPS
    if forwarded and (remote in trusted or "*" in trusted):
        last = forwarded.split(",")[-1].strip()
        if last:
            return last[:64]
    return remote


def csrf_failure(request, reason: str = ""):
    return _error(403, "请求缺少有效的安全令牌（CSRF），请刷新页面后重试")


def _candidate(view):
    """A view of the logged-in candidate: 401 without one, else ``view(request, person, …)``."""

    @functools.wraps(view)
    def with_person(request, *args, **kwargs):
        pk = request.session.get(SESSION_KEY)
        person = None if pk is None else hot_queries.person(pk)
        if person is None:
            return _error(401, "请先登录")
        return view(request, person, *args, **kwargs)

    return with_person


@never_cache
@require_GET
def csrf(request):
    return JsonResponse({"token": get_token(request)})


@never_cache
@require_POST
def login(request):
    data = _body(request)
    if isinstance(data, JsonResponse):
        return data
    staff_id = access.normalise_id(data.get("工号", ""))
    typed = data.get("code", "")
    if not isinstance(typed, str) or not staff_id:
        return _error(401, UNAUTHORISED)
    now = timezone.now()
    window = dt.timedelta(minutes=settings.EXAM_LOCKOUT_MINUTES)
    id_key, ip_key = f"id:{staff_id}", f"ip:{client_ip(request)}"
    if Throttle.blocked(id_key, settings.EXAM_FAILURES_PER_ID, window, now) or Throttle.blocked(
        ip_key, settings.EXAM_FAILURES_PER_IP, window, now
    ):
        return _error(429, f"尝试次数过多，请 {settings.EXAM_LOCKOUT_MINUTES} 分钟后再试")
    person = _match(staff_id, typed)
    if person is None:
        Throttle.fail(id_key, window, now)
        Throttle.fail(ip_key, window, now)
        # Counted per typed 工号, existing or not, so the number reveals nothing.
        left = max(0, settings.EXAM_FAILURES_PER_ID - Throttle.failure_count(id_key, window, now))
        if left == 0:
            locked = f"该工号已锁定 {settings.EXAM_LOCKOUT_MINUTES} 分钟（培训员可以解除锁定）"
            return _error(401, f"{UNAUTHORISED}。{locked}", attempts_left=0)
        warning = (
            f"还可尝试 {left} 次，之后该工号将锁定 {settings.EXAM_LOCKOUT_MINUTES} 分钟"
            "（培训员可以解除锁定）"
        )
        return _error(401, f"{UNAUTHORISED}。{warning}", attempts_left=left)
    Throttle.clear(id_key)
    if person.is_absent(now):  # the right code, but too late: no session, no paper, no score
        return _absent(person)
    request.session.cycle_key()  # a new session id at login (no fixation)
    request.session[SESSION_KEY] = person.pk
    return JsonResponse(_status(person, now))


def _match(staff_id: str, typed: str) -> Person | None:
    """The person with this 工号 whose code matches, newest sitting first. The code is hashed
    even when the 工号 is unknown, so both failures take the same time."""
    found = None
    candidates = list(
        Person.objects.select_related("sitting")
        .filter(staff_id=staff_id)
        .order_by("-sitting__starts_at")[:20]
    )
    for person in candidates or [None]:
        if person is None:
            access.matches("0" * 64, "-", staff_id, typed)
        elif found is None and access.matches(
            person.code_hash, person.sitting.exam_id, staff_id, typed
        ):
            found = person
    return found


def _status(person: Person, now: dt.datetime) -> dict:
    sitting = person.sitting
    paper = sitting.items()
    return {
        "question_count": len(paper),
        "total": sum(item["points"] for item in paper),
        "pass_score": _pass_score(sitting),
        "exam": sitting.exam_id,
        "title": sitting.title,
        "name": person.name,
        "state": person.state(now),
        "starts_at": _iso(sitting.starts_at),
        "ends_at": _iso(person.ends_at()),
        "minutes": sitting.minutes,
        "now": _iso(now),
        "submitted": person.submitted_at is not None,
        "final": person.is_final(now),
    }


def _shown(person: Person) -> list[tuple[int, dict, list[int]]]:
    """(no, canonical item, canonical option indexes in the order this person sees them)."""
    paper = person.sitting.items()
    return [(no, paper[index], perm) for no, (index, perm) in enumerate(person.order, start=1)]


@never_cache
@require_GET
@_candidate
def paper(request, person: Person):
    now = timezone.now()
    sitting = person.sitting
    if not sitting.has_started(now):
        return _error(403, "考试尚未开始", starts_at=_iso(sitting.starts_at))
    if person.is_absent(now):
        return _absent(person)
    if not person.is_final(now):
        person.start(now)
    shown = _shown(person)
    questions = [
        {
            "no": no,
            "type": item["type"],
            "stem": item["stem"],
            "options": [item["options"][i] for i in perm],
            "points": item["points"],
        }
        for no, item, perm in shown
    ]
    number = {item["id"]: no for no, item, _ in shown}
    saved = {
        str(number[qid]): sent
        for qid, sent in person.answers.values_list("question_id", "sent")
        if qid in number
    }
    sections: list[dict] = []
    for no, item, _ in shown:  # questions stay within their section (sitting.person_order)
        if not sections or sections[-1]["section"] != item["section"]:
            sections.append({"section": item["section"], "type": item["type"], "from": no})
        sections[-1]["to"] = no
    for index, s in enumerate(sections):
        points = [item["points"] for _, item, _ in shown[s["from"] - 1 : s["to"]]]
        s["title"] = _section_title(index, s["type"], points)
    return JsonResponse(
        {**_status(person, now), "questions": questions, "answers": saved, "sections": sections}
    )


class NotAnOption(ValueError):
    pass


def canonical_answer(item: dict, perm: list[int], answer) -> tuple[object, object]:
    """(the answer as sent, to echo back; canonical answer) for ``answer``; raises NotAnOption.

    Blank (null, "", []) clears the question."""
    kind = item["type"]
    if answer is None or answer == "" or answer == []:
        return None, None
    if kind in ("single", "multiple"):
        labels = [answer] if isinstance(answer, str) else answer
        if not isinstance(labels, list) or not all(isinstance(x, str) for x in labels):
            raise NotAnOption('选择题的答案应为选项字母，如 ["A", "C"]')
        labels = [x.strip().upper() for x in labels]
        shown = OPTION_LABELS[: len(perm)]
        if len(set(labels)) != len(labels) or any(x not in shown for x in labels):
            raise NotAnOption(f"答案不是本题的选项（可选 {'、'.join(shown)}）")
        if kind == "single" and len(labels) != 1:
            raise NotAnOption("单选题只能选一个选项")
        return answer, sorted(OPTION_LABELS[perm[shown.index(x)]] for x in labels)
    if kind == "judge":
        if answer not in ("对", "错"):
            raise NotAnOption("判断题的答案应为“对”或“错”")
        return answer, answer
    if not isinstance(answer, str) or len(answer) > MAX_FILL or "\n" in answer:
        raise NotAnOption(f"填空题的答案应为一行文字（不超过 {MAX_FILL} 字）")
    return answer, answer.strip()


@never_cache
@require_http_methods(["PUT"])
@_candidate
def answer(request, person: Person, no: int):
    data = _body(request)
    if isinstance(data, JsonResponse):
        return data
    now = timezone.now()
    if person.is_absent(now):
        return _absent(person)
    if person.is_final(now) or person.started_at is None:
        return _error(
            409, "已交卷或考试时间已到，不能再修改答案" if person.started_at else "请先打开试卷"
        )
    shown = _shown(person)
    if not 1 <= no <= len(shown) or "answer" not in data:
        return _error(400, "没有这道题" if "answer" in data else "缺少 answer")
    _, item, perm = shown[no - 1]
    try:
        sent, canonical = canonical_answer(item, perm, data["answer"])
    except NotAnOption as exc:
        return _error(400, str(exc))
    with _writer():
        _store(person, item, sent, canonical, now)
    # Autocommit: the row is committed before this response exists.
    return JsonResponse({"no": no, "answer": sent, "saved_at": _iso(now)})


_SQLITE_WRITES = threading.Lock()


def _writer():
    """On SQLite, one writer per process at a time: threads queue on a lock here instead of in
    SQLite's busy handler, whose growing sleeps (up to 100 ms each) made the slowest saves slow."""
    return _SQLITE_WRITES if connection.vendor == "sqlite" else contextlib.nullcontext()


def _store(person: Person, item: dict, sent, canonical, now: dt.datetime) -> None:
    if canonical is None:
        Answer.objects.filter(person=person, question_id=item["id"]).delete()
    else:
        hot_queries.store_answer(person.pk, item["id"], sent, canonical, now)


def _final_score(person: Person) -> float:
    """Graded from the stored answers every time (one row, microseconds): what is shown is what
    ``exam export`` + ``quiz grade`` give, even if a save raced the submit on another server."""
    total = grade_person(person.sitting, person).total
    if person.score != total:
        Person.objects.filter(pk=person.pk).update(score=total)
        person.score = total
    return total


def _result(person: Person, now: dt.datetime) -> dict:
    sitting = person.sitting
    data = _status(person, now)
    if sitting.show_score:
        score = _final_score(person)
        data.update(
            score=score,
            total=sum(item["points"] for item in sitting.items()),
            pass_score=_pass_score(sitting),
            passed=score >= _pass_score(sitting) - 1e-9,
        )
    else:
        _final_score(person)
    if sitting.is_closed(now) and sitting.show_explanations:
        data["review"] = _review(person)
    return data


_PASS: dict[int, float] = {}


def _pass_score(sitting) -> float:
    """From the sitting's key.json (never changes after exam open), read once per process."""
    if sitting.pk not in _PASS:
        from .models import Sitting

        key = Sitting.objects.values_list("key_json", flat=True).get(pk=sitting.pk)
        _PASS[sitting.pk] = json.loads(key)["pass_score"]
    return _PASS[sitting.pk]


def _section_title(index: int, kind: str, points: list[float]) -> str:
    """一、单选题（共 20 题，每题 2 分，共 40 分）, as the printed paper heads its sections."""
    from ..exam.draw import section_heading

    each = points[0] if len(set(points)) == 1 else None
    return section_heading(index, kind, len(points), each, sum(points))


def _review(person: Person) -> list[dict]:
    """After the sitting closes: each question with the person's answer, the key and 解析,
    in the labels this person saw. Item scores come from ``generator.grading``."""
    from ..grading.grade import read_response, score

    sitting = person.sitting
    key = sitting_key(sitting)
    key_items = key.versions[sitting.version]
    index_of = {item["id"]: i for i, item in enumerate(sitting.items())}
    stored = {
        qid: (s, c) for qid, s, c in person.answers.values_list("question_id", "sent", "canonical")
    }
    review = []
    for no, item, perm in _shown(person):
        key_item = key_items[index_of[item["id"]]]
        sent, canonical = stored.get(item["id"], (None, None))
        if perm:
            label = {OPTION_LABELS[c]: OPTION_LABELS[pos] for pos, c in enumerate(perm)}
            correct = sorted(label[a] for a in item["answer"])
        else:
            correct = list(item["answer"])
        response = read_response(key_item, cell(item, canonical))
        review.append(
            {
                "no": no,
                "type": item["type"],
                "stem": item["stem"],
                "options": [item["options"][i] for i in perm],
                "answer": sent,
                "correct": correct,
                "score": score(key_item, response, key.multiple_scoring),
                "points": item["points"],
                "explanation": item["explanation"],
            }
        )
    return review


@never_cache
@require_POST
@_candidate
def submit(request, person: Person):
    now = timezone.now()
    if person.is_absent(now):
        return _absent(person)
    if person.started_at is None:
        return _error(409, "请先打开试卷")
    if person.submitted_at is None and not person.is_final(now):
        Person.objects.filter(pk=person.pk, submitted_at__isnull=True).update(submitted_at=now)
        person.refresh_from_db()
    return JsonResponse(_result(person, now))


@never_cache
@require_GET
@_candidate
def result(request, person: Person):
    now = timezone.now()
    if person.is_absent(now):
        return _absent(person)
    if not person.is_final(now):
        return _error(409, "尚未交卷")
    return JsonResponse(_result(person, now))
