"""Benchmark: the learning loop on the shipped content — review, trend and deck.

Draws the shipped exam (site_config/exams/2026-annual.yml) with ``quiz paper``, makes two
synthetic sittings of N people spread over the taxonomy's departments (each answer right with a
probability that depends on the department and the sitting), grades both with ``quiz grade``,
then times ``quiz review`` (one PDF per department plus the combined one), ``quiz trend`` and
``deck`` (every rule's deck and the warning-education deck).

Usage: .venv/bin/python bench/learning_loop.py [--people 2000]
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from generator.cli import main  # noqa: E402
from generator.sources.loader import load_corpus  # noqa: E402
from tests.conftest import copy_root  # noqa: E402
from tests.loop_helpers import sheet_rows  # noqa: E402


def _people(key: dict, departments: list[str], count: int, seed: int):
    rng = random.Random(seed)
    ids = [e["id"] for e in next(iter(key["versions"].values()))]
    skill = {d: rng.uniform(0.55, 0.95) for d in departments}
    versions = list(key["versions"])
    people = []
    for n in range(count):
        dept = departments[n % len(departments)]
        wrong = {qid for qid in ids if rng.random() > skill[dept]}
        people.append((f"S{n:06d}", dept, versions[n % len(versions)], wrong))
    return people


def _timed(label: str, argv: list[str]) -> float:
    started = time.perf_counter()
    code = main(argv)
    seconds = time.perf_counter() - started
    print(f"{label}: {seconds:.1f} s (exit {code})", file=sys.stderr)
    return seconds


def run(people: int) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        root = copy_root(REPO, Path(scratch) / "root")
        corpus = load_corpus(root)
        departments = [d.name for d in corpus.departments]
        private = root / "private"
        main(
            [
                "quiz",
                "paper",
                str(root / "site_config/exams/2026-annual.yml"),
                "--out",
                str(private),
            ]
        )
        key_path = private / "2026-annual" / "key.json"
        key = json.loads(key_path.read_text(encoding="utf-8"))
        count = len(next(iter(key["versions"].values())))
        folders = []
        for year, seed in (("2025", 1), ("2026", 2)):
            sheet = Path(scratch) / f"{year}.csv"
            rows = sheet_rows(key, _people(key, departments, people, seed))
            header = ["工号", "姓名", "科室", "版本", *map(str, range(1, count + 1))]
            sheet.write_text(
                "\n".join(",".join(r) for r in [header, *rows]) + "\n", encoding="utf-8"
            )
            out = private / f"{year}-grades"
            _timed(
                f"grade {year} ({people} rows)",
                ["quiz", "grade", str(key_path), str(sheet), "--out", str(out)],
            )
            (out / "key.json").write_bytes(key_path.read_bytes())
            folders.append(out)
        _timed(
            f"review ({len(departments)} departments)",
            ["quiz", "review", str(folders[1]), "--root", str(root)],
        )
        _timed("trend (2 sittings)", ["quiz", "trend", *map(str, folders), "--root", str(root)])
        _timed("deck", ["deck", "--root", str(root), "--out", str(Path(scratch) / "deck")])


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=2000)
    run(parser.parse_args().people)
