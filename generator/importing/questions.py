"""One question as people write it (a spreadsheet row, a block of a Word "试卷") → one bank entry.

Both readers (``bank_sheet``, ``bank_text``) fill a ``RawQuestion`` with the texts they found;
``build_bank`` turns them into the bank's YAML data (DESIGN.md, "Question bank") or into located
problems — every problem of every question at once.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from ..errors import WHOLE_FILE, Problem
from ..model.answers import fold
from ..model.terms import OPTION_LABELS, TYPE_NAMES, rule_label, rule_refs

MAX_OPTIONS = 8  # A–H


@dataclass(frozen=True, order=True)
class ImportProblem(Problem):
    """A problem in a file someone gave us, located as they see it: ``第5行（第3题）``, or about
    the whole file (``ImportProblem.whole_file``: ``path: message``, no row or paragraph)."""

    where: str = ""

    def __str__(self) -> str:
        if self.line == WHOLE_FILE and not self.where:
            return f"{self.path}: {self.message}"
        return f"{self.path}:{self.where or self.line}: {self.message}"

    @classmethod
    def whole_file(cls, path: str, message: str) -> ImportProblem:
        """A problem with the file itself: its format, its reading, a duplicate of another."""
        return cls(path, WHOLE_FILE, message)


@dataclass
class RawQuestion:
    """The texts one question was written with, before any reading of them."""

    line: int  # the row (spreadsheet, title row counted) or line/paragraph where it starts
    number: int  # its place among the file's questions, from 1
    unit: str = "行"  # 行 (rows, text lines) or 段 (Word paragraphs)
    type: str = ""
    stem: str = ""
    options: list[str] = field(default_factory=list)
    answer: str = ""
    explanation: str = ""
    difficulty: str = ""
    rules: str = ""
    topic: str = ""  # 知识点/章节: helps the suggestion when there is no 条款
    id: str = ""
    exam_only: str = ""
    document: str = ""
    suggested: str = ""
    file: str = ""  # the file (and sheet) as shown in messages, when not the whole file's

    @property
    def where(self) -> str:
        return f"第{self.line}{self.unit}（第{self.number}题）"


# --- the small readings shared by both layouts ----------------------------------------------

_TYPES = {
    "single": ("单选", "单项选择", "单选题", "单项选择题", "选择题", "单择"),
    "multiple": ("多选", "多项选择", "多选题", "多项选择题", "不定项", "不定项选择题", "多择"),
    "judge": ("判断", "判断题", "是非题", "是非", "对错题"),
    "fill": ("填空", "填空题"),
}
TYPE_BY_NAME = {name: key for key, names in _TYPES.items() for name in names}
TYPE_BY_NAME.update({k: k for k in _TYPES})


def clean(text: object) -> str:
    """A cell or line as text: trimmed, inner line breaks kept as written, no stray NBSPs."""
    value = "" if text is None else str(text)
    return value.replace("\u00a0", " ").replace("\r\n", "\n").replace("\r", "\n").strip()


def question_type(text: str) -> str | None:
    key = re.sub(r"\([^)]*\d[^)]*\)", "", fold(text))  # 单选题（2分）
    key = re.sub(r"[\s()\[\]【】]", "", key).lower()
    return TYPE_BY_NAME.get(key)


_JUDGE = {
    True: ("对", "√", "✓", "✔", "正确", "是", "T", "TRUE", "Y", "YES", "V"),
    False: ("错", "×", "✗", "✘", "X", "错误", "否", "F", "FALSE", "N", "NO"),
}
JUDGE_BY_TEXT = {text: value for value, texts in _JUDGE.items() for text in texts}


def judge_answer(text: str) -> bool | None:
    return JUDGE_BY_TEXT.get(fold(text).upper().replace(" ", ""))


_CHOICE_SEPARATORS = re.compile(r"[\s,;、/|，；]+")


def choice_answer(text: str) -> list[str] | None:
    """``AC``, ``A,C``, ``A、C``, ``ＡＣ``, ``a c`` → ``["A", "C"]``; None when not letters."""
    letters = _CHOICE_SEPARATORS.sub("", fold(text).upper())
    if not letters or not re.fullmatch(f"[{OPTION_LABELS[:MAX_OPTIONS]}]+", letters):
        return None
    return list(letters)


FILL_SEPARATORS = re.compile(r"\s*[；;|｜]\s*")


def fill_answers(text: str) -> list[str]:
    return [a for a in FILL_SEPARATORS.split(clean(text)) if a]


# A blank as people type it: a run of underscores, or empty brackets (full- or half-width).
BLANK = re.compile(r"_{2,}|＿{2,}|[（(][\s\u3000]*[）)]")
BANK_BLANK = "____"


def blanks(stem: str) -> int:
    return len(BLANK.findall(stem))


_BARE_NUMBERS = re.compile(r"^[\s1-9,，、;；/和及与]+$")


def rule_numbers(text: str) -> list[int] | None:
    """``8``, ``第8条``, ``第八条``, ``第一条、第九条``, ``1,9`` → the rule numbers; None when
    the text names none (``红包`` is a topic, not a rule)."""
    value = fold(text)
    if not value:
        return None
    found = [n for n in rule_refs(value) if 1 <= n <= 9]
    if not found and _BARE_NUMBERS.match(value):
        found = [int(d) for d in re.findall(r"\d+", value)]
        if any(not 1 <= n <= 9 for n in found):
            return None
    return list(dict.fromkeys(found)) or None


def rules_text(rules: list[int]) -> str:
    return "、".join(rule_label(n) for n in rules)


_DIFFICULTY = {"1": 1, "2": 2, "3": 3, "易": 1, "简单": 1, "容易": 1, "较易": 1, "中": 2}
_DIFFICULTY.update({"中等": 2, "一般": 2, "适中": 2, "难": 3, "较难": 3, "困难": 3})


def difficulty(text: str) -> int | None:
    return _DIFFICULTY.get(fold(text))


_YES = ("是", "Y", "YES", "TRUE", "1", "√", "对")
_NO = ("", "否", "N", "NO", "FALSE", "0", "×", "错")


def flag(text: str) -> bool | None:
    value = fold(text).upper()
    return True if value in _YES else False if value in _NO else None


def flag_text(value: bool) -> str:
    return "是" if value else ""


# --- stable ids -------------------------------------------------------------------------------


def stable_id(bank: str, stem: str, taken: set[str]) -> str:
    """The same question (by its folded stem) gets the same id on every import, wherever it
    sits in the file; a file's second identical stem gets the next free suffix."""
    digest = hashlib.sha1(re.sub(r"\s+", "", fold(stem)).encode()).hexdigest()
    base = f"{bank}-{digest[:8]}"
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}-{n}", n + 1
    taken.add(candidate)
    return candidate


