"""Checks that span a record or several files: sections, ids, answers, taxonomy and exam references."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from ..errors import Problem
from ..model.sections import split_sections
from ..model.terms import OPTION_LABELS, TYPE_NAMES, rule_label


@dataclass
class Lines:
    """Where a record came from: its file and a function from key path to line."""

    path: str
    line: Callable[[tuple[Any, ...]], int]

    def at(self, *loc: Any) -> int:
        return self.line(tuple(loc))


LinesOf = Callable[[int], Lines | None]


def _where(record: Any, lines: LinesOf, *loc: Any) -> tuple[str, int]:
    found = lines(id(record))
    return (found.path, found.at(*loc)) if found else (getattr(record, "path", "?"), 1)


def missing_sections(
    body: str, body_line: int, sections: Iterable[str], path: str
) -> list[Problem]:
    present = split_sections(body).keys()
    return [
        Problem(path, body_line - 1, f"正文缺少“## {name}”一节")
        for name in sections
        if name not in present
    ]


# Personal numbers must never be published: mainland ID cards, mobile numbers, bank cards.
_PERSONAL_NUMBERS = (
    (re.compile(r"(?<!\d)\d{17}[\dXx](?!\d)"), "疑似身份证号码"),
    (re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)"), "疑似手机号码"),
    (re.compile(r"(?<!\d)\d{16,19}(?!\d)"), "疑似银行卡号"),
    (re.compile(r"(?<!\d)0\d{2,3}-?\d{7,8}(?!\d)"), "疑似固定电话号码"),
)


# Every number above has seven digits in a row somewhere: a text without is clean.
_SEVEN_DIGITS = re.compile(r"\d{7}")


def personal_numbers(text: str, first_line: int, path: str) -> list[Problem]:
    problems: list[Problem] = []
    if not _SEVEN_DIGITS.search(text):
        return problems
    for offset, line in enumerate(text.split("\n")):
        for pattern, what in _PERSONAL_NUMBERS:
            if pattern.search(line):
                problems.append(
                    Problem(
                        path, first_line + offset, f"{what}：教学材料不得出现个人号码，请删除或改写"
                    )
                )
                break
    return problems


# A patient's real name as case files write one: 患者张三，男，45岁 / 患者姓名：张三. Cases name
# people 王某; a name followed by sex or age, or after 姓名：, is a person's real name.
_PATIENT_NAME = re.compile(
    r"(?:患者|病人|患儿|病患)(?:姓名)?[：:]?\s*(?!某)[\u4e00-\u9fff]{2,3}?[，,、\s(（]*(?:男|女|\d{1,3}\s*岁)"
    r"|(?:患者|病人)姓名\s*[：:]\s*(?!某)[\u4e00-\u9fff]{2,3}"
)


def patient_names(text: str, first_line: int, path: str) -> list[Problem]:
    if "患" not in text and "病人" not in text:
        return []
    return [
        Problem(
            path, first_line + offset, "疑似患者真实姓名：案例应匿名（如“患者王某”），请删除或改写"
        )
        for offset, line in enumerate(text.split("\n"))
        if _PATIENT_NAME.search(line)
    ]


def duplicates(entries: Iterable[tuple[Any, str, int]], what: str) -> list[Problem]:
    """One message for every kind of duplicate id: ``(value, path, line)`` in reading order."""
    problems: list[Problem] = []
    seen: dict[Any, tuple[str, int]] = {}
    for value, path, line in entries:
        if value in seen:
            first_path, first_line = seen[value]
            problems.append(
                Problem(path, line, f"{what}“{value}”重复：已在 {first_path}:{first_line} 使用")
            )
        else:
            seen[value] = (path, line)
    return problems


def unique_ids(records: list, key: str, what: str, lines: LinesOf) -> list[Problem]:
    return duplicates(((getattr(r, key), *_where(r, lines, key)) for r in records), what)


def unique_questions(banks: list, lines: LinesOf) -> list[Problem]:
    entries = (
        (q.id, *_where(bank, lines, "questions", i, "id"))
        for bank in banks
        for i, q in enumerate(bank.questions)
    )
    return duplicates(entries, "题目编号")


def rule_set(rules: list, lines: LinesOf) -> list[Problem]:
    """The nine rule pages: each once, none missing (an empty content/rules/ included)."""
    problems = duplicates(
        ((rule_label(r.rule), *_where(r, lines, "rule")) for r in rules), "准则页面"
    )
    present = {rule.rule for rule in rules}
    for n in range(1, 10):
        if n not in present:
            problems.append(Problem("content/rules", 1, f"缺少{rule_label(n)}的页面（rule: {n}）"))
    return problems


def rule_refs(rules: list, records: list, lines: LinesOf) -> list[Problem]:
    """``rules: [n]`` anywhere must name a rule whose page exists (a partial content root)."""
    present = {rule.rule for rule in rules}
    if not present:
        return []  # rule_set already says every page is missing
    problems = []

    def check(record: Any, numbers: list[int], *loc: Any) -> None:
        for i, n in enumerate(numbers):
            if n not in present:
                path, line = _where(record, lines, *loc, i)
                problems.append(
                    Problem(
                        path, line, f"{rule_label(n)}没有页面（content/rules/ 中没有 rule: {n}）"
                    )
                )

    for record in records:
        if hasattr(record, "questions"):
            for i, q in enumerate(record.questions):
                check(record, q.rules, "questions", i, "rules")
        elif hasattr(record, "posts"):
            for i, post in enumerate(record.posts):
                for j, risk in enumerate(post.risks):
                    check(record, risk.rules, "posts", i, "risks", j, "rules")
        else:
            check(record, getattr(record, "rules", []), "rules")
    return problems


def choice_answer_problem(labels: list[str], option_count: int, single: bool) -> str | None:
    """What is wrong with the option letters of a single/multiple answer, or None.

    Shared by the bank checks and the grader's reading of key.json.
    """
    valid = OPTION_LABELS[:option_count]
    if single and len(labels) != 1:
        return "单选题的答案只能是一个选项字母"
    bad = [x for x in labels if x not in valid]
    if bad:
        return f"答案 {'、'.join(bad)} 不在选项之中（本题只有 {'、'.join(valid)}）"
    if len(set(labels)) != len(labels):
        return "答案中有重复的选项字母"
    return None


def _answer_problem(q: Any) -> tuple[str, str] | None:
    """(key, message) for a question whose answer does not fit its type and options."""
    options = q.options or []
    if q.type in ("single", "multiple"):
        if len(options) < 2:
            return "options", f"{TYPE_NAMES[q.type]}至少需要两个选项"
        if len(set(options)) != len(options):
            return "options", "选项有重复"
        given = q.answer if isinstance(q.answer, list) else [q.answer]
        if not given or not all(isinstance(v, str) for v in given):
            return "answer", "答案应为选项字母，如 B 或 [A, C]"
        if q.type == "single" and isinstance(q.answer, list):
            return "answer", "单选题的答案只能是一个选项字母"
        if q.type == "multiple" and not isinstance(q.answer, list):
            return "answer", "多选题的答案应写成列表，如 [A, C]"
        problem = choice_answer_problem(q.answer_labels, len(options), q.type == "single")
        if problem:
            return "answer", problem
    elif q.type == "judge":
        if options:
            return "options", "判断题不需要选项"
        if not isinstance(q.answer, bool):
            return "answer", "判断题的答案应为 true（对）或 false（错）"
    elif q.type == "fill":
        if options:
            return "options", "填空题不需要选项"
        answers = q.answer if isinstance(q.answer, list) else None
        if not answers or not all(
            isinstance(a, str | int | float) and str(a).strip() for a in answers
        ):
            return "answer", "填空题的答案应为可接受答案的列表，如 [统方]"
        if "____" not in q.stem:
            return "stem", "填空题的题干应含有空格 ____（四个下划线）"
    return None


def question_answers(banks: list, lines: LinesOf) -> list[Problem]:
    problems = []
    for bank in banks:
        for i, q in enumerate(bank.questions):
            found = _answer_problem(q)
            if found:
                key, message = found
                path, line = _where(bank, lines, "questions", i, key)
                problems.append(Problem(path, line, f"题目 {q.id}：{message}"))
    return problems


def taxonomy_refs(cases: list, risks: list, taxonomy: Any) -> list[Problem]:
    """Category and department names, checked on every parsed file, even one with other errors."""
    allowed = {
        "category": ({c.name for c in taxonomy.categories}, "案例类别", "类别"),
        "department": ({d.name for d in taxonomy.departments}, "科室", "科室"),
    }
    problems = []
    for files, keys in ((cases, ("category", "department")), (risks, ("department",))):
        for path, located in files:
            data = located.data if isinstance(located.data, dict) else {}
            for key in keys:
                value = data.get(key)
                names, what, short = allowed[key]
                if isinstance(value, str) and value.strip() and value.strip() not in names:
                    problems.append(
                        Problem(
                            path,
                            located.line((key,)),
                            f"未知的{what}“{value}”：请使用 site_config/taxonomy.yml 中的{short}，"
                            f"如 {'、'.join(sorted(names)[:4])}",
                        )
                    )
    return problems


def exam_refs(exams: list, banks: list, declared: set[str], lines: LinesOf) -> list[Problem]:
    """Every bank an exam names exists. A bank whose file has errors of its own is not reported
    again here (its file's problems say what is wrong). Whether the sections can be drawn is
    ``exam.draw.feasibility_problems`` — the draw itself, so ``check`` and ``quiz paper`` agree."""
    known = {b.bank for b in banks}
    problems = []
    for exam in exams:
        for i, bank_id in enumerate(exam.banks):
            if bank_id not in known and bank_id not in declared:
                path, line = _where(exam, lines, "banks", i)
                listed = "、".join(sorted(known)) or "（无）"
                problems.append(Problem(path, line, f"题库“{bank_id}”不存在（已有：{listed}）"))
    return problems


def suggested_rules(corpus: Any) -> list[Problem]:
    """Questions whose rules an import suggested (``rules_suggested: true``): a reminder for
    ``check``, not an error — the bank works, but no editor has confirmed the rule yet."""
    found = []
    for bank in corpus.banks:
        for i, q in enumerate(bank.questions):
            if q.rules_suggested:
                line = corpus.line_of(bank.path, "questions", i, "rules_suggested")
                labels = "、".join(rule_label(n) for n in q.rules)
                found.append(
                    Problem(
                        bank.path,
                        line,
                        f"题目 {q.id}：条款{labels}是导入时自动建议的，请核对后删去 rules_suggested",
                    )
                )
    return found
