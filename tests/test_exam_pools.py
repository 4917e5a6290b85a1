"""Exam pools (DESIGN.md "Exam service"): a section may draw only exam-only questions, only
public ones, or all; ``check`` and ``quiz paper`` say when a pool is too small, located."""

from __future__ import annotations

from generator.cli import main
from generator.exam.draw import draw
from generator.sources.exams import load_exam
from generator.sources.loader import load_corpus
from tests.conftest import MINI, copy_root

EXAM = "site_config/exams/test-exam.yml"
JUDGE = "  - {type: judge, count: 2, points: 10}"


def _root(tmp_path, section: str):
    root = copy_root(MINI, tmp_path / "mini")
    exam = root / EXAM
    text = exam.read_text(encoding="utf-8")
    assert JUDGE in text
    exam.write_text(text.replace(JUDGE, section), encoding="utf-8")
    line = exam.read_text(encoding="utf-8").splitlines().index(section) + 1
    return root, line


def _judges(root):
    corpus = load_corpus(root)
    exam, line = load_exam(root / EXAM, corpus)
    drawn = draw(exam, corpus.banks, line)
    return [q for qs in drawn.sections for q in qs if q.type == "judge"]


def test_exam_only_pool_draws_only_exam_only_questions(tmp_path):
    root, _ = _root(tmp_path, "  - {type: judge, count: 1, points: 20, pool: exam_only}")
    assert [q.id for q in _judges(root)] == ["q-r8-002"]


def test_public_pool_never_draws_an_exam_only_question(tmp_path):
    root, _ = _root(tmp_path, "  - {type: judge, count: 1, points: 20, pool: public}")
    judges = _judges(root)
    assert len(judges) == 1 and not judges[0].exam_only


def test_a_too_small_pool_is_located_in_check_and_paper(tmp_path, capsys):
    root, line = _root(tmp_path, "  - {type: judge, count: 2, points: 10, pool: exam_only}")
    expected = (
        f"{EXAM}:{line}: 判断题要抽 2 道，所选题库只剩 1 道可用（pool: exam_only：只抽仅用于考试的题目，"
        "所选题库的 2 道判断题中有 1 道；请补充题目、减少题数，或改用 pool: all）"
    )
    assert main(["--root", str(root), "check"]) == 1
    checked = capsys.readouterr()
    assert expected in checked.out + checked.err
    assert main(["quiz", "paper", str(root / EXAM)]) == 1
    papered = capsys.readouterr()
    assert expected in papered.out + papered.err and "Traceback" not in papered.err
    assert not (root / "private" / "test-exam").exists()


def test_an_unknown_pool_is_a_located_problem(tmp_path, capsys):
    root, line = _root(tmp_path, "  - {type: judge, count: 2, points: 10, pool: secret}")
    assert main(["--root", str(root), "check"]) == 1
    out = capsys.readouterr()
    assert f"{EXAM}:{line}:" in out.out + out.err and "pool" in out.out + out.err
