"""Every ``qinglian`` command the README shows, run as written, in order, on a copy of the repo.

The commands are read from the README's ```bash blocks at test time (indented blocks in lists
included), so the test follows the README as it is edited. Each line that starts with
``.venv/bin/qinglian`` runs through bash in the copy's root (globs and relative paths as a reader's
shell would see them; ``/tmp/…`` paths go to a temporary folder) and must exit 0 and write what it
says it writes. ``make …`` lines are the Makefile's and CI's business, not run here.

What a reader brings from outside is supplied, and only that (``SUPPLIED``): a filled-in answer
sheet (答题表.xlsx, answered from the key the README's ``quiz paper`` wrote), a roster (名单.xlsx),
last year's grades (private/2025-annual-grades) for ``quiz trend``, the online settings the
README's YAML block tells the trainer to add (its dates moved so the exam is open now), and the
candidates of the online exam, who sit it on a real ``exam serve`` between ``exam open`` and
``exam export``. A case template from ``new case`` is removed after it is checked, as a writer
would fill it in before the next build. Not run: ``exam serve`` (it runs until stopped; the test
starts its own) and a line whose comment says 需自备 (files only the reader has, such as scans).
"""

from __future__ import annotations

import datetime as dt
import json
import random
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from openpyxl import Workbook

from tests.conftest import REPO, copy_root
from tests.loop_helpers import sheet_rows

QINGLIAN = Path(sys.executable).with_name("qinglian")
PREFIX = ".venv/bin/qinglian"
# A README line whose comment says 需自备 (e.g. ``… 扫描件.pdf   # 需自备扫描件``) needs files only
# a reader has (scans, last year's exports): it is shown, not run.
OWN_FILES = "需自备"
RUN_BY_THE_TEST = (["exam", "serve"],)  # runs until stopped: the test starts its own server
SUPPLIED = (
    "答题表.xlsx",
    "名单.xlsx",
    "private/2025-annual-grades",
    "扫描/",
    "decisions.csv",
    "2025年题库.xlsx",
    "纪委案例/",
)
DEPARTMENTS = ("骨科", "药剂科", "心血管内科", "医保办")

pytestmark = [pytest.mark.pdf, pytest.mark.service]


def readme_blocks(text: str, lang: str) -> list[str]:
    """The bodies of the README's ```lang blocks (indented ones in list items too)."""
    found = []
    for m in re.finditer(rf"^([ \t]*)```{lang}\s*\n(.*?)^\1```", text, re.M | re.S):
        indent = len(m[1])
        found.append("\n".join(line[indent:] for line in m[2].splitlines()))
    return found


def readme_commands(text: str) -> list[list[str]]:
    """Each ``.venv/bin/qinglian …`` line of the bash blocks as its arguments (comments dropped,
    globs kept for the shell)."""
    commands = []
    for block in readme_blocks(text, "bash"):
        for line in block.splitlines():
            words = shlex.split(line, comments=True)
            if words[:1] != [PREFIX] or OWN_FILES in line.partition(" #")[2]:
                continue
            if words[1:3] in RUN_BY_THE_TEST:
                continue
            commands.append(words[1:])
    return commands


def test_readme_commands_are_found():
    commands = readme_commands((REPO / "README.md").read_text(encoding="utf-8"))
    kinds = {tuple(c[:2]) for c in commands} | {(c[0],) for c in commands}
    for kind in [("quiz", "paper"), ("quiz", "grade"), ("quiz", "review"), ("quiz", "trend"),
                 ("deck",), ("exam", "open"), ("exam", "export"), ("pdf",), ("check",)]:  # fmt: skip
        assert kind in kinds, kind
    assert "quizzes/*.yml" in [a for c in commands for a in c]  # a glob, for the shell
    marked = "```bash\n.venv/bin/qinglian quiz scan key.json 扫描件.pdf  # 需自备扫描件\n```\n"
    assert readme_commands(marked) == []
    assert (
        readme_commands("```bash\n.venv/bin/qinglian exam serve --addr 127.0.0.1:8080\n```\n") == []
    )


