"""``report.html``: one self-contained page a trainer opens, prints or copies charts from.

No external resources: the stylesheet is inline and the charts are PNG data URIs (right-click →
复制图片, then paste into Word). Every value that came from the answer sheet is escaped by
Jinja2's autoescape.
"""

from __future__ import annotations

import base64
import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import jinja2

from ..model.numbers import number, one_decimal
from ..model.terms import SHORT_TYPE_NAMES, rule_label
from . import charts
from .grade import Grading
from .stats import LOW_DISCRIMINATION, TOO_EASY, TOO_HARD, UPPER_LOWER, ExamStats

TEMPLATES = Path(__file__).parent / "templates"


@dataclass
class Catalogue:
    """What the key does not carry, from the content root when it is available."""

    rule_titles: dict[int, str] = field(default_factory=dict)
    stems: dict[str, str] = field(default_factory=dict)

    def rule_title(self, n: int) -> str:
        title = self.rule_titles.get(n)
        return f"{rule_label(n)} {title}" if title else rule_label(n)


def html_environment(templates: Path = TEMPLATES) -> jinja2.Environment:
    """The environment of the self-contained HTML reports (this one and ``quiz trend``'s):
    escaped, strict, with the number filters both use (— for a missing value)."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates)),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters["num"] = lambda v: "—" if v is None else number(float(one_decimal(v)))
    env.filters["pct"] = lambda v: "—" if v is None else f"{v * 100:.1f}%"
    env.filters["r2"] = lambda v: "—" if v is None else f"{v:.2f}"
    env.globals["rule_label"] = rule_label
    return env


def data_uri(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


SHOW_REJECTED = 200  # rows listed in the report; rejected.csv has them all
SHOW_DEPARTMENTS = 40  # bars in the department chart (the weakest); the table lists all


def render_report(
    grading: Grading,
    stats: ExamStats,
    catalogue: Catalogue | None = None,
    notes: list[str] | None = None,
    present=None,
) -> str:
    """The page: aggregates only (and the first rejected rows, so they can be fixed)."""
    catalogue = catalogue or Catalogue()
    key = grading.key
    pictures = {}
    if stats.overall:
        pictures["histogram"] = data_uri(
            charts.histogram(stats.histogram, key.pass_score, key.total, "成绩分布")
        )
        pictures["departments"] = data_uri(
            charts.bars(
                [
                    (
                        g.name,
                        g.mean / key.total,
                        f"{one_decimal(g.mean)} 分 · 合格 {g.pass_rate:.0%}",
                    )
                    for g in stats.departments[:SHOW_DEPARTMENTS]
                ],
                "各科室平均得分率"
                + (
                    f"（最低的 {SHOW_DEPARTMENTS} 个）"
                    if len(stats.departments) > SHOW_DEPARTMENTS
                    else ""
                ),
                mark=key.pass_score / key.total,
            )
        )
        pictures["rules"] = data_uri(
            charts.bars(
                [(catalogue.rule_title(r.rule), r.rate, f"{r.rate:.0%}") for r in stats.rules],
                "各条款得分率（由低到高）",
                mark=key.pass_score / key.total,
            )
        )
    reliability_name, reliability = stats.reliability
    template = html_environment().get_template("report.html.j2")
    return template.render(
        key=key,
        grading=grading,
        stats=stats,
        catalogue=catalogue,
        pictures=pictures,
        versions=stats.versions,
        reliability_name=reliability_name,
        reliability=reliability,
        notes=notes or [],
        present=present,
        rejected=grading.rejected[:SHOW_REJECTED],
        type_names=SHORT_TYPE_NAMES,
        first_version=next(iter(key.versions)),
        flagged=[s for s in stats.items if s.flags],
        negative=[s for s in stats.items if "负区分" in s.flags],
        weakest=stats.rules[:3],
        limits={
            "easy": TOO_EASY,
            "hard": TOO_HARD,
            "low": LOW_DISCRIMINATION,
            "group": UPPER_LOWER,
        },
        scoring={
            "all_or_nothing": "全对得分，多选、少选、错选均不得分",
            "partial_half": "全对得满分；少选且无错选得一半分；有错选不得分",
        }[key.multiple_scoring],
        generated=dt.datetime.now().strftime("%Y-%m-%d %H:%M"),
    )
