"""YAML parsing with libyaml (fast) gives what the pure-Python loader gives: data, lines, and the
same located Chinese messages for broken files."""

from __future__ import annotations

import pytest
import yaml

from generator.sources import yaml_lines
from generator.sources.yaml_lines import parse_yaml
from tests.conftest import REPO

BROKEN = [
    "title: a: b\n",
    "rules: [1, 2\nid: x\n",
    "a:\n\tb: 1\n",
    "a: *nowhere\n",
    "a: 1\n b: 2\n",
    'a: "\\q"\n',
    "- a\nb: 1\n",
    "a: {b: 1\n",
    "a: !python/name:os.system x\n",
    "--- 1\n--- 2\n",
]


def _walk(node):
    yield node.start_mark.line, node.start_mark.column, type(node).__name__, node.tag
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            yield from _walk(key)
            yield from _walk(value)
    elif isinstance(node, yaml.SequenceNode):
        for value in node.value:
            yield from _walk(value)


def _sources():
    for path in sorted(REPO.glob("cases/*.md")) + sorted(REPO.glob("content/**/*.md")):
        text = path.read_text(encoding="utf-8")
        if text.startswith("---\n"):
            yield path, text[4:].split("\n---", 1)[0]
    for path in sorted(REPO.glob("content/**/*.yml")) + sorted(REPO.glob("quizzes/*.yml")):
        yield path, path.read_text(encoding="utf-8")
    for path in sorted(REPO.glob("site_config/**/*.yml")):
        yield path, path.read_text(encoding="utf-8")


def test_libyaml_is_used():
    assert yaml_lines._CLoader is not None, "PyYAML without libyaml: sources load slowly"


def test_libyaml_gives_the_same_data_and_lines_as_pure_python(monkeypatch):
    seen = 0
    for path, text in _sources():
        fast, problems = parse_yaml(text, str(path), 1)
        assert problems == []
        with monkeypatch.context() as m:
            m.setattr(yaml_lines, "_CLoader", None)
            slow, _ = parse_yaml(text, str(path), 1)
        assert fast.data == slow.data, path
        assert list(_walk(fast.node)) == list(_walk(slow.node)), path
        seen += 1
    assert seen > 100


@pytest.mark.parametrize("text", BROKEN)
def test_broken_yaml_is_explained_in_the_pure_python_loaders_words(text, monkeypatch):
    fast = parse_yaml(text, "x.yml", 3)
    monkeypatch.setattr(yaml_lines, "_CLoader", None)
    slow = parse_yaml(text, "x.yml", 3)
    assert fast[0] is None and slow[0] is None
    assert fast[1] == slow[1] and len(fast[1]) == 1
    assert fast[1][0].message.startswith("YAML 格式错误")
