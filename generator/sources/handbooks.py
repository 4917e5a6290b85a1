"""Checks on site_config/handbooks.yml that need other files: ids, taxonomy, risk registers."""

from __future__ import annotations

from typing import Any

from ..errors import Problem
from .checks import LinesOf, _where

KIND_NAMES = {
    "rules": "九项准则学习手册",
    "cases": "警示教育案例汇编",
    "stories": "清廉故事汇",
    "risks": "岗位廉洁风险提示",
    "ward-cards": "清廉查房卡",
}
PER_DEPARTMENT = ("risks", "ward-cards")


def handbook_refs(file: Any, taxonomy: Any, risks: list, lines: LinesOf) -> list[Problem]:
    """Unique ids; ``departments`` only on per-department kinds, named in the taxonomy, and
    (for risk booklets) backed by a risk register."""
    names = [d.name for d in taxonomy.departments]
    registered = {r.department for r in risks}
    problems: list[Problem] = []
    seen: dict[str, int] = {}
    for i, book in enumerate(file.handbooks):
        path, line = _where(file, lines, "handbooks", i, "id")
        if book.id in seen:
            problems.append(
                Problem(path, line, f"手册编号“{book.id}”重复：已在第 {seen[book.id]} 行使用")
            )
        else:
            seen[book.id] = line
        if book.departments and book.kind not in PER_DEPARTMENT:
            path, line = _where(file, lines, "handbooks", i, "departments")
            problems.append(
                Problem(
                    path,
                    line,
                    f"departments（科室表）只适用于 risks 和 ward-cards，"
                    f"{KIND_NAMES[book.kind]}（{book.kind}）不按科室分册",
                )
            )
            continue
        for j, name in enumerate(book.departments):
            path, line = _where(file, lines, "handbooks", i, "departments", j)
            if name not in names:
                problems.append(
                    Problem(
                        path,
                        line,
                        f"未知的科室“{name}”：请使用 site_config/taxonomy.yml 中的科室，"
                        f"如 {'、'.join(sorted(names)[:4])}",
                    )
                )
            elif book.kind == "risks" and name not in registered:
                problems.append(
                    Problem(
                        path,
                        line,
                        f"科室“{name}”没有风险台账（content/risks/），无法生成岗位廉洁风险提示",
                    )
                )
    return problems
