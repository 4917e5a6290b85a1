"""``qinglian quiz export``: question banks → Moodle XML or GIFT, for hospitals that run an LMS.

Exam-only questions are exported by default: an LMS exam is exactly what they are for, and the
export is a file for the LMS administrator, not something published on the site. ``public_only``
leaves them out (for an open practice course in the LMS).

Moodle XML: ``multichoice`` (single and multiple answer), ``truefalse`` and ``shortanswer``
(fill). For multiple-answer questions each correct option carries an equal share taken from
Moodle's allowed grade list (3 correct → 33.33333 each) and each wrong option −100, so a
wrong tick cancels the question, as on the paper exam. GIFT escapes its special characters
``~ = # { } :`` and the backslash.
"""

from __future__ import annotations

import html
import xml.etree.ElementTree as ET
from pathlib import Path

from ..errors import ConfigError
from ..model.corpus import Bank
from ..model.schemas import Question
from ..model.terms import OPTION_LABELS as LABELS
from ..model.terms import rule_label
from ..outputs import replacing

# Moodle's allowed grades (question/engine/bank.php, fraction_options), as percentages.
MOODLE_FRACTIONS = (
    "100", "90", "83.33333", "80", "75", "70", "66.66667", "60", "50", "40", "33.33333", "30",
    "25", "20", "16.66667", "14.28571", "12.5", "11.11111", "10", "5", "0",
)  # fmt: skip
_SHARES = {round(100 / float(f), 3): f for f in MOODLE_FRACTIONS if float(f) > 0}

GIFT_SPECIAL = "~=#{}:"


def category_path(bank: Bank) -> str:
    """The LMS category of a bank ("/" would nest categories, so it is made full-width)."""
    return "$course$/top/清廉题库/" + bank.title.replace("/", "／")


def selected(bank: Bank, public_only: bool) -> list[Question]:
    return [q for q in bank.questions if not (public_only and q.exam_only)]


def share(correct: int) -> str:
    """Each correct option's grade in a multiple-answer question, from Moodle's allowed list."""
    found = _SHARES.get(round(float(correct), 3))
    if found is None:
        raise ConfigError(f"{correct} 个正确选项无法用 Moodle 允许的分值均分")
    return found


def _labels(q: Question) -> set[int]:
    return {LABELS.index(a) for a in q.answer_labels}


def _rule_tags(q: Question) -> list[str]:
    return [rule_label(n) for n in dict.fromkeys(q.rules)]


# --- Moodle XML ------------------------------------------------------------------------------


def _text(parent: ET.Element, tag: str, value: str, fmt: str | None = "html") -> ET.Element:
    element = ET.SubElement(parent, tag, {"format": fmt} if fmt else {})
    ET.SubElement(element, "text").text = html.escape(value, quote=False) if fmt else value
    return element


def _answer(parent: ET.Element, fraction: str, text: str, fmt: str = "html") -> None:
    answer = ET.SubElement(parent, "answer", {"fraction": fraction, "format": fmt})
    ET.SubElement(answer, "text").text = html.escape(text, quote=False) if fmt == "html" else text
    feedback = ET.SubElement(answer, "feedback", {"format": "html"})
    ET.SubElement(feedback, "text").text = ""


