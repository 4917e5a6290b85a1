"""The queries every answer save runs, through documented Django APIs only (the ORM and
``bulk_create(update_conflicts=…)``), so a Django upgrade cannot break them.

A save reads the session (Django's database sessions), reads the candidate with their sitting
(one SELECT with a join, only the columns a request needs: the paper, the key and the code hash
stay out — they are large or secret, and the paper is cached per process), and writes one
answer (one INSERT … ON CONFLICT DO UPDATE statement; autocommit commits it).
"""

from __future__ import annotations

import datetime as dt

from .models import Answer, Person

# The person's and the sitting's columns a request needs.
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
_ONLY = (*PERSON_FIELDS, *(f"sitting__{f}" for f in SITTING_FIELDS))


def person(pk: int) -> Person | None:
    """The candidate with their sitting (deferred large columns), or None."""
    return Person.objects.select_related("sitting").only(*_ONLY).filter(pk=pk).first()


def store_answer(person_id: int, question_id: str, sent, canonical, now: dt.datetime) -> None:
    """Insert or replace one answer (one statement; autocommit commits it)."""
    Answer.objects.bulk_create(
        [
            Answer(
                person_id=person_id,
                question_id=question_id,
                sent=sent,
                canonical=canonical,
                saved_at=now,
            )
        ],
        update_conflicts=True,
        unique_fields=["person", "question_id"],
        update_fields=["sent", "canonical", "saved_at"],
    )