ID_PATTERN = re.compile(r"^[a-z0-9-]+$")


# --- one question ---------------------------------------------------------------------------

Suggest = Callable[[str], list[int]]


def build_question(
    raw: RawQuestion, suggest: Suggest, taken: set[str]
) -> tuple[dict | None, list[str]]:
    """The bank entry for ``raw``, or the messages saying why it cannot be read."""
    problems: list[str] = []
    stem = clean(raw.stem)
    options = [clean(o) for o in raw.options]
    while options and not options[-1]:
        options.pop()
    kind = question_type(raw.type) if clean(raw.type) else _infer_type(raw, options)
    if kind is None:
        known = "、".join(["单选题", "多选题", "判断题", "填空题"])
        problems.append(f"题型：无法识别“{clean(raw.type)}”（可用：{known}）")
    if not stem:
        problems.append("题干：为空")
    question: dict = {"id": "", "type": kind, "stem": stem}

    if kind in ("single", "multiple"):
        if "" in options:
            gap = OPTION_LABELS[options.index("")]
            problems.append(f"选项{gap}：为空（后面还有选项）")
        if len(options) < 2:
            problems.append(f"选项：{TYPE_NAMES[kind]}至少需要两个选项，只找到 {len(options)} 个")
        elif len(set(options)) != len(options):
            problems.append("选项：有重复的选项")
        question["options"] = options
        labels = choice_answer(raw.answer)
        valid = OPTION_LABELS[: len(options)]
        if not clean(raw.answer):
            problems.append("答案：为空")
        elif labels is None:
            problems.append(f"答案：“{clean(raw.answer)}”不是选项字母（如 B、AC、A,C）")
        elif bad := [x for x in labels if x not in valid]:
            problems.append(
                f"答案：{'、'.join(bad)} 不在选项之中（本题只有 {'、'.join(valid) or '无'}）"
            )
        elif len(set(labels)) != len(labels):
            problems.append("答案：有重复的选项字母")
        elif kind == "single" and len(labels) != 1:
            problems.append(f"答案：单选题只能有一个答案，写的是“{clean(raw.answer)}”")
        elif kind == "multiple":
            question["answer"] = sorted(labels)
        else:
            question["answer"] = labels[0]
    elif kind == "judge":
        value = judge_answer(raw.answer)
        letters = choice_answer(raw.answer)
        if options and all(judge_answer(o) is not None for o in options):
            # Exam platforms write a judge as two options (A 正确, B 错误) and a letter.
            if value is None and letters and len(letters) == 1:
                index = OPTION_LABELS.index(letters[0])
                value = judge_answer(options[index]) if index < len(options) else None
            options = []
        if options:
            problems.append("选项：判断题不需要选项")
        if not clean(raw.answer):
            problems.append("答案：为空")
        elif value is None:
            problems.append(
                f"答案：判断题的答案应为 对/错、√/×、正确/错误，写的是“{clean(raw.answer)}”"
            )
        question["answer"] = value
    elif kind == "fill":
        if options:
            problems.append("选项：填空题不需要选项")
        count = blanks(stem)
        if count == 0:
            problems.append("题干：填空题的题干中没有空格（___ 或（ ））")
        elif count > 1:
            problems.append(f"题干：有 {count} 个空格，题库的填空题只能有一个空，请拆成几道题")
        stem = BLANK.sub(BANK_BLANK, stem)
        question["stem"] = stem
        answers = fill_answers(raw.answer)
        if not answers:
            problems.append("答案：为空")
        question["answer"] = answers

    explanation = clean(raw.explanation)
    if not explanation:
        problems.append("解析：为空（每道题都要有解析，说明依据哪一条）")
    question["explanation"] = explanation

    rules = rule_numbers(raw.rules)
    suggested = flag(raw.suggested) if clean(raw.suggested) else False
    if suggested is None:
        problems.append(f"条款待确认：应为“是”或留空，写的是“{clean(raw.suggested)}”")
    if clean(raw.rules) and rules is None:
        problems.append(
            f"条款：“{clean(raw.rules)}”不是九项准则的条款（如 8、第八条、第一条、第九条）"
        )
    elif rules is None:
        rules = suggest(" ".join([raw.topic, stem, *options, explanation]))
        suggested = True
    question["rules"] = rules
    level = difficulty(raw.difficulty)
    if clean(raw.difficulty) and level is None:
        problems.append(f"难度：“{clean(raw.difficulty)}”应为 1、2、3 或 易、中、难")
    if level is not None:
        question["difficulty"] = level
    for key, text, label in (
        ("exam_only", raw.exam_only, "仅用于考试"),
        ("document", raw.document, "文件知识题"),
    ):
        value = flag(text)
        if value is None:
            problems.append(f"{label}：应为“是”或留空，写的是“{clean(text)}”")
        elif value:
            question[key] = True
    if suggested:
        question["rules_suggested"] = True

    given = fold(raw.id)
    if given and not ID_PATTERN.match(given):
        problems.append(f"题目ID：“{given}”只能用小写字母、数字和连字符")
    elif given in taken:
        problems.append(f"题目ID：“{given}”重复")
    elif given:
        taken.add(given)
        question["id"] = given
    if problems:
        return None, problems
    return question, []


