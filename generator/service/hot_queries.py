"""The queries every answer save runs, in plain cursor SQL (a documented Django API) with our own
conversion of the few column types they read; no ORM internals, so an upgrade cannot break them.

A save reads the session (Django's database sessions, as they are), reads the candidate with
their sitting, and writes one answer.
Building those statements in the ORM on every request cost about 2.7 times the CPU of the whole
save done this way (measured: 3.0 against 1.1 ms per save in-process), so a thousand phones
saving every few seconds would need more CPU for Django to write SQL than for everything else.
The SQL is written once per process from the models' table and column names
(``Model._meta.db_table`` is part of Django's documented Model _meta API); rows become model
instances through ``Model.from_db``, the documented hook for loading them.
"""

from __future__ import annotations

import datetime as dt
import json

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


def _column(model, name: str) -> str:
    return model._meta.get_field(name).column


def _sql() -> dict[str, str]:
    if not _SQL:
        q = connection.ops.quote_name
        person, sitting = q(Person._meta.db_table), q(Sitting._meta.db_table)
        columns = [f"p.{q(_column(Person, f))}" for f in PERSON_FIELDS]
        columns += [f"s.{q(_column(Sitting, f))}" for f in SITTING_FIELDS]
        _SQL["person"] = (
            f"SELECT {', '.join(columns)} FROM {person} p JOIN {sitting} s "
            f"ON s.{q('id')} = p.{q('sitting_id')} WHERE p.{q('id')} = %s"
        )
        table = q(Answer._meta.db_table)
        names = ["person_id", "question_id", "sent", "canonical", "saved_at"]
        updates = ", ".join(f"{q(c)} = excluded.{q(c)}" for c in names[2:])
        _SQL["upsert"] = (
            f"INSERT INTO {table} ({', '.join(q(c) for c in names)}) "
            f"VALUES ({', '.join(['%s'] * len(names))}) "
            f"ON CONFLICT ({q('person_id')}, {q('question_id')}) DO UPDATE SET {updates}"
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
    saved = now.astimezone(dt.UTC)
    if connection.vendor == "sqlite":
        saved = saved.replace(tzinfo=None).isoformat(sep=" ")
    params = [
        person_id,
        question_id,
        json.dumps(sent, ensure_ascii=False),
        json.dumps(canonical, ensure_ascii=False),
        saved,
    ]
    with connection.cursor() as cursor:
        cursor.execute(_sql()["upsert"], params)
