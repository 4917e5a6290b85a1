"""``qinglian exam export``: a sitting's answers in the answer-sheet format plus its key.json."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..errors import ConfigError
from ..outputs import staged_private_files


@dataclass
class ExportReport:
    folder: Path
    rows: int


def export(exam_id: str, out: Path) -> ExportReport:
    from .models import AuditLog, Sitting
    from .scoring import answers_csv, exported_people

    sitting = Sitting.objects.filter(exam_id=exam_id).first()
    if sitting is None:
        known = "、".join(Sitting.objects.values_list("exam_id", flat=True)) or "（无）"
        raise ConfigError(f"数据库中没有考试“{exam_id}”（已有：{known}）")
    with staged_private_files(Path(out), ("answers.csv", "key.json")) as tmp:
        (tmp / "answers.csv").write_text(answers_csv(sitting), encoding="utf-8", newline="")
        (tmp / "key.json").write_text(sitting.key_json, encoding="utf-8")
    AuditLog.objects.create(
        user="qinglian exam export", action="export", exam_id=exam_id, target=str(out)
    )
    return ExportReport(Path(out).resolve(), exported_people(sitting).count())
