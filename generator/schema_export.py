"""JSON Schemas of the source formats, for editors with YAML/front-matter completion."""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import BaseModel

from .model import schemas

SCHEMAS: dict[str, type[BaseModel]] = {
    "rule.schema.json": schemas.RuleMeta,
    "case.schema.json": schemas.CaseMeta,
    "story.schema.json": schemas.StoryMeta,
    "risk-register.schema.json": schemas.RiskRegisterFile,
    "reminders.schema.json": schemas.RemindersFile,
    "question-bank.schema.json": schemas.BankFile,
    "exam.schema.json": schemas.ExamFile,
    "taxonomy.schema.json": schemas.TaxonomyFile,
    "hospital.schema.json": schemas.HospitalFile,
    "handbooks.schema.json": schemas.HandbooksFile,
}


def write_schemas(out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, model in SCHEMAS.items():
        path = out / name
        schema = model.model_json_schema()
        path.write_text(json.dumps(schema, ensure_ascii=False, indent=2), encoding="utf-8")
        written.append(path)
    return written
