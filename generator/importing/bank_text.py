"""Question banks written as a "试卷" (Word, WPS or plain text): lines → ``RawQuestion``s.

What such papers look like: section heads (一、单选题 / 二、多项选择题（每题2分）/ 判断题 /
填空题), numbered stems (``1.`` ``1、`` ``（1）``), options ``A.`` ``A、`` ``A．`` on one line or
several, ``答案：`` / ``解析：`` lines (also ``【答案】``), or the answer in the stem's brackets
``（B）`` / ``（√）``. A line that starts none of these continues what came before it.
"""

from __future__ import annotations

import re

from ..model.terms import OPTION_LABELS
from .questions import (
    JUDGE_BY_TEXT,
    ImportProblem,
    RawQuestion,
    choice_answer,
    clean,
    question_type,
)

_SECTION = re.compile(
    r"^\s*(?:[一二三四五六七八九十]+\s*[、.．]|第[一二三四五六七八九十]+部分[、:：\s]*|[（(][一二三四五六七八九十]+[)）])?\s*"
    r"(单项选择题|单选题|多项选择题|多选题|不定项选择题|判断题|是非题|填空题|单项选择|多项选择)"
    r"\s*(?:[（(][^)）]*[)）])?\s*[:：]?\s*$"
)
_STEM = re.compile(r"^\s*(?:(\d{1,4})\s*[.．、](?!\d)|[（(](\d{1,4})[)）])\s*(?=\S)")
_OPTION_START = re.compile(r"^\s*([A-H])\s*[.．、:：]\s*")
_OPTION_MARK = re.compile(r"(?:^|(?<=\s))([A-H])\s*[.．、:：]\s*")
_ANSWER = re.compile(r"^\s*(?:【\s*(?:参考)?答案\s*】|(?:参考|正确|标准)?答案\s*[:：])\s*")
_EXPLANATION = re.compile(r"^\s*(?:【\s*(?:答案)?解析\s*】|(?:答案)?解析\s*[:：])\s*")
_RULES = re.compile(r"^\s*(?:【\s*(?:条款|知识点)\s*】|(?:条款|知识点|依据条款)\s*[:：])\s*")
_INLINE_EXPLANATION = re.compile(r"\s*(?:【\s*(?:答案)?解析\s*】|(?:答案)?解析\s*[:：])\s*")
_BRACKET_CHOICE = re.compile(r"[（(]\s*([A-HＡ-Ｈ](?:[\s,，、]*[A-HＡ-Ｈ])*)\s*[)）]")
_JUDGE_WORDS = "|".join(sorted((re.escape(t) for t in JUDGE_BY_TEXT if len(t) <= 2), key=len))
_BRACKET_JUDGE = re.compile(rf"[（(]\s*({_JUDGE_WORDS})\s*[)）]\s*[。.]?\s*$")
EMPTY_BRACKETS = "（  ）"
# Options written on the stem's own line: ``1. 下列…（ ）A.甲 B.乙 C.丙``.
_OPTIONS_IN_STEM = re.compile(r"(?<=[\s）)])A\s*[.．、]")
# An answer key at the end: ``参考答案`` then ``1.B 2.AC 3.√`` or ``1-5 BACDA`` (several per line).
_KEY_HEAD = re.compile(
    r"^\s*(?:[一二三四五六七八九十]+\s*[、.．])?\s*(?:参考答案|标准答案|答案)(?:及解析|与解析)?\s*[:：]?\s*$"
)
_KEY_MARKS = "A-Ha-hＡ-Ｈ对错√×✓✗"
_KEY_SECTION = re.compile(
    r"^\s*(?:[一二三四五六七八九十]+\s*[、.．]|[（(][一二三四五六七八九十]+[)）])\s*"
)
_KEY_RANGE = re.compile(
    rf"(\d{{1,4}})\s*[-~～—－至]\s*(\d{{1,4}})\s*[.．、:：]?\s*([{_KEY_MARKS}]+)"
)
_KEY_ITEM = re.compile(
    rf"(\d{{1,4}})\s*[.．、:：)）]?\s*((?:正确|错误|[{_KEY_MARKS}])(?:[,，、]?[A-HＡ-Ｈ])*)"
)


def split_option_line(text: str, expected: int) -> list[tuple[int, str]]:
    """``A.是  B.否`` → [(0, 是), (1, 否)]: the marks that continue A, B, C… in order."""
    chosen, next_label = [], expected
    for m in _OPTION_MARK.finditer(text):
        if next_label < len(OPTION_LABELS) and m.group(1) == OPTION_LABELS[next_label]:
            chosen.append(m)
            next_label += 1
    parts = []
    for i, m in enumerate(chosen):
        end = chosen[i + 1].start() if i + 1 < len(chosen) else len(text)
        parts.append((expected + i, text[m.end() : end].strip()))
    return parts


