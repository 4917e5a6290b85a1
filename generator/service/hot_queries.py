"""The queries every answer save runs, in plain cursor SQL (a documented Django API) with our own
conversion of the few column types they read; no ORM internals, so an upgrade cannot break them.

A save reads the session (Django's database sessions, read by ``sessions.py``), reads the
candidate with their sitting, and writes one answer.
Reading the candidate through the ORM (a join, deferred columns) added about a third to a
save's CPU: measured in-process on this machine, a save took 3.0 ms of CPU with the ORM query
and 2.3 ms with this statement; reading the session with plain SQL too (``sessions.py``)
brought it to 1.1–1.3 ms, what the compiled-ORM version of these queries cost.
The SQL names the tables by ``Meta.db_table`` and the columns by Django's documented defaults
(a field's name; ``<name>_id`` for a foreign key: our models set no ``db_column``), quoted the
standard SQL way, which SQLite and PostgreSQL share; rows become model instances through
``Model.from_db``, the documented hook for loading them.
"""

from __future__ import annotations

import datetime as dt
import json

from django.contrib.sessions.models import Session
from django.db import connection

from .models import Answer, Person, Sitting

# The person's and the sitting's columns a request needs (the paper, the key and the code hash
# stay out: they are large or secret, and the paper is cached per process).
PERSON_FIELDS = (
    "id",
    "sitting_id",
    "staff_id",
    "name",
    "department",
    "order",
    "started_at",
    "extra_minutes",
    "submitted_at",
    "score",
)
SITTING_FIELDS = (
    "id",
    "exam_id",
    "title",
    "version",
    "starts_at",
    "ends_at",
    "minutes",
    "show_score",
    "show_explanations",
    "shuffle_questions",
    "shuffle_options",
    "url",
    "closed_at",
)
_DATETIMES = {"started_at", "submitted_at", "starts_at", "ends_at", "closed_at"}
_BOOLEANS = {"show_score", "show_explanations", "shuffle_questions", "shuffle_options"}
_SQL: dict[str, str] = {}


def _q(name: str) -> str:
    return f'"{name}"'


def _sql() -> dict[str, str]:
    if not _SQL:
        person, sitting = _q(Person._meta.db_table), _q(Sitting._meta.db_table)
        columns = [f"p.{_q(f)}" for f in PERSON_FIELDS] + [f"s.{_q(f)}" for f in SITTING_FIELDS]
        _SQL["person"] = (
            f"SELECT {', '.join(columns)} FROM {person} p JOIN {sitting} s "
            f"ON s.{_q('id')} = p.{_q('sitting_id')} WHERE p.{_q('id')} = %s"
        )
        _SQL["session"] = (
            f"SELECT {_q('session_data')}, {_q('expire_date')} FROM {_q(Session._meta.db_table)} "
            f"WHERE {_q('session_key')} = %s"
        )
        names = ["person_id", "question_id", "sent", "canonical", "saved_at"]
        updates = ", ".join(f"{_q(c)} = excluded.{_q(c)}" for c in names[2:])
        _SQL["upsert"] = (
            f"INSERT INTO {_q(Answer._meta.db_table)} ({', '.join(_q(c) for c in names)}) "
            f"VALUES ({', '.join(['%s'] * len(names))}) "
            f"ON CONFLICT ({_q('person_id')}, {_q('question_id')}) DO UPDATE SET {updates}"
        )
    return _SQL


def _datetime(value) -> dt.datetime | None:
    """PostgreSQL gives an aware datetime; SQLite the stored UTC time, naive (as a datetime or,
    without Django's type detection, as text)."""
    if value is None:
        return None
    if not isinstance(value, dt.datetime):
        value = dt.datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def _convert(names, values) -> list:
    out = []
    for name, value in zip(names, values, strict=True):
        if name in _DATETIMES:
            value = _datetime(value)
        elif name in _BOOLEANS:
            value = bool(value)
        elif name == "order" and isinstance(value, str | bytes):
            value = json.loads(value)
        out.append(value)
    return out


def _one(sql: str, value) -> tuple | None:
    with connection.cursor() as cursor:
        cursor.execute(sql, [value])
        return cursor.fetchone()


def session_data(session_key: str, now: dt.datetime) -> str | None:
    """The encoded data of an unexpired session, or None."""
    row = _one(_sql()["session"], session_key)
    expires = None if row is None else _datetime(row[1])
    if row is None or expires is None or expires <= now:
        return None
    return row[0]


def person(pk: int) -> Person | None:
    """The candidate with their sitting (two model instances, large columns left out)."""
    row = _one(_sql()["person"], pk)
    if row is None:
        return None
    n = len(PERSON_FIELDS)
    found = Person.from_db(connection.alias, PERSON_FIELDS, _convert(PERSON_FIELDS, row[:n]))
    found.sitting = Sitting.from_db(
        connection.alias, SITTING_FIELDS, _convert(SITTING_FIELDS, row[n:])
    )
    return found


def store_answer(person_id: int, question_id: str, sent, canonical, now: dt.datetime) -> None:
    """Insert or replace one answer (one statement; autocommit commits it). JSON is written as
    JSON text and the time as UTC, the forms both backends store for these columns."""
    saved: dt.datetime | str = now.astimezone(dt.UTC)
    if connection.vendor == "sqlite":
        saved = now.astimezone(dt.UTC).replace(tzinfo=None).isoformat(sep=" ")
    params = [
        person_id,
        question_id,
        json.dumps(sent, ensure_ascii=False),
        json.dumps(canonical, ensure_ascii=False),
        saved,
    ]
    with connection.cursor() as cursor:
        cursor.execute(_sql()["upsert"], params)
