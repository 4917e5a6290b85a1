"""Validate parsed YAML against a schema, turning pydantic's errors into located Chinese problems."""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel
from pydantic import ValidationError as PydanticError

from ..errors import Problem
from .schemas import FIELD_LABELS
from .yaml_lines import LocatedYaml

M = TypeVar("M", bound=BaseModel)


def _field_name(loc: tuple[Any, ...]) -> str:
    for part in reversed(loc):
        if isinstance(part, str) and part in FIELD_LABELS:
            return f"{part}（{FIELD_LABELS[part]}）"
        if isinstance(part, str) and not part.startswith(("function-", "list[", "literal[")):
            return part
    return "内容"


def _message(error: dict[str, Any]) -> str:
    kind = error["type"]
    loc = tuple(p for p in error["loc"] if not (isinstance(p, str) and "[" in p))
    field = _field_name(loc)
    ctx = error.get("ctx") or {}
    key = loc[-1] if loc else None
    if kind == "missing":
        return f"缺少必填字段 {field}"
    if kind in ("greater_than_equal", "less_than_equal", "greater_than", "less_than"):
        if key == "rules" or key == "rule" or (len(loc) > 1 and loc[-2] == "rules"):
            return f"{field}的值 {error['input']!r} 不是 1–9 之间的条款号"
        bound = ctx.get("ge", ctx.get("le", ctx.get("gt", ctx.get("lt"))))
        return f"{field}的值 {error['input']!r} 超出范围（界限 {bound}）"
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return f"{field}应为整数，实际为 {error['input']!r}"
    if kind in ("float_parsing", "float_type"):
        return f"{field}应为数字，实际为 {error['input']!r}"
    if kind in ("bool_parsing", "bool_type"):
        return f"{field}应为 true 或 false，实际为 {error['input']!r}"
    if kind in ("string_type",):
        return f"{field}应为文本，实际为 {type(error['input']).__name__} 类型的 {error['input']!r}"
    if kind == "string_too_short":
        return f"{field}不能为空"
    if kind == "string_pattern_mismatch":
        if key in ("id", "bank", "slug") or key in ("banks",) or isinstance(key, int):
            return f"{field}“{error['input']}” 格式不对：只能使用小写字母、数字和连字符"
        return f"{field}“{error['input']}” 格式不对"
    if kind == "list_type":
        return f"{field}应为列表（如 [1, 2] 或逐行“- ”），实际为 {error['input']!r}"
    if kind == "too_short":
        return f"{field}不能为空列表"
    if kind in (
        "date_from_datetime_parsing",
        "date_parsing",
        "date_type",
        "date_from_datetime_inexact",
    ):
        return f"{field}“{error['input']}” 不是有效日期，应写成 YYYY-MM-DD"
    if kind == "literal_error":
        return f"{field}的值 {error['input']!r} 无效，应为：{ctx.get('expected', '')}"
    if kind in ("model_type", "dict_type", "model_attributes_type"):
        return f"{field}应为“键: 值”形式的映射，实际为 {error['input']!r}"
    if kind == "value_error":
        return str(ctx.get("error", error["msg"]))
    return f"{field}：{error['msg']}"


def validate_model(
    model: type[M], located: LocatedYaml, path: str
) -> tuple[M | None, list[Problem]]:
    """Validate ``located.data`` with ``model``; every error becomes a ``path:line`` problem."""
    if not isinstance(located.data, dict):
        return None, [Problem(path, located.line(), "内容应为“键: 值”形式的映射")]
    try:
        return model.model_validate(located.data), []
    except PydanticError as exc:
        problems = []
        for error in exc.errors():
            loc = tuple(p for p in error["loc"] if not (isinstance(p, str) and "[" in p))
            problems.append(Problem(path, located.line(loc), _message(error)))
        return None, problems
