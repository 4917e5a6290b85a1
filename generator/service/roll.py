"""The roll of a sitting for the trainer's workbench: everyone with their state, counts per
department (应考, each state, 实考, participation), pages of people, who is locked out.

One query per sitting reads the small columns of its people (never the paper, the order or
answers); states follow from the times (models.Person.state). Departments and people are in
pinyin order.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from django.conf import settings

from ..grading.attendance import DepartmentAttendance
from ..model.order import people_order, pinyin_key
from ..model.terms import NO_DEPARTMENT
from .models import Person, Sitting, Throttle

OPEN_STATES = (Person.NOT_STARTED, Person.ANSWERING, Person.SUBMITTED, Person.TIMED_OUT)
CLOSED_STATES = (Person.SUBMITTED, Person.TIMED_OUT, Person.ABSENT)
PAGE = 100
_COLUMNS: tuple[str, ...] = ("id", "staff_id", "name", "department", "started_at")
_COLUMNS += ("extra_minutes", "submitted_at", "score")


@dataclass
class Entry:
    person: Person
    state: str
    ends_at: dt.datetime | None
    locked: bool = False

    @property
    def department(self) -> str:
        return self.person.department or NO_DEPARTMENT

    @property
    def can_extend(self) -> bool:
        """More time: for someone answering, or whose own time ran out (not after a submit)."""
        return self.state in (Person.ANSWERING, Person.TIMED_OUT)

    @property
    def can_reopen(self) -> bool:
        return self.state in (Person.SUBMITTED, Person.TIMED_OUT)


def states(sitting: Sitting, now: dt.datetime) -> tuple[str, ...]:
    return CLOSED_STATES if sitting.is_closed(now) else OPEN_STATES


def roll(sitting: Sitting, now: dt.datetime) -> list[Entry]:
    """Everyone of the sitting, by department then name in pinyin order."""
    entries = []
    for person in people_order(sitting.people.only(*_COLUMNS)):
        person.sitting = sitting
        state = person.state(now)
        ends = person.ends_at() if person.started_at and state == Person.ANSWERING else None
        entries.append(Entry(person, state, ends))
    return entries


def mark_locked(entries: list[Entry], now: dt.datetime) -> None:
    """Flag the people whose 工号 is locked out after too many wrong codes."""
    window = dt.timedelta(minutes=settings.EXAM_LOCKOUT_MINUTES)
    keys = Throttle.objects.filter(
        key__startswith="id:",
        failures__gte=settings.EXAM_FAILURES_PER_ID,
        window_start__gt=now - window,
    ).values_list("key", flat=True)
    locked = {k[3:] for k in keys}
    for e in entries:
        e.locked = e.person.staff_id in locked


def counts(entries: list[Entry], shown: tuple[str, ...]) -> tuple[list[dict], dict]:
    """Per department and in all: 应考 (total), each state of ``shown``, 实考 and the rate."""
    by_department: dict[str, Counter] = {}
    for e in entries:
        by_department.setdefault(e.department, Counter())[e.state] += 1
    total: Counter = Counter()
    rows = []
    for name in sorted(by_department, key=pinyin_key):
        c = by_department[name]
        total.update(c)
        rows.append(_row(name, c, shown))
    return rows, _row("全部", total, shown)


def _row(name: str, c: Counter, shown: tuple[str, ...]) -> dict:
    missing = c[Person.NOT_STARTED] + c[Person.ABSENT]
    turnout = DepartmentAttendance(name, sum(c.values()) - missing, missing)
    return {
        "department": name,
        "total": turnout.expected,
        "counts": [c[s] for s in shown],
        "pairs": [(s, c[s]) for s in shown],
        "present": turnout.present,
        "rate": f"{turnout.rate:.0%}" if turnout.expected else "—",
    }
