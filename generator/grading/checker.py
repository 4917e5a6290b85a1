"""``qinglian quiz grade``: key.json + a filled answer sheet → scores, item analysis and report.

Stages: the key (read once by the caller with ``load_key``) → read the sheet (both raise
ConfigError naming the file) → grade every row (``grade.py``) → statistics (``stats.py``) → write
``scores.csv``, ``scores.xlsx``, ``items.csv``, ``report.html`` and, when rows were rejected,
``rejected.csv``. Above Excel's row limit ``scores.xlsx`` is left out (``notes`` says so;
scores.csv holds everyone). The files are written beside the output folder first and moved in only when all
of them are ready; the folder itself (which the trainer names) is never replaced, only our files
in it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..exam.key import Key
from ..model.corpus import Corpus
from ..outputs import staged_private_files
from . import results
from .attendance import Absentee, Attendance, absent_csv_text, attendance
from .grade import Grading, grade
from .report import Catalogue, render_report
from .sheet import read_sheet
from .stats import ExamStats, analyse

OUTPUTS = ("scores.csv", "scores.xlsx", "items.csv", "report.html", "rejected.csv", "absent.csv")


@dataclass
class GradeReport:
    folder: Path
    grading: Grading
    stats: ExamStats
    files: list[str]
    notes: list[str] = field(default_factory=list)  # what the trainer should know (Chinese)
    attendance: Attendance | None = None  # 应考/实考/缺考, when an absent list was given


def check_sheet(
    key: Key,
    sheet_path: Path,
    out: Path,
    catalogue: Catalogue | None = None,
    progress=None,
    absent: list[Absentee] | None = None,
) -> GradeReport:
    """Grade the sheet at ``sheet_path`` by ``key`` (from ``load_key``) and write into ``out``.
    ``absent`` (from ``read_absent``): who never took part; adds 应考/实考/缺考 to the report and
    ``scores.xlsx`` and writes ``absent.csv`` beside the scores."""
    sheet = read_sheet(sheet_path, key.question_count, progress=progress)
    grading = grade(key, sheet, progress=progress)
    stats = analyse(grading)
    present = _attendance(grading, absent)
    catalogue = catalogue or Catalogue()
    notes = []
    if not results.xlsx_fits(grading):
        notes.append(
            f"评分人数 {grading.count:,} 超过 Excel 单个工作表的上限（1,048,576 行，含表头），"
            "未生成 scores.xlsx；全部成绩在 scores.csv 中（可用 WPS、数据库或统计软件打开）。"
        )
    files = _write(grading, stats, catalogue, Path(out), notes, progress, present)
    return GradeReport(Path(out).resolve(), grading, stats, files, notes, present)


def result_files(
    grading: Grading,
    catalogue: Catalogue | None = None,
    absent: list[Absentee] | None = None,
) -> dict[str, bytes]:
    """scores.csv, items.csv, report.html (and rejected.csv when rows were rejected, absent.csv
    when ``absent`` is given) in memory, byte for byte as ``check_sheet`` writes them (the exam
    service offers them for download)."""
    stats = analyse(grading)
    present = _attendance(grading, absent)
    out = {"scores.csv": results.scores_csv_text(grading).encode("utf-8-sig")}
    out.update(_small_files(grading, stats, catalogue or Catalogue(), [], present))
    return out


def _small_files(
    grading: Grading,
    stats: ExamStats,
    catalogue: Catalogue,
    notes: list[str],
    present: Attendance | None,
) -> dict[str, bytes]:
    """items.csv, report.html, rejected.csv (when rows were rejected) and absent.csv (with an
    absent list): the files ``check_sheet`` and ``result_files`` share, made in one place."""
    first = next(iter(grading.key.versions))
    out = {"items.csv": results.items_csv_text(stats, first).encode("utf-8-sig")}
    if grading.rejected:
        out["rejected.csv"] = results.rejected_csv_text(grading).encode("utf-8-sig")
    if present is not None:
        out["absent.csv"] = absent_csv_text(present.absentees).encode("utf-8")
    out["report.html"] = render_report(grading, stats, catalogue, notes, present).encode()
    return out


def _attendance(grading: Grading, absent: list[Absentee] | None) -> Attendance | None:
    """应考/实考/缺考 of the graded people and the absent list, when one was given."""
    if absent is None:
        return None
    return attendance(grading.person("科室").tolist(), set(grading.person("工号").tolist()), absent)


def catalogue_of(corpus: Corpus) -> Catalogue:
    """Rule titles and question stems of a loaded corpus, for the report."""
    return Catalogue(
        rule_titles={n: rule.title for n, rule in corpus.rules.items()},
        stems={q.id: q.stem for q in corpus.questions},
    )


def _write(
    grading: Grading,
    stats: ExamStats,
    catalogue: Catalogue,
    out: Path,
    notes: list[str],
    progress=None,
    present: Attendance | None = None,
) -> list[str]:
    # Only our files in the trainer's folder; a rejected.csv from an earlier run would mislead.
    with staged_private_files(out, OUTPUTS) as tmp:
        results.write_scores_csv(grading, tmp / "scores.csv", progress)
        if results.xlsx_fits(grading):
            results.write_scores_xlsx(grading, tmp / "scores.xlsx", progress, present)
        for name, data in _small_files(grading, stats, catalogue, notes, present).items():
            (tmp / name).write_bytes(data)
        written = sorted(p.name for p in tmp.iterdir())
    return written
