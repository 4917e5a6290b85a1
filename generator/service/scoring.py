"""The service's answers as answer-sheet rows, graded by ``generator.grading`` (one implementation).

Every stored answer is in the canonical version's labels (``Answer.canonical``), so a person's
row is exactly what ``exam export`` writes to ``answers.csv``: the score the service shows is
``grade(key, that row)``, the same function ``quiz grade`` applies to the exported file.
"""

from __future__ import annotations

import csv
import hashlib
import io
from functools import lru_cache

from ..exam.answer_sheet import header
from ..exam.key import Key, parse_key
from ..grading.grade import Grading, Result, grade
from ..grading.sheet import Row, Sheet
from ..model.answers import fold
from ..model.cells import guard_row


@lru_cache(maxsize=32)
def _key(key_text: str, digest: str) -> Key:
    return parse_key(key_text)


def sitting_key(sitting) -> Key:
    return _key(sitting.key_json, hashlib.sha256(sitting.key_json.encode()).hexdigest())


def cell(item: dict, canonical) -> str:
    """A stored answer as the answer-sheet cell: AC, 对, or the text."""
    if canonical is None:
        return ""
    if item["type"] in ("single", "multiple"):
        return "".join(sorted(canonical))
    return str(canonical)


def row(sitting, person, answers: dict[str, object], number: int = 2) -> Row:
    """``answers``: question id → canonical answer."""
    cells = {
        no: cell(item, answers.get(item["id"])) for no, item in enumerate(sitting.items(), start=1)
    }
    info = {
        "工号": fold(person.staff_id),
        "姓名": fold(person.name),
        "科室": fold(person.department),
        "版本": sitting.version,
    }
    return Row(number, info, cells)


def answers_of(person) -> dict[str, object]:
    return dict(person.answers.values_list("question_id", "canonical"))


def grade_person(sitting, person) -> Result:
    grading = grade(sitting_key(sitting), Sheet([row(sitting, person, answers_of(person))]))
    if grading.rejected:  # cannot happen for answers the API accepted; never guess
        raise ValueError(grading.rejected[0].reason)
    return grading.results[0]


def exported_people(sitting):
    """Everyone who opened the paper, in department and 工号 order."""
    return sitting.people.filter(started_at__isnull=False).order_by("department", "staff_id")


def grade_sitting(sitting) -> Grading:
    """The sitting's answers graded in process, as ``quiz grade`` grades its export."""
    return grade(sitting_key(sitting), Sheet(sheet_rows(sitting)))


def sheet_rows(sitting) -> list[Row]:
    from .models import Answer

    people = list(exported_people(sitting))
    stored: dict[int, dict[str, object]] = {}
    for person_id, qid, canonical in Answer.objects.filter(person__in=people).values_list(
        "person_id", "question_id", "canonical"
    ):
        stored.setdefault(person_id, {})[qid] = canonical
    return [row(sitting, p, stored.get(p.pk, {}), n) for n, p in enumerate(people, start=2)]


def answers_csv(sitting) -> str:
    """``answers.csv``: the answer-sheet format of DESIGN.md (UTF-8 with BOM for Excel)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    count = len(sitting.items())
    writer.writerow(header(count))
    for r in sheet_rows(sitting):
        writer.writerow(
            guard_row(
                [r.person[c] for c in ("工号", "姓名", "科室", "版本")]
                + [r.answers[n] for n in range(1, count + 1)]
            )
        )
    return "\ufeff" + buffer.getvalue()
