"""Benchmark: ``qinglian quiz grade`` on a synthetic key and answer sheet.

Writes a key.json (versions A and B, the questions in another order with options shuffled) and a
sheet of N people answering Q questions: mostly right, spelled every way DESIGN.md accepts
(``AC``, ``a,c``, ``Ａ、Ｃ``, √/×, full-width fill text), some blanks, and a few rows that must be
rejected (a letter that is not an option, a duplicate 工号, an unknown 版本). Then runs the grader
as a user would (a child process, the CLI) and reports seconds, rows/s and the child's peak RSS.

Usage:
  .venv/bin/python bench/grading.py [--rows 100000] [--questions 40] [--format csv|xlsx]
                                    [--tree DIR]   # grade with the code in another checkout
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

LABELS = "ABCDEFGHIJ"
DEPARTMENTS = [
    f"{name}科" for name in "内外妇儿眼耳鼻喉口腔皮肤急诊麻醉药剂检验放射超声病理康复中医"
]
FULL = str.maketrans("ABCDEFGHIJabcdefghij", "ＡＢＣＤＥＦＧＨＩＪａｂｃｄｅｆｇｈｉｊ")


def make_key(questions: int, seed: int = 1) -> dict:
    rng = random.Random(seed)
    kinds = ["single"] * (questions // 2) + ["multiple"] * (questions // 5)
    kinds += ["fill"] * (questions // 10)
    kinds += ["judge"] * (questions - len(kinds))
    base = []
    for n, kind in enumerate(kinds, start=1):
        q = {"id": f"q{n:03d}", "type": kind, "points": {"multiple": 3, "fill": 2}.get(kind, 2),
             "rules": [1 + n % 9]}  # fmt: skip
        if kind in ("single", "multiple"):
            q["options"] = [f"选项{n}-{i}" for i in range(4)]
            q["answer"] = [q["options"][rng.randrange(4)]] if kind == "single" else (
                rng.sample(q["options"], rng.choice([2, 3])))  # fmt: skip
        elif kind == "judge":
            q["answer"] = [rng.choice("对错")]
        else:
            q["answer"] = ["统方", "DRG付费"]
        base.append(q)
    total = sum(q["points"] for q in base)
    versions = {}
    for v in "AB":
        order = base[:] if v == "A" else rng.sample(base, len(base))
        entries = []
        for no, q in enumerate(order, start=1):
            e = {"no": no, "id": q["id"], "type": q["type"], "points": q["points"],
                 "rules": q["rules"]}  # fmt: skip
            if "options" in q:
                options = q["options"][:] if v == "A" else rng.sample(q["options"], 4)
                e["options"] = options
                e["answer"] = sorted(LABELS[options.index(a)] for a in q["answer"])
            else:
                e["answer"] = q["answer"]
            entries.append(e)
        versions[v] = entries
    return {"exam": "bench", "title": "基准考试", "pass_score": round(total * 0.6),
            "multiple_scoring": "partial_half", "total": total, "versions": versions}  # fmt: skip


def _spellings(entry: dict) -> tuple[list[str], list[str]]:
    """(ways to write the right answer, ways to write a wrong one) for one key entry."""
    kind, answer = entry["type"], entry["answer"]
    if kind in ("single", "multiple"):
        right = "".join(answer)
        ways = [right, right.lower(), right.translate(FULL), "、".join(answer), ",".join(answer),
                " ".join(reversed(answer))]  # fmt: skip
        others = [c for c in "ABCD" if c not in answer]
        wrong = [others[0], others[0].lower() + answer[0], answer[0].translate(FULL)]
        return ways, wrong
    if kind == "judge":
        yes = ["对", "√", "T", "正确", "t"]
        no = ["错", "×", "F", "错误", "f"]
        return (yes, no) if answer == ["对"] else (no, yes)
    return ["统方", " 统方 ", "DRG付费", "ＤＲＧ付费", "drg付费"], ["统方行为", "回扣", "红包"]


def write_sheet(path: Path, key: dict, rows: int, fmt: str, seed: int = 2) -> None:
    rng = random.Random(seed)
    q = len(key["versions"]["A"])
    pools = {v: [_spellings(e) for e in key["versions"][v]] for v in "AB"}
    header = ["工号", "姓名", "科室", "版本", *(str(n) for n in range(1, q + 1))]
    lines = []
    for i in range(rows):
        version = "A" if i % 2 else "B"
        skill = rng.random()
        answers = []
        for right, wrong in pools[version]:
            r = rng.random()
            answers.append(
                ""
                if r < 0.03
                else rng.choice(right)
                if r < 0.3 + 0.65 * skill
                else rng.choice(wrong)
            )
        staff = f"{100000 + i}"
        if i % 5000 == 4999:
            staff = f"{100000 + i - 1}"  # a duplicate 工号
        if i % 7000 == 6999:
            answers[0] = "E"  # not an option
        shown = version if i % 3 else version.lower() + "卷"
        if i % 9000 == 8999:
            shown = "C"
        lines.append([staff, f"员工{i}", DEPARTMENTS[i % len(DEPARTMENTS)], shown, *answers])
    if fmt == "csv":
        with path.open("w", encoding="utf-8-sig", newline="") as f:
            f.write(",".join(header) + "\r\n")
            f.writelines(",".join(f'"{v}"' if "," in v else v for v in row) + "\r\n"
                         for row in lines)  # fmt: skip
    else:
        from generator.grading import xlsx

        def chunks():
            for n, row in enumerate(lines, start=2):
                yield f'<row r="{n}">' + "".join(xlsx.text_cell(v, 0) for v in row) + "</row>"

        xlsx.write_sheet(path, "答题", header, [8] * len(header), (0, 1), chunks())


def run(tree: Path, key: Path, sheet: Path, out: Path, root: Path):
    """Wall seconds, CPU seconds, peak RSS (bytes) and exit code of one ``qinglian quiz grade``."""
    env = {**os.environ, "PYTHONPATH": str(tree), "CI": "1"}
    command = [sys.executable, "-c", "from generator.cli import main; raise SystemExit(main())",
               "quiz", "grade", str(key), str(sheet), "--out", str(out), "--root", str(root)]  # fmt: skip
    start = time.perf_counter()
    child = subprocess.Popen(command, env=env, cwd=root, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE)  # fmt: skip
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - start
    stdout, stderr = child.communicate()
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 2):
        sys.exit(f"grading failed ({code}):\n{stderr.decode()[-3000:]}")
    print(stdout.decode().strip())
    return seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss * 1024, code


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--questions", type=int, default=40)
    parser.add_argument("--format", choices=["csv", "xlsx"], default="csv")
    parser.add_argument("--tree", type=Path, default=REPO, help="source tree to grade with")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="qinglian-bench-grading-"))
    try:
        key = work / "key.json"
        key.write_text(json.dumps(make_key(args.questions), ensure_ascii=False), "utf-8")
        sheet = work / f"answers.{args.format}"
        start = time.perf_counter()
        write_sheet(sheet, json.loads(key.read_text("utf-8")), args.rows, args.format)
        made = time.perf_counter() - start
        root = work / "root"
        root.mkdir()
        print(f"sheet: {args.rows:,} rows × {args.questions} questions, {args.format}, "
              f"{sheet.stat().st_size / 1e6:.1f} MB (made in {made:.1f} s)")  # fmt: skip
        seconds, cpu, rss, code = run(args.tree.resolve(), key, sheet, work / "out", root)
        files = sorted(p.name for p in (work / "out").iterdir())
        sizes = ", ".join(f"{p} {(work / 'out' / p).stat().st_size / 1e6:.1f} MB" for p in files)
        print(f"tree: {args.tree}")
        print(f"grade: {seconds:.1f} s wall ({cpu:.1f} s CPU), {args.rows / seconds:,.0f} rows/s, "
              f"peak RSS {rss / 2**20:,.0f} MiB, exit {code}; "
              f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")  # fmt: skip
        print(f"outputs: {sizes}")
        if args.keep:
            print(f"kept: {work}")
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
