"""``key.json``: written from a drawn exam, read back (and checked) by the grader.

The contract is in DESIGN.md: answers use the labels printed on that version's paper, judge
answers are ``["对"]``/``["错"]``, fill answers list every accepted string, and single/multiple
entries carry ``options`` in printed order. The grader needs nothing but this file.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field
from pydantic import ValidationError as PydanticError

from ..errors import ConfigError
from ..model.answers import fold_fill
from ..sources.checks import choice_answer_problem
from .draw import DrawnExam, Item

# --- writing ---------------------------------------------------------------------------------


def _num(value: float) -> int | float:
    return int(value) if float(value).is_integer() else value


def _entry(item: Item) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "no": item.no,
        "id": item.question.id,
        "type": item.type,
        "answer": list(item.answer),
        "points": _num(item.points),
        "rules": list(item.question.rules),
    }
    if item.type in ("single", "multiple"):
        entry["options"] = list(item.options)
    if item.question.document:
        entry["document"] = True  # about the document itself: no rule's statistics count it
    return entry


def key_data(drawn: DrawnExam) -> dict[str, Any]:
    exam = drawn.exam
    return {
        "exam": exam.id,
        "title": exam.title,
        "pass_score": _num(exam.pass_score),
        "multiple_scoring": exam.multiple_scoring,
        "total": _num(drawn.total),
        "versions": {v.name: [_entry(item) for item in v.items] for v in drawn.versions},
    }


def key_json(drawn: DrawnExam) -> str:
    """The file's text: UTF-8 Chinese as is, one question per line (diffs stay readable)."""
    data = key_data(drawn)
    versions = data.pop("versions")
    head = json.dumps(data, ensure_ascii=False)[:-1]
    blocks = []
    for name, entries in versions.items():
        rows = ",\n    ".join(json.dumps(e, ensure_ascii=False) for e in entries)
        blocks.append(f"  {json.dumps(name)}: [\n    {rows}\n  ]")
    return head + ', "versions": {\n' + ",\n".join(blocks) + "\n}}\n"


# --- reading ---------------------------------------------------------------------------------


class _Entry(BaseModel):
    model_config = ConfigDict(extra="allow")
    no: int = Field(ge=1)
    id: str = Field(min_length=1)
    type: Literal["single", "multiple", "judge", "fill"]
    answer: list[str]
    points: float = Field(gt=0)
    rules: list[int] = []
    options: list[str] | None = None
    document: bool = False  # a question about the document itself (not counted per rule)


class _KeyFile(BaseModel):
    model_config = ConfigDict(extra="allow")
    exam: str = Field(min_length=1)
    title: str = ""
    pass_score: float = Field(ge=0)
    multiple_scoring: Literal["all_or_nothing", "partial_half"] = "all_or_nothing"
    total: float = Field(gt=0)
    versions: dict[str, list[_Entry]] = Field(min_length=1)


@dataclass(frozen=True)
class KeyItem:
    no: int
    id: str
    type: str
    answer: frozenset[str]  # labels, 对/错, or folded accepted fill strings
    points: float
    rules: tuple[int, ...]
    options: tuple[str, ...] = ()
    accepted: tuple[str, ...] = ()  # fill: the accepted strings as written (for reports)
    document: bool = False  # about the document itself: scored, but not in per-rule statistics

    @property
    def answer_text(self) -> str:
        if self.type == "fill":
            return " / ".join(self.accepted)
        return "".join(sorted(self.answer))


@dataclass(frozen=True)
class Key:
    exam: str
    title: str
    pass_score: float
    multiple_scoring: str
    total: float
    versions: dict[str, list[KeyItem]]

    @property
    def question_count(self) -> int:
        return len(next(iter(self.versions.values())))

    def items_by_id(self) -> dict[str, list[tuple[str, KeyItem]]]:
        """Each question id → (version, item) for every version it is printed on."""
        index: dict[str, list[tuple[str, KeyItem]]] = {}
        for name, items in self.versions.items():
            for item in items:
                index.setdefault(item.id, []).append((name, item))
        return index


_FIELDS = {
    "exam": "考试编号",
    "pass_score": "合格分",
    "total": "满分",
    "versions": "版本",
    "no": "题号",
    "id": "题目编号",
    "type": "题型",
    "answer": "答案",
    "points": "分值",
    "options": "选项",
    "multiple_scoring": "多选题计分方式",
}


def _where(loc: tuple) -> str:
    """("versions", "A", 2, "answer") → "A 卷 → 第 3 项 → answer（答案）"."""
    parts = []
    for i, part in enumerate(loc):
        if loc[0] == "versions" and i == 1:
            parts.append(f"{part} 卷")
        elif loc[0] == "versions" and i == 2 and isinstance(part, int):
            parts.append(f"第 {part + 1} 项")
        elif loc[0] == "versions" and i == 0 and len(loc) > 1:
            continue
        else:
            parts.append(f"{part}（{_FIELDS[part]}）" if part in _FIELDS else str(part))
    return " → ".join(parts)


