"""`qinglian new` and `qinglian schema`: what editors use to start content."""

from __future__ import annotations

import json

import yaml

from generator.cli import main
from generator.errors import ValidationError
from generator.sources.loader import load_corpus


def test_new_case_starts_a_file_that_check_explains(mini_root, capsys):
    assert main(["new", "case", "--root", str(mini_root), "--rule", "8", "--id", "r8-new"]) == 0
    path = mini_root / "cases" / "r8-new.md"
    text = path.read_text(encoding="utf-8")
    for section in ("## 基本案情", "## 处理结果", "## 违反条款", "## 案例剖析", "## 警示启示"):
        assert section in text
    try:
        load_corpus(mini_root)
    except ValidationError as exc:
        found = [str(p) for p in exc.problems]
    assert [p.split(": ")[0] for p in found] == ["cases/r8-new.md:6", "cases/r8-new.md:7"]
    assert main(["new", "case", "--root", str(mini_root), "--id", "r8-new"]) == 1
    assert "已存在" in capsys.readouterr().err


def test_new_question_appends_the_next_id(mini_root):
    bank = mini_root / "quizzes" / "basic.yml"
    before = bank.read_text(encoding="utf-8")
    assert (
        main(
            [
                "new",
                "question",
                "--root",
                str(mini_root),
                "--bank",
                "test-basic",
                "--type",
                "judge",
                "--rule",
                "8",
            ]
        )
        == 0
    )
    after = bank.read_text(encoding="utf-8")
    assert after.startswith(before.rstrip("\n"))
    added = yaml.safe_load(after)["questions"][-1]
    assert added["id"] == "q-r8-006" and added["type"] == "judge" and added["answer"] is True
    corpus = load_corpus(mini_root)  # the skeleton is a valid question
    assert corpus.questions[-1].id == "q-r8-006"


def test_schema_export(tmp_path):
    assert main(["schema", "--out", str(tmp_path)]) == 0
    case = json.loads((tmp_path / "case.schema.json").read_text(encoding="utf-8"))
    assert {"id", "title", "date", "rules", "category", "department", "source"} <= set(
        case["required"]
    )
    assert (tmp_path / "question-bank.schema.json").exists()
