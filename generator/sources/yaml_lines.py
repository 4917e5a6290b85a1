"""Parse YAML once into data plus a map from key paths to source lines.

PyYAML's node tree (``compose``) carries a start mark for every key and value; we construct the
data from that same tree so a value and its line always agree. Timestamps stay strings so an
impossible date (2023-02-30) becomes a located schema error instead of a constructor crash.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import yaml

from ..errors import Problem


class _Loader(yaml.SafeLoader):
    """SafeLoader without implicit timestamps (dates are validated by the schemas)."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}

# libyaml's parser (PyYAML's C bindings, in its manylinux wheels): the same node tree with the
# same lines, about ten times faster. Its error messages are worded differently, so a file it
# rejects is parsed again by the pure-Python loader, whose messages the table below explains.
_CLoader: type[yaml.CSafeLoader] | None = None
if getattr(yaml, "__with_libyaml__", False):

    class _CSafeLoader(yaml.CSafeLoader):
        """The C parser with the same resolvers and constructors as ``_Loader``."""

    _CSafeLoader.yaml_implicit_resolvers = _Loader.yaml_implicit_resolvers
    _CLoader = _CSafeLoader


_PROBLEMS = {
    "mapping values are not allowed here": "此处不能出现“键: 值”，可能是值里含有英文冒号加空格而没有加引号，或缩进不对",
    "could not find expected ':'": "缺少英文冒号“:”，或上一行缩进不对",
    "found character '\\t' that cannot start any token": "含有制表符（Tab），YAML 只能用空格缩进",
    "found undefined alias": "引用了未定义的锚点",
    "did not find expected key": "缩进不对齐，或列表项与键混用",
    "did not find expected '-' indicator": "列表项缩进不对齐",
    "found unexpected end of stream": "文件意外结束，可能有未闭合的引号或括号",
    "found duplicate anchor": "锚点重复",
    "expected ',' or ']', but got": "方括号列表没有正确闭合，或元素之间缺少逗号",
    "expected ',' or '}', but got": "花括号映射没有正确闭合，或元素之间缺少逗号",
    "found unknown escape character": "双引号字符串里有无效的转义符（反斜杠）",
}


def _explain(problem: str | None) -> str:
    problem = problem or ""
    for english, chinese in _PROBLEMS.items():
        if problem.startswith(english):
            return chinese
    return f"YAML 语法错误（{problem}）"


@dataclass
class LocatedYaml:
    """Parsed data and the node tree it came from."""

    data: Any
    node: yaml.Node | None
    line_offset: int  # added to PyYAML's 0-based line to get the 1-based file line

    def line(self, loc: tuple[Any, ...] = ()) -> int:
        """The file line of the value at ``loc`` (keys and list indices), or of its nearest parent."""
        node = self.node
        if node is None:
            return self.line_offset + 1
        line = node.start_mark.line
        for part in loc:
            if isinstance(node, yaml.MappingNode):
                for key, value in node.value:
                    if key.value == str(part):
                        line, node = key.start_mark.line, value
                        break
                else:
                    return line + self.line_offset + 1
            elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
                if 0 <= part < len(node.value):
                    node = node.value[part]
                    line = node.start_mark.line
                else:
                    return line + self.line_offset + 1
            else:
                break
        return line + self.line_offset + 1


def _compose(loader_class: type, text: str) -> tuple[Any, yaml.Node | None]:
    """(data, node tree) of one document; raises the loader's YAMLError."""
    loader = loader_class(text)
    try:
        node = loader.get_single_node()
        return (loader.construct_document(node) if node is not None else None), node
    finally:
        loader.dispose()


def parse_yaml(
    text: str, path: str, line_offset: int = 0
) -> tuple[LocatedYaml | None, list[Problem]]:
    """Parse one YAML document; on a syntax error return a located Chinese problem instead."""
    if _CLoader is not None:
        try:
            data, node = _compose(_CLoader, text)
        except yaml.YAMLError:
            pass  # explained below, in the pure-Python loader's words
        else:
            return LocatedYaml(data, node, line_offset), []
    try:
        data, node = _compose(_Loader, text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = (mark.line if mark else 0) + line_offset + 1
        return None, [Problem(path, line, f"YAML 格式错误：{_explain(exc.problem)}")]
    except yaml.YAMLError as exc:  # pragma: no cover - PyYAML raises marked errors for text input
        return None, [Problem(path, line_offset + 1, f"YAML 格式错误：{exc}")]
    return LocatedYaml(data, node, line_offset), []