def load_key(path: Path) -> Key:
    """Read and check ``key.json``; any problem is a ConfigError naming the file and the place."""
    name = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise ConfigError(f"{name}：找不到答案文件") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{name}：无法读取答案文件（{exc}）") from None
    return parse_key(text, name)


def parse_key(text: str, name: str = "key.json") -> Key:
    """Check the text of a ``key.json`` and return the Key; ``name`` is used in messages."""
    text = text.removeprefix("\ufeff")
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ConfigError(
            f"{name}:{exc.lineno}: 不是有效的 JSON（第 {exc.colno} 列附近）；"
            "请使用 qinglian quiz paper 生成的 key.json"
        ) from None
    try:
        data = _KeyFile.model_validate(raw)
    except PydanticError as exc:
        first = exc.errors()[0]
        more = f"（另有 {exc.error_count() - 1} 处问题）" if exc.error_count() > 1 else ""
        where = _where(tuple(first["loc"])) or "文件"
        raise ConfigError(
            f"{name}：不是有效的答案文件：{where} {_reason(first)}{more}；"
            "请使用 qinglian quiz paper 生成的 key.json"
        ) from None
    versions = {v: [_item(name, v, e) for e in entries] for v, entries in data.versions.items()}
    _check_shape(name, versions, data.total)
    return Key(
        exam=data.exam,
        title=data.title or data.exam,
        pass_score=data.pass_score,
        multiple_scoring=data.multiple_scoring,
        total=data.total,
        versions=versions,
    )


def _reason(error: Mapping[str, Any]) -> str:
    kind = error["type"]
    if kind == "missing":
        return "缺失"
    if kind == "literal_error":
        return f"的值 {error['input']!r} 无效（应为 {error['ctx']['expected']}）"
    if kind in ("list_type", "dict_type", "model_type"):
        return f"的形式不对（实际为 {error['input']!r}）"
    return f"的值 {error.get('input')!r} 无效（{error['msg']}）"


def _item(name: str, version: str, e: _Entry) -> KeyItem:
    where = f"{name}：{version} 卷第 {e.no} 题（{e.id}）"
    answer = [a.strip() for a in e.answer]
    if not answer or not all(answer):
        raise ConfigError(f"{where}的答案是空的")
    if e.type in ("single", "multiple"):
        options = e.options or []
        if len(options) < 2:
            raise ConfigError(f"{where}缺少选项（options）")
        problem = choice_answer_problem(answer, len(options), e.type == "single")
        if problem:
            raise ConfigError(f"{where}的答案有误：{problem}")
        return KeyItem(
            e.no,
            e.id,
            e.type,
            frozenset(answer),
            e.points,
            tuple(e.rules),
            tuple(options),
            document=e.document,
        )
    if e.type == "judge":
        if answer not in (["对"], ["错"]):
            raise ConfigError(f'{where}是判断题，答案应为 ["对"] 或 ["错"]')
        return KeyItem(
            e.no, e.id, e.type, frozenset(answer), e.points, tuple(e.rules), document=e.document
        )
    folded = frozenset(fold_fill(a) for a in answer)
    return KeyItem(
        e.no,
        e.id,
        e.type,
        folded,
        e.points,
        tuple(e.rules),
        accepted=tuple(answer),
        document=e.document,
    )


def _check_shape(name: str, versions: dict[str, list[KeyItem]], total: float) -> None:
    counts = {v: len(items) for v, items in versions.items()}
    if len(set(counts.values())) != 1:
        shown = "、".join(f"{v} 卷 {n} 题" for v, n in counts.items())
        raise ConfigError(f"{name}：各版本题数不一致（{shown}）")
    for v, items in versions.items():
        repeated = [qid for qid, n in Counter(item.id for item in items).items() if n > 1]
        if repeated:
            raise ConfigError(
                f"{name}：{v} 卷中题目编号 {'、'.join(repeated)} 重复（同一道题在一卷中只能出现一次）"
            )
    ids = {v: sorted(item.id for item in items) for v, items in versions.items()}
    if len({tuple(x) for x in ids.values()}) != 1:
        raise ConfigError(f"{name}：各版本的题目不同（各版本应是同一组题目的不同顺序）")
    for v, items in versions.items():
        numbers = [item.no for item in items]
        if numbers != list(range(1, len(items) + 1)):
            raise ConfigError(f"{name}：{v} 卷的题号应从 1 起连续编号")
        points = sum(item.points for item in items)
        if abs(points - total) > 1e-6:
            raise ConfigError(f"{name}：{v} 卷各题分值之和 {points:g} 与满分 {total:g} 不符")