def _infer_type(raw: RawQuestion, options: list[str]) -> str | None:
    """No 题型 given: letters with options are a choice; 对/错 a judge; a blank a fill."""
    if options:
        labels = choice_answer(raw.answer)
        return "multiple" if labels and len(labels) > 1 else "single"
    if judge_answer(raw.answer) is not None:
        return "judge"
    if blanks(raw.stem):
        return "fill"
    return None


def build_bank(
    raws: list[RawQuestion], path: str, suggest: Suggest, given: set[str]
) -> tuple[list[dict], list[ImportProblem]]:
    """Every question of one file, and every problem of the file (located). Questions without a
    题目ID keep ``id: ""`` until every file is read (``stable_id`` then); ``given`` collects
    the ids the files give, across files."""
    problems: list[ImportProblem] = []
    questions: list[dict] = []
    for raw in raws:
        question, messages = build_question(raw, suggest, given)
        problems += [ImportProblem(raw.file or path, raw.line, m, raw.where) for m in messages]
        if question is not None:
            questions.append(question)
    return questions, problems


def order_keys(question: dict) -> dict:
    """The keys in the order the bank files use."""
    keys: tuple[str, ...] = ("id", "type", "stem", "options", "answer", "explanation", "rules")
    keys += ("rules_suggested", "difficulty", "exam_only", "document")
    return {k: question[k] for k in keys if k in question}