# --- what a reader brings ----------------------------------------------------------------------


def _answer_sheet(root: Path, key_path: Path, path: Path, seed: int) -> None:
    """A filled-in answer sheet (xlsx) for the key: four departments, some answers wrong."""
    key = json.loads(key_path.read_text(encoding="utf-8"))
    rng = random.Random(seed)
    ids = [e["id"] for e in key["versions"][next(iter(key["versions"]))]]
    people = [
        (f"{d[:1]}{n}", d, list(key["versions"])[n % len(key["versions"])],
         {q for q in ids if rng.random() < 0.2})
        for d in DEPARTMENTS for n in range(6)
    ]  # fmt: skip
    book = Workbook()
    sheet = book.active
    sheet.append(["工号", "姓名", "科室", "版本", *map(str, range(1, len(ids) + 1))])
    for row in sheet_rows(key, people):
        sheet.append(row)
    book.save(path)


def _roster(path: Path) -> None:
    book = Workbook()
    sheet = book.active
    sheet.append(["工号", "姓名", "科室"])
    for n in range(12):
        sheet.append([f"9{n:03d}", f"职工{n}", DEPARTMENTS[n % len(DEPARTMENTS)]])
    book.save(path)


def _online_settings(root: Path, exam: Path) -> None:
    """Add the README's ``online:`` block to the exam file, its window moved to now."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    block = next(b for b in readme_blocks(readme, "yaml") if b.lstrip().startswith("online:"))
    settings = yaml.safe_load(block)["online"]
    now = dt.datetime.now()
    settings["start"] = (now - dt.timedelta(days=1)).strftime("%Y-%m-%d %H:%M")
    settings["end"] = (now + dt.timedelta(days=1)).strftime("%Y-%m-%d %H:%M")
    text = exam.read_text(encoding="utf-8")
    if "\nonline:" not in text:
        lines = "".join(f"  {k}: {v}\n" for k, v in settings.items())
        exam.write_text(text + "online:\n" + lines.replace(": True", ": true"), "utf-8")


def _candidates_sit(root: Path, exam_id: str) -> None:
    """Eight of the twelve on the roster sit the exam on a real server; four stay away."""
    from tests.service.conftest import Candidate, read_codes, start_server

    codes = read_codes(root / "private" / exam_id)
    server = start_server(root, f"sqlite:///{root / 'private' / 'exam.sqlite3'}")
    rng = random.Random(3)
    try:
        for staff_id in sorted(codes)[:8]:
            c = Candidate(server.url)
            assert c.login(staff_id, codes[staff_id]).status_code == 200
            for q in c.paper().json()["questions"]:
                if q["type"] in ("single", "multiple"):
                    answer = [rng.choice("ABCD"[: len(q["options"])])]
                else:
                    answer = rng.choice(["对", "错"]) if q["type"] == "judge" else "回扣"
                assert c.put(q["no"], answer).status_code == 200
            assert c.post("/api/submit").status_code == 200
    finally:
        server.stop()


def _env() -> dict:
    from tests.service.conftest import _env as service_env

    return service_env()


# --- running -----------------------------------------------------------------------------------


def _option(argv: list[str], name: str) -> str | None:
    return argv[argv.index(name) + 1] if name in argv else None


def _expected(argv: list[str], root: Path) -> list[Path]:
    """What each kind of command says it writes."""
    out = _option(argv, "--out")
    out_path = (root / out) if out else None
    words = argv[:3]
    if words[:2] == ["quiz", "paper"]:
        exam = yaml.safe_load((root / argv[2]).read_text(encoding="utf-8"))["id"]
        folder = (out_path or root / "private") / exam
        return [folder / "key.json", folder / "paper-A.pdf", folder / "answer-sheet.xlsx"]
    if words[:2] == ["quiz", "grade"]:
        exam = json.loads((root / argv[2]).read_text(encoding="utf-8"))["exam"]
        folder = out_path or root / "private" / f"{exam}-grades"
        return [folder / name for name in ("scores.csv", "items.csv", "report.html", "key.json")]
    if words[:2] == ["quiz", "export"]:
        return [out_path]
    if words[:2] == ["quiz", "review"]:
        if out_path is None:
            exam = json.loads((root / argv[2] / "key.json").read_text(encoding="utf-8"))["exam"]
            out_path = root / "private" / f"{exam}-review"
        return [out_path / "学习计划-全院汇编.pdf"]
    if words[:2] == ["quiz", "trend"]:
        folder = out_path or root / "private" / "trend"
        return [folder / "trend.html", folder / "trend.csv"]
    if words[0] == "deck":
        folder = out_path or root / "dist" / "deck"
        return [folder / "警示教育.pptx", folder / "九项准则-第八条.pptx"]
    if words[0] == "pdf":
        folder = out_path or root / "dist" / "pdf"
        names = [a for a in argv[1:] if not a.startswith("-") and a != out]
        return [folder / f"{n}.pdf" for n in names] or [folder / "ward-cards.pdf"]
    if words[:2] == ["exam", "open"]:
        exam = yaml.safe_load((root / argv[2]).read_text(encoding="utf-8"))["id"]
        return [root / "private" / exam / "codes.csv", root / "private" / exam / "codes.pdf"]
    if words[:2] == ["exam", "export"]:
        return [out_path / "answers.csv", out_path / "key.json"]
    if words[0] == "schema":
        return [root / "build" / "schema"]
    return []


def _before(argv: list[str], root: Path) -> None:
    """Supply what the README expects the reader to have (SUPPLIED) before a command uses it."""
    if "答题表.xlsx" in argv and not (root / "答题表.xlsx").exists():
        _answer_sheet(root, root / argv[argv.index("答题表.xlsx") - 1], root / "答题表.xlsx", 1)
    if argv[:2] == ["quiz", "trend"]:
        for folder in argv[2:]:
            if folder == "private/2025-annual-grades" and not (root / folder).exists():
                key = root / "private" / "2026-annual" / "key.json"
                sheet = root / "去年答题表.xlsx"
                _answer_sheet(root, key, sheet, 2)
                _run(root, ["quiz", "grade", str(key), str(sheet), "--out", folder])
    if argv[:2] == ["exam", "open"]:
        if "名单.xlsx" in argv and not (root / "名单.xlsx").exists():
            _roster(root / "名单.xlsx")
        _online_settings(root, root / argv[2])
    if "名单.xlsx" in argv and not (root / "名单.xlsx").exists():
        _roster(root / "名单.xlsx")
    old_bank = root / "2025年题库.xlsx"
    if argv[:2] == ["import", "bank"] and "2025年题库.xlsx" in argv and not old_bank.exists():
        _old_bank(old_bank)
    if argv[:2] == ["import", "case"] and "纪委案例/" in argv and not (root / "纪委案例").exists():
        _word_cases(root / "纪委案例")
    if argv[:2] == ["quiz", "scan"]:
        if not (root / "扫描").exists():
            _scans(root, Path(argv[2]).parent, root / "扫描")
        if "decisions.csv" in argv and not (root / "decisions.csv").exists():
            from generator.grading.scan.report import DECISION_COLUMNS

            (root / "decisions.csv").write_text(",".join(DECISION_COLUMNS) + "\n", "utf-8")


def _old_bank(path: Path, count: int = 12) -> None:
    """Last year's bank as a survey platform exports it (title row, 选项A…, 正确答案, 条款)."""
    from tests.import_fixtures import sheet_layout_a, shipped_questions, xlsx_bytes

    questions = [dict(q, stem="【2025】" + q["stem"]) for q in shipped_questions()[:count]]
    path.write_bytes(xlsx_bytes(sheet_layout_a(questions)))