class _Paper:
    def __init__(self, path: str, unit: str):
        self.path, self.unit = path, unit
        self.section = ""
        self.questions: list[RawQuestion] = []
        self.problems: list[ImportProblem] = []
        self.current: RawQuestion | None = None
        self.field = ""  # what a continuation line extends: stem, option, answer, explanation
        self.printed: list[tuple[int, int]] = []  # each question's (section count, printed number)
        self.sections = 0
        self.key: dict[tuple[int | None, int], tuple[str, int]] = {}  # answer key at the end
        self.key_section: int | None = None
        self.in_key = False

    def start(self, line: int, stem: str, printed: int) -> None:
        q = RawQuestion(line, len(self.questions) + 1, self.unit, self.section, stem)
        inline = _OPTIONS_IN_STEM.search(stem)
        if inline:
            parts = split_option_line(stem[inline.start() :], 0)
            if len(parts) >= 2:
                q.stem = stem[: inline.start()].rstrip()
                q.options = [text for _, text in parts]
        self.current = q
        self.questions.append(q)
        self.printed.append((self.sections, printed))
        self.field = "option" if q.options else "stem"

    def feed_key(self, number: int, line: str) -> None:
        if _SECTION.match(line):
            self.key_section = (self.key_section or 0) + 1
            return
        head = _KEY_SECTION.match(line)  # 一、1-5 BACDA
        if head:
            self.key_section = (self.key_section or 0) + 1
            line = line[head.end() :]
        for m in _KEY_RANGE.finditer(line):
            first, last, marks = int(m.group(1)), int(m.group(2)), m.group(3)
            if last - first + 1 == len(marks):
                for k, mark in enumerate(marks):
                    self.key[(self.key_section, first + k)] = (mark, number)
        line = _KEY_RANGE.sub(" ", line)
        for m in _KEY_ITEM.finditer(line):
            self.key[(self.key_section, int(m.group(1)))] = (m.group(2), number)

    def feed(self, number: int, text: str) -> None:
        line = clean(text)
        if not line:
            return
        if self.in_key:
            self.feed_key(number, line)
            return
        if _KEY_HEAD.match(line) and self.questions:
            self.in_key, self.current = True, None
            return
        section = _SECTION.match(line)
        if section:
            self.section, self.current, self.field = section.group(1), None, ""
            self.sections += 1
            return
        q = self.current
        stem = _STEM.match(line)
        option = _OPTION_START.match(line)
        if stem:
            self.start(number, line[stem.end() :], int(stem.group(1) or stem.group(2)))
            return
        if q is None:
            return  # a title, instructions (考试时间…), a name line: not a question
        if option and self.field in ("stem", "option"):
            parts = split_option_line(line, len(q.options))
            if parts:
                q.options += [text for _, text in parts]
                self.field = "option"
                return
        for pattern, field in (
            (_ANSWER, "answer"),
            (_EXPLANATION, "explanation"),
            (_RULES, "rules"),
        ):
            m = pattern.match(line)
            if m:
                value = line[m.end() :]
                if field == "answer":
                    inline = _INLINE_EXPLANATION.search(value)
                    if inline:
                        q.explanation = value[inline.end() :]
                        value = value[: inline.start()]
                        field = "explanation"
                    q.answer = value.strip()
                else:
                    setattr(q, field, value.strip())
                self.field = field
                return
        # A continuation line.
        if self.field == "stem":
            q.stem += "\n" + line
        elif self.field == "option":
            q.options[-1] += line
        elif self.field == "explanation":
            q.explanation += "\n" + line

    def finish(self) -> None:
        sectioned = any(section is not None for section, _ in self.key)
        numbers = [n for _, n in self.printed]
        unique = len(set(numbers)) == len(numbers)
        for q, (section, printed) in zip(self.questions, self.printed, strict=True):
            if q.answer or not self.key:
                continue
            found = self.key.get((section if sectioned else None, printed))
            if found and (sectioned or unique):
                q.answer = found[0]
        if self.key and not sectioned and not unique:
            self.problems.append(
                ImportProblem(
                    self.path,
                    next(iter(self.key.values()))[1],
                    "答案表没有分节（如 一、单选题），而各题型的题号都从 1 开始，无法对应；"
                    "请在答案表中按题型分节",
                    f"第{next(iter(self.key.values()))[1]}{self.unit}",
                )
            )
        for q in self.questions:
            if q.answer:
                continue
            kind = question_type(q.type) if q.type else None
            judge = _BRACKET_JUDGE.search(q.stem)
            if judge and (kind in (None, "judge") and not q.options):
                q.answer = judge.group(1)
                q.stem = q.stem[: judge.start()] + EMPTY_BRACKETS + q.stem[judge.end() :]
                continue
            choices = list(_BRACKET_CHOICE.finditer(q.stem))
            if choices and q.options and choice_answer(choices[-1].group(1)):
                m = choices[-1]
                q.answer = m.group(1)
                q.stem = q.stem[: m.start()] + EMPTY_BRACKETS + q.stem[m.end() :]


def text_questions(
    lines: list[str], path: str, unit: str = "行"
) -> tuple[list[RawQuestion], list[ImportProblem]]:
    """The questions of a paper; ``lines[i]`` is line (or paragraph) ``i + 1``."""
    paper = _Paper(path, unit)
    for number, text in enumerate(lines, start=1):
        for part in text.split("\n"):  # a Word paragraph with line breaks inside
            paper.feed(number, part)
    paper.finish()
    if not paper.questions:
        paper.problems.append(
            ImportProblem.whole_file(
                path,
                "没有找到题目：题目应以题号开头（如 1. 或 1、或（1）），选项以 A. 开头，"
                "并有“答案：”一行或把答案写在题干括号里",
            )
        )
    return paper.questions, paper.problems


def paper_title(lines: list[str]) -> str:
    """The paper's heading: its first line, when that comes before any section or question and
    is not a form line (科室：____ 姓名：____)."""
    for text in lines:
        line = clean(text)
        if not line:
            continue
        if _SECTION.match(line) or _STEM.match(line) or "：" in line or ":" in line or "_" in line:
            return ""
        return line if len(line) <= 40 else ""
    return ""


def decode_text(raw: bytes) -> str:
    """A .txt paper: UTF-8 (with or without BOM), else GB18030 (Notepad on a Chinese Windows)."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ValueError("无法识别文件编码")  # pragma: no cover - gb18030 decodes almost anything
