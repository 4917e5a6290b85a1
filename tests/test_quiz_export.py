"""LMS exports parsed back: Moodle XML with xml.etree, GIFT with a small parser of its own."""

from __future__ import annotations

import html
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from generator.cli import main
from generator.errors import ConfigError, ValidationError
from generator.export.lms import MOODLE_FRACTIONS, gift, moodle_xml
from generator.sources.loader import load_bank_files
from tests.conftest import MINI, REPO

MINI_BANK = MINI / "quizzes" / "basic.yml"

TRICKY = """\
bank: tricky
title: 特殊字符 / 题库
questions:
  - id: q-x-001
    type: single
    stem: '花括号 {x} 与 ~ = # : 以及反斜杠 \\ 都要转义'
    options: ['a=b', '~c', 'd#e', '{f}']
    answer: D
    explanation: '解析含 ## 与 : 号'
    rules: [1]
  - id: q-x-002
    type: fill
    stem: '写出 1+1=____'
    answer: ['2', '二']
    explanation: 'x'
    rules: [2]
  - id: q-x-003
    type: multiple
    stem: 多行
    options: [甲, 乙, 丙, 丁, 戊, 己]
    answer: [A, B, C, D, E, F]
    explanation: "第一行\\n第二行"
    rules: [3]
"""


@pytest.fixture
def tricky(tmp_path) -> Path:
    path = tmp_path / "tricky.yml"
    path.write_text(TRICKY, encoding="utf-8")
    return path


def _moodle(banks, public_only=False):
    root = ET.fromstring(moodle_xml(banks, public_only).encode("utf-8"))
    return [q for q in root.findall("question") if q.get("type") != "category"], root


def _text(element, path):
    return html.unescape(element.find(path).text or "")


def test_moodle_round_trip():
    banks = load_bank_files([MINI_BANK])
    questions, root = _moodle(banks)
    category = root.find("question[@type='category']/category/text").text
    assert category == "$course$/top/清廉题库/测试题库"
    by_name = {q.find("name/text").text: q for q in questions}
    assert list(by_name) == [q.id for q in banks[0].questions]  # exam_only included
    for q in banks[0].questions:
        element = by_name[q.id]
        assert _text(element, "questiontext/text") == q.stem
        assert _text(element, "generalfeedback/text") == q.explanation
    single = by_name["q-r8-001"]
    assert single.get("type") == "multichoice" and single.find("single").text == "true"
    assert [(a.get("fraction"), _text(a, "text")) for a in single.findall("answer")] == [
        ("0", "收下后不声张"),
        ("100", "婉拒；确实无法退还的按规定登记上缴"),
        ("0", "收下后转交护士长"),
        ("0", "收下后捐给科室"),
    ]
    multiple = by_name["q-r9-001"]
    assert multiple.find("single").text == "false"
    fractions = [a.get("fraction") for a in multiple.findall("answer")]
    assert fractions == ["33.33333", "33.33333", "-100", "33.33333"]
    judge = by_name["q-r1-001"]
    assert judge.get("type") == "truefalse"
    assert {_text(a, "text"): a.get("fraction") for a in judge.findall("answer")} == {
        "true": "100",
        "false": "0",
    }
    fill = by_name["q-r1-002"]
    assert fill.get("type") == "shortanswer"
    assert [_text(a, "text") for a in fill.findall("answer")] == ["统方"]
    assert [t.text for t in by_name["q-r8-002"].findall("tags/tag/text")] == [
        "第八条",
        "仅用于考试",
    ]


def test_moodle_fractions_allowed_and_sum_to_100(tricky):
    banks = load_bank_files([tricky, *sorted((REPO / "quizzes").glob("*.yml"))])
    questions, _ = _moodle(banks)
    assert len(questions) == 3 + sum(len(b.questions) for b in banks[1:])
    for q in questions:
        if q.get("type") != "multichoice":
            continue
        fractions = [a.get("fraction") for a in q.findall("answer")]
        assert all(f.lstrip("-") in MOODLE_FRACTIONS for f in fractions), fractions
        positive = sum(float(f) for f in fractions if float(f) > 0)
        assert positive == pytest.approx(100, abs=0.001), fractions
    six = next(q for q in questions if q.find("name/text").text == "q-x-003")
    assert {a.get("fraction") for a in six.findall("answer")} == {"16.66667"}


def test_public_only_leaves_out_exam_only():
    banks = load_bank_files([MINI_BANK])
    questions, _ = _moodle(banks, public_only=True)
    assert "q-r8-002" not in [q.find("name/text").text for q in questions]
    assert "机密考题" not in moodle_xml(banks, public_only=True)
    assert "机密考题" not in gift(banks, public_only=True)
    assert "机密考题" in gift(banks)


# --- GIFT ------------------------------------------------------------------------------------


def _split(text: str, separators: str) -> list[tuple[str, str]]:
    """Split at unescaped separator characters: [(separator before, piece), …]."""
    pieces, current, lead, i = [], "", "", 0
    while i < len(text):
        char = text[i]
        if char == "\\":
            current += text[i : i + 2]
            i += 2
            continue
        if char in separators:
            pieces.append((lead, current))
            lead, current = char, ""
        else:
            current += char
        i += 1
    pieces.append((lead, current))
    return pieces


