"""Validate parsed YAML against a schema, turning pydantic's errors into located Chinese problems."""

from __future__ import annotations

import difflib
import typing
from collections.abc import Mapping
from typing import Any, TypeVar

from pydantic import BaseModel
from pydantic import ValidationError as PydanticError

from ..errors import Problem
from ..model.schemas import FIELD_LABELS
from .yaml_lines import LocatedYaml

M = TypeVar("M", bound=BaseModel)


def _field_name(loc: tuple[Any, ...]) -> str:
    for part in reversed(loc):
        if isinstance(part, str) and part in FIELD_LABELS:
            return f"{part}（{FIELD_LABELS[part]}）"
        if isinstance(part, str) and not part.startswith(("function-", "list[", "literal[")):
            return part
    return "内容"


def _submodel(annotation: Any) -> type[BaseModel] | None:
    """The model a field holds, directly or inside list/Optional/Annotated."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        found = _submodel(arg)
        if found:
            return found
    return None


def _model_at(model: type[BaseModel], loc: tuple[Any, ...]) -> type[BaseModel] | None:
    """The model whose field ``loc[-1]`` would be (``loc`` as pydantic reports it)."""
    current: type[BaseModel] | None = model
    for part in loc[:-1]:
        if current is None:
            return None
        if isinstance(part, str):
            field = current.model_fields.get(part)
            current = _submodel(field.annotation) if field else None
    return current


def suggestion(key: str, known: typing.Iterable[str]) -> str:
    """“，你是不是想写 exam_only？” for a near-miss of a known key, else ''."""
    close = difflib.get_close_matches(key, list(known), n=1, cutoff=0.7)
    return f"，你是不是想写 {close[0]}？" if close else ""


def _unknown_key(model: type[BaseModel], loc: tuple[Any, ...]) -> str:
    key = str(loc[-1])
    owner = _model_at(model, loc)
    known = list(owner.model_fields) if owner else []
    hint = suggestion(key, known)
    if hint:
        return f"未知字段 {key}{hint}"
    listed = "、".join(known)
    return f"未知字段 {key}（此处可用的字段：{listed}）" if listed else f"未知字段 {key}"


def _typo_of_missing(error: Mapping[str, Any], data: Any, loc: tuple[Any, ...]) -> str:
    """For a missing key, the key beside it that looks like its typo (``tittle`` → title)."""
    if error["type"] != "missing" or not loc:
        return ""
    for part in loc[:-1]:
        try:
            data = data[part]
        except (KeyError, IndexError, TypeError):
            return ""
    if not isinstance(data, dict):
        return ""
    close = difflib.get_close_matches(str(loc[-1]), [str(k) for k in data], n=1, cutoff=0.7)
    return f"（写成了 {close[0]}？）" if close else ""


def near_miss_keys(record: BaseModel, loc: tuple[Any, ...] = ()) -> list[tuple[tuple, str]]:
    """(loc, message) for extra keys that look like typos of known keys, in a lenient record.

    Front matter may carry more keys than the schema knows (welcome), but ``tittle`` next to a
    missing-looking ``title`` is a mistake an editor wants to hear about.
    """
    found: list[tuple[tuple, str]] = []
    known = type(record).model_fields
    for key in record.model_extra or {}:
        hint = suggestion(str(key), [k for k in known if k not in record.model_fields_set])
        if hint:
            found.append(((*loc, key), f"字段 {key} 不认识{hint}"))
    for name in known:
        value = getattr(record, name, None)
        if isinstance(value, BaseModel):
            found += near_miss_keys(value, (*loc, name))
        elif isinstance(value, list):
            for i, item in enumerate(value):
                if isinstance(item, BaseModel):
                    found += near_miss_keys(item, (*loc, name, i))
    return found


def _message(error: Mapping[str, Any]) -> str:
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
        least = (error.get("ctx") or {}).get("min_length", 1)
        if least > 1:
            return f"{field}至少要有 {least} 项，实际为 {error['input']!r}"
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
        record = model.model_validate(located.data)
    except PydanticError as exc:
        problems = []
        for error in exc.errors():
            loc = tuple(p for p in error["loc"] if not (isinstance(p, str) and "[" in p))
            if error["type"] == "extra_forbidden":
                message = _unknown_key(model, loc)
            else:
                message = _message(error) + _typo_of_missing(error, located.data, loc)
            problems.append(Problem(path, located.line(loc), message))
        return None, problems
    near = [Problem(path, located.line(loc), message) for loc, message in near_miss_keys(record)]
    return (None, near) if near else (record, [])
