"""The queries every answer save runs, with the ORM's SQL and converters built once per process.

A save reads the session, reads the candidate and their sitting, and writes one answer. Built
by the ORM on every request, the SQL cost about three times what running it did (profiled: 70 %
of a save's CPU, the database itself under 10 %), so a thousand phones saving every few seconds
needed more CPU for Django to write SQL than for the database. Here the ORM still writes the
SQL and knows how to convert each column (SQLite and PostgreSQL alike); it does so once per
process, and each request only runs it with its own parameters.
"""

from __future__ import annotations

import datetime as dt

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

_cache: dict[str, object] = {}


class _Prepared:
    """One SELECT of ``values_list`` shape with a single parameter: SQL and converters."""

    def __init__(self, queryset):
        compiler = queryset.query.get_compiler(connection=connection)
        self.sql, params = compiler.as_sql()
        if len(params) != 1:
            raise ValueError(f"expected one parameter, the SQL has {len(params)}: {self.sql}")
        self.compiler = compiler
        fields = [column[0] for column in compiler.select[: compiler.col_count]]
        self.converters = compiler.get_converters(fields)

    def rows(self, value) -> list[tuple]:
        with connection.cursor() as cursor:
            cursor.execute(self.sql, [value])
            fetched = cursor.fetchall()
        return [tuple(row) for row in self.compiler.apply_converters(fetched, self.converters)]


def _prepared() -> dict[str, object]:
    """Compiled on first use in a process. ``connection`` is Django's per-thread proxy, so one
    compiled query serves every thread, each on its own connection."""
    if not _cache:
        columns = [*PERSON_FIELDS, *(f"sitting__{f}" for f in SITTING_FIELDS)]
        _cache.update(
            # The filter values are placeholders: each request passes its own.
            person=_Prepared(Person.objects.filter(pk=0).values_list(*columns)),
            session=_Prepared(
                Session.objects.filter(session_key="").values_list("session_data", "expire_date")
            ),
            upsert=_upsert_sql(),
        )
    return _cache


def session_data(session_key: str, now: dt.datetime) -> str | None:
    """The encoded data of an unexpired session, or None."""
    rows = _prepared()["session"].rows(session_key)
    if not rows or rows[0][1] <= now:
        return None
    return rows[0][0]


def person(pk: int) -> Person | None:
    """The candidate with their sitting (two model instances, deferred large columns)."""
    rows = _prepared()["person"].rows(pk)
    if not rows:
        return None
    row = rows[0]
    n = len(PERSON_FIELDS)
    sitting = Sitting.from_db(connection.alias, SITTING_FIELDS, row[n:])
    found = Person.from_db(connection.alias, PERSON_FIELDS, row[:n])
    found.sitting = sitting
    return found


def _upsert_sql() -> str:
    quote = connection.ops.quote_name
    table = quote(Answer._meta.db_table)
    columns = ["person_id", "question_id", "sent", "canonical", "saved_at"]
    names = ", ".join(quote(c) for c in columns)
    marks = ", ".join(["%s"] * len(columns))
    updates = ", ".join(f"{quote(c)} = excluded.{quote(c)}" for c in columns[2:])
    return (
        f"INSERT INTO {table} ({names}) VALUES ({marks}) "
        f"ON CONFLICT ({quote('person_id')}, {quote('question_id')}) DO UPDATE SET {updates}"
    )


_FIELDS = {f: Answer._meta.get_field(f) for f in ("sent", "canonical", "saved_at")}


def store_answer(person_id: int, question_id: str, sent, canonical, now: dt.datetime) -> None:
    """Insert or replace one answer (one statement; autocommit commits it)."""
    params = [
        person_id,
        question_id,
        _FIELDS["sent"].get_db_prep_save(sent, connection),
        _FIELDS["canonical"].get_db_prep_save(canonical, connection),
        _FIELDS["saved_at"].get_db_prep_save(now, connection),
    ]
    with connection.cursor() as cursor:
        cursor.execute(_prepared()["upsert"], params)
