"""Regenerate the golden files after an intended change: ``make golden`` (python -m tests.golden_update).

Each golden set is a function that writes its files into a folder; tests compare a fresh run with
the committed copy under tests/golden/.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

GOLDEN = Path(__file__).resolve().parent / "golden"
MINI = Path(__file__).resolve().parent / "fixtures" / "mini"

GOLDEN_SETS: dict[str, Callable[[Path], None]] = {}


def golden_set(name: str):
    def register(func: Callable[[Path], None]):
        GOLDEN_SETS[name] = func
        return func

    return register


@golden_set("mini-docs")
def mini_docs(target: Path) -> None:
    """The Markdown tree generated from the mini fixture (Markdown pages only, not static assets)."""
    from generator.site.tree import write_tree
    from generator.sources.loader import load_corpus

    corpus = load_corpus(MINI)
    with tempfile.TemporaryDirectory() as tmp:
        docs = Path(tmp) / "docs"
        write_tree(corpus, docs)
        for path in sorted(docs.rglob("*.md")):
            dest = target / path.relative_to(docs)
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, dest)


@golden_set("mini-exam-key")
def mini_exam_key(target: Path) -> None:
    """key.json of the mini fixture's exam: the draw, each version's order and option labels."""
    from generator.exam.draw import draw
    from generator.exam.key import key_json
    from generator.sources.exams import load_exam
    from generator.sources.loader import load_corpus

    corpus = load_corpus(MINI)
    exam, line = load_exam(MINI / "site_config/exams/test-exam.yml", corpus)
    (target / "key.json").write_text(key_json(draw(exam, corpus.banks, line)), encoding="utf-8")


def render(name: str, target: Path) -> None:
    GOLDEN_SETS[name](target)


def main() -> None:
    for name in GOLDEN_SETS:
        target = GOLDEN / name
        shutil.rmtree(target, ignore_errors=True)
        target.mkdir(parents=True)
        render(name, target)
        print(
            f"已更新 tests/golden/{name}（{sum(1 for p in target.rglob('*') if p.is_file())} 个文件）"
        )


if __name__ == "__main__":
    main()