def _word_cases(folder: Path, count: int = 2) -> None:
    """Cases received as Word documents (heading styles, the 日期/科室/条款 block)."""
    from tests.import_fixtures import case_docx, shipped_cases

    folder.mkdir()
    for n, (meta, body) in enumerate(shipped_cases()[:count]):
        meta = dict(meta, title=f"{meta['title']}（纪委通报改编{n + 1}）")
        data, _, _ = case_docx(meta, body, "word")
        (folder / f"案例{n + 1}.docx").write_bytes(data)


def _scans(root: Path, papers: Path, folder: Path, count: int = 4) -> None:
    """A copier's PDF of the first named answer sheets, filled in pencil (clear marks only)."""
    from PIL import Image

    from generator.exam.key import parse_key
    from generator.exam.sheet_layout import SheetId
    from tests.scan_fakes import fill, render

    key_text = (root / papers / "key.json").read_text(encoding="utf-8")
    key = parse_key(key_text, "key.json")
    layout = json.loads((root / papers / "sheet-layout.json").read_text(encoding="utf-8"))
    named = [s for s in layout["sheets"] if s.get("工号")][:count]
    pages = []
    for n, s in enumerate(named):
        sheet = SheetId(key.exam, "named", s["version"], s["工号"])
        image = render(root / papers / "answer-sheets.pdf", s["page"], 200)
        filled, _ = fill(image, key, sheet, 200, seed=n, hard_share=0.0)
        pages.append(Image.fromarray(filled))
    folder.mkdir()
    pages[0].save(folder / "复印机扫描.pdf", save_all=True, append_images=pages[1:], resolution=200)