def _moodle_question(quiz: ET.Element, q: Question) -> None:
    kind = {"single": "multichoice", "multiple": "multichoice", "judge": "truefalse"}.get(
        q.type, "shortanswer"
    )
    element = ET.SubElement(quiz, "question", {"type": kind})
    name = ET.SubElement(element, "name")
    ET.SubElement(name, "text").text = q.id
    _text(element, "questiontext", q.stem)
    _text(element, "generalfeedback", q.explanation)
    ET.SubElement(element, "defaultgrade").text = "1"
    ET.SubElement(element, "penalty").text = "1" if q.type == "judge" else "0.3333333"
    ET.SubElement(element, "hidden").text = "0"
    ET.SubElement(element, "idnumber").text = q.id
    if q.type in ("single", "multiple"):
        correct = _labels(q)
        ET.SubElement(element, "single").text = "true" if q.type == "single" else "false"
        ET.SubElement(element, "shuffleanswers").text = "true"
        ET.SubElement(element, "answernumbering").text = "ABCD"
        for i, option in enumerate(q.options or []):
            if q.type == "single":
                fraction = "100" if i in correct else "0"
            else:
                fraction = share(len(correct)) if i in correct else "-100"
            _answer(element, fraction, option)
    elif q.type == "judge":
        _answer(element, "100" if q.answer else "0", "true", "moodle_auto_format")
        _answer(element, "0" if q.answer else "100", "false", "moodle_auto_format")
    else:
        ET.SubElement(element, "usecase").text = "0"
        for accepted in q.answer:
            _answer(element, "100", str(accepted).strip(), "moodle_auto_format")
    tags = ET.SubElement(element, "tags")
    for tag in [*_rule_tags(q), *(["仅用于考试"] if q.exam_only else [])]:
        ET.SubElement(ET.SubElement(tags, "tag"), "text").text = tag


def moodle_xml(banks: list[Bank], public_only: bool = False) -> str:
    quiz = ET.Element("quiz")
    for bank in banks:
        category = ET.SubElement(quiz, "question", {"type": "category"})
        _text(category, "category", category_path(bank), fmt=None)
        _text(category, "info", f"{bank.title}（{bank.bank}）")
        for q in selected(bank, public_only):
            _moodle_question(quiz, q)
    ET.indent(quiz)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(quiz, "unicode") + "\n"


# --- GIFT ------------------------------------------------------------------------------------


def gift_escape(text: str) -> str:
    """Backslash before GIFT's special characters; line breaks as \\n."""
    text = str(text).replace("\\", "\\\\")
    for char in GIFT_SPECIAL:
        text = text.replace(char, "\\" + char)
    return text.replace("\r\n", "\n").replace("\n", "\\n")


def _gift_question(q: Question) -> str:
    stem, feedback = gift_escape(q.stem), gift_escape(q.explanation)
    if q.type == "judge":
        body = "T" if q.answer else "F"
        return f"::{q.id}::{stem}{{{body}####{feedback}}}"
    if q.type == "fill":
        answers = " ".join(f"={gift_escape(str(a).strip())}" for a in q.answer)
        return f"::{q.id}::{stem}{{{answers}####{feedback}}}"
    correct = _labels(q)
    lines = []
    for i, option in enumerate(q.options or []):
        text = gift_escape(option)
        if q.type == "single":
            lines.append(f"\t{'=' if i in correct else '~'}{text}")
        else:
            weight = share(len(correct)) if i in correct else "-100"
            lines.append(f"\t~%{weight}%{text}")
    return f"::{q.id}::{stem}{{\n" + "\n".join(lines) + f"\n\t####{feedback}\n}}"


def gift(banks: list[Bank], public_only: bool = False) -> str:
    blocks = []
    for bank in banks:
        questions = selected(bank, public_only)
        blocks.append(f"// {bank.title}（{bank.bank}），{len(questions)} 题\n")
        blocks.append(f"$CATEGORY: {category_path(bank)}\n")
        for q in questions:
            marks = " ".join(_rule_tags(q) + (["仅用于考试"] if q.exam_only else []))
            blocks.append(f"// {q.id} {marks}\n{_gift_question(q)}\n")
    return "\n".join(blocks)


def export(banks: list[Bank], fmt: str, out: Path, public_only: bool = False) -> int:
    """Write the export atomically; returns how many questions it holds."""
    text = moodle_xml(banks, public_only) if fmt == "moodle" else gift(banks, public_only)
    with replacing(Path(out)) as tmp:
        tmp.write_text(text, encoding="utf-8")
    return sum(len(selected(b, public_only)) for b in banks)