def _unescape(text: str) -> str:
    out, i = "", 0
    while i < len(text):
        if text[i] == "\\" and i + 1 < len(text):
            out += "\n" if text[i + 1] == "n" else text[i + 1]
            i += 2
        else:
            out += text[i]
            i += 1
    return out


def parse_gift(text: str) -> list[dict]:
    """A small GIFT reader: ::title::stem{answers####feedback} questions, comments, categories."""
    questions = []
    for block in text.split("\n\n"):
        lines = [
            line
            for line in block.splitlines()
            if line.strip() and not line.startswith(("//", "$CATEGORY:"))
        ]
        if not lines:
            continue
        source = "\n".join(lines)
        head, body = [piece for _, piece in _split(source, "{")][:2]
        body = [piece for _, piece in _split(body, "}")][0]
        _, title, stem = head.split("::", 2)
        answers_part, _, feedback = body.partition("####")
        answers = []
        for lead, piece in _split(answers_part.strip(), "~="):
            piece = piece.strip()
            if not lead:
                if piece:
                    answers.append(("", None, _unescape(piece)))
                continue
            weight = None
            if piece.startswith("%"):
                weight, piece = piece[1:].split("%", 1)
            answers.append((lead, weight, _unescape(piece.strip())))
        questions.append(
            {
                "id": title,
                "stem": _unescape(stem),
                "answers": answers,
                "feedback": _unescape(feedback.strip()),
            }
        )
    return questions


def test_gift_round_trip(tricky):
    banks = load_bank_files([MINI_BANK, tricky])
    text = gift(banks)
    assert "$CATEGORY: $course$/top/清廉题库/特殊字符 ／ 题库" in text
    parsed = {q["id"]: q for q in parse_gift(text)}
    questions = [q for b in banks for q in b.questions]
    assert list(parsed) == [q.id for q in questions]
    for q in questions:
        assert parsed[q.id]["stem"] == q.stem
        assert parsed[q.id]["feedback"] == q.explanation
    assert parsed["q-x-001"]["answers"] == [
        ("~", None, "a=b"),
        ("~", None, "~c"),
        ("~", None, "d#e"),
        ("=", None, "{f}"),
    ]
    assert parsed["q-r9-001"]["answers"] == [
        ("~", "33.33333", "收受企业回扣"),
        ("~", "33.33333", "参加企业支付费用的旅游"),
        ("~", "-100", "参加医院组织的业务培训"),
        ("~", "33.33333", "参加企业安排的宴请"),
    ]
    assert parsed["q-r1-001"]["answers"] == [("", None, "T")]
    assert parsed["q-r8-002"]["answers"] == [("", None, "F")]
    assert parsed["q-x-002"]["answers"] == [("=", None, "2"), ("=", None, "二")]
    assert parsed["q-x-003"]["feedback"] == "第一行\n第二行"
    assert "\\{x\\} 与 \\~ \\= \\# \\: 以及反斜杠 \\\\ 都要转义" in text


def test_export_cli(tmp_path, capsys):
    out = tmp_path / "bank.xml"
    assert main(["quiz", "export", str(MINI_BANK), "--format", "moodle", "--out", str(out)]) == 0
    said = capsys.readouterr().out
    assert "已导出 5 题" in said and "仅用于考试的题目 1 道" in said and "--public-only" in said
    ET.parse(out)
    args = ["quiz", "export", str(MINI_BANK), "--format", "gift", "--out", str(tmp_path / "b.txt")]
    assert main([*args, "--public-only"]) == 0
    assert "已导出 4 题" in capsys.readouterr().out
    assert len(parse_gift((tmp_path / "b.txt").read_text(encoding="utf-8"))) == 4


def test_export_bad_bank(tmp_path, capsys):
    bad = tmp_path / "bad.yml"
    bad.write_text("bank: x\ntitle: t\nquestions:\n  - id: q\n    type: single\n", "utf-8")
    assert main(["quiz", "export", str(bad), "--format", "gift", "--out", str(tmp_path / "o")]) == 1
    err = capsys.readouterr().err
    assert f"{bad}:4: 缺少必填字段 stem（题干）" in err and "Traceback" not in err
    assert not (tmp_path / "o").exists()


def test_bank_files_are_checked_together_and_named_as_given(tmp_path):
    copy = tmp_path / "copy.yml"
    copy.write_text(MINI_BANK.read_text(encoding="utf-8"), encoding="utf-8")
    with pytest.raises(ValidationError) as caught:
        load_bank_files([MINI_BANK, copy])
    found = [str(p) for p in caught.value.problems]
    assert f"{copy}:1: 题库编号“test-basic”重复：已在 {MINI_BANK}:1 使用" in found
    assert f"{copy}:4: 题目编号“q-r8-001”重复：已在 {MINI_BANK}:4 使用" in found
    with pytest.raises(ConfigError, match="nope.yml：找不到题库文件"):
        load_bank_files([MINI_BANK, tmp_path / "nope.yml"])