def _after(argv: list[str], root: Path) -> None:
    if argv[:2] == ["exam", "open"]:
        exam = yaml.safe_load((root / argv[2]).read_text(encoding="utf-8"))["id"]
        _candidates_sit(root, exam)
    if argv[:2] == ["new", "case"]:
        template = root / "cases" / f"{_option(argv, '--id')}.md"
        assert template.is_file()
        template.unlink()  # the writer fills it in before the next build; the copy drops it


def _run(root: Path, argv: list[str]) -> subprocess.CompletedProcess:
    words = [a if "*" in a else shlex.quote(a) for a in argv]  # a glob is the shell's to expand
    command = " ".join([shlex.quote(str(QINGLIAN)), *words])
    proc = subprocess.run(
        ["bash", "-c", command], cwd=root, capture_output=True, text=True, timeout=600, env=_env()
    )
    assert proc.returncode == 0 and "Traceback" not in proc.stderr, (
        f"README: qinglian {' '.join(argv)} → {proc.returncode}\n{proc.stdout}\n{proc.stderr}\n"
        f"(a command that needs files only the reader has: say “{OWN_FILES}” in its comment)"
    )
    return proc


def test_every_readme_command_runs_as_written(tmp_path):
    assert QINGLIAN.exists(), "make venv-test first"
    root = copy_root(REPO, tmp_path / "repo")
    elsewhere = tmp_path / "elsewhere"
    ran = []
    for argv in readme_commands((REPO / "README.md").read_text(encoding="utf-8")):
        argv = [str(elsewhere) + a[4:] if a.startswith("/tmp/") else a for a in argv]
        _before(argv, root)
        _run(root, argv)
        for path in _expected(argv, root):
            assert path.exists(), f"README: qinglian {' '.join(argv)} did not write {path}"
        _after(argv, root)
        ran.append(argv[:2])
    assert ["exam", "export"] in ran and ["deck", "--cases"] in ran
    # the candidates' answers came through exam export, and were graded and planned from
    answers = (root / "private" / "2026-答卷" / "answers.csv").read_text(encoding="utf-8-sig")
    assert len(answers.strip().splitlines()) == 1 + 8
    scores = (root / "private" / "2026-成绩" / "scores.csv").read_text(encoding="utf-8-sig")
    assert len(scores.strip().splitlines()) == 1 + 8
    assert (root / "private" / "2026-学习计划" / "学习计划-骨科.pdf").is_file()
    # the online sitting is labelled by its exam title in the trend, not by its folder
    trend = (root / "private" / "2026-趋势" / "trend.html").read_text(encoding="utf-8")
    assert "2026年度九项准则知识考试（2026-成绩）" in trend
