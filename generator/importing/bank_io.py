"""A bank as the YAML file the project keeps, and as the spreadsheet trainers review.

The spreadsheet has the layout ``bank_sheet`` reads (plus 题目ID), so export → edit in Excel →
import gives the same bank field for field. Every text cell goes through ``model.cells.guard`` (DESIGN.md,
"Text that reaches a spreadsheet"); the reader strips the guard again.
"""

from __future__ import annotations

import csv
import io

import yaml

from ..model.cells import guard
from ..model.terms import OPTION_LABELS, TYPE_NAMES
from .questions import flag_text, order_keys, rules_text


class _BankDumper(yaml.SafeDumper):
    """Block style for the bank, flow style for short lists (options, answers, rules), as the
    shipped banks are written."""

    def increase_indent(self, flow=False, indentless=False):
        return super().increase_indent(flow, False)


def _sequence(dumper, data):
    flow = all(isinstance(x, str | int | bool) for x in data)
    return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=flow)


_BankDumper.add_representer(list, _sequence)


def bank_yaml(bank: str, title: str, questions: list[dict]) -> str:
    data = {"bank": bank, "title": title, "questions": [order_keys(q) for q in questions]}
    text = yaml.dump(data, Dumper=_BankDumper, allow_unicode=True, sort_keys=False, width=10_000)
    return text.replace("\n  - id:", "\n\n  - id:").replace("questions:\n\n", "questions:\n")


def export_header(questions: list[dict]) -> list[str]:
    count = max([len(q.get("options") or []) for q in questions] + [4])
    options = [f"选项{OPTION_LABELS[i]}" for i in range(count)]
    return ["题目ID", "题型", "题干", *options, "答案", "解析", "难度", "条款"] + [
        "条款待确认",
        "仅用于考试",
        "文件知识题",
    ]


def answer_text(question: dict) -> str:
    answer = question.get("answer")
    kind = question.get("type")
    if kind == "judge":
        return "对" if answer else "错"
    if kind == "fill":
        return "；".join(str(a) for a in answer or [])
    if isinstance(answer, list):
        return "".join(str(a).strip().upper() for a in answer)
    return str(answer).strip().upper()


def export_rows(questions: list[dict]) -> tuple[list[str], list[list[str]]]:
    header = export_header(questions)
    count = sum(h.startswith("选项") for h in header)
    rows = []
    for q in questions:
        options = list(q.get("options") or [])
        row = [
            q["id"],
            TYPE_NAMES[q["type"]],
            q["stem"],
            *(options + [""] * (count - len(options))),
            answer_text(q),
            q.get("explanation", ""),
            str(q["difficulty"]) if q.get("difficulty") else "",
            rules_text(q.get("rules") or []),
            flag_text(bool(q.get("rules_suggested"))),
            flag_text(bool(q.get("exam_only"))),
            flag_text(bool(q.get("document"))),
        ]
        rows.append([guard(str(cell)) for cell in row])
    return header, rows


def csv_bytes(header: list[str], rows: list[list[str]]) -> bytes:
    """UTF-8 with a BOM (Excel on a Chinese Windows then shows it right), CRLF lines."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8-sig")


def xlsx_rows(header: list[str], rows: list[list[str]]) -> list[str]:
    """Row XML for ``grading.xlsx.write_sheet``, whose own header row carries the bank's title:
    the column names on row 2 (styled as a header), the questions from row 3."""
    from ..grading.xlsx import HEADER, text_cell

    head = '<row r="2">' + "".join(text_cell(h, HEADER) for h in header) + "</row>"
    body = "".join(
        f'<row r="{r}">' + "".join(text_cell(c) for c in row) + "</row>"
        for r, row in enumerate(rows, start=3)
    )
    return [head + body]


def column_widths(header: list[str]) -> list[float]:
    wide = {"题干": 60, "解析": 50, "题目ID": 22}
    return [wide.get(h, 24 if h.startswith("选项") else 10) for h in header]
