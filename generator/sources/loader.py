"""Load a content root into a Corpus, or raise ValidationError listing every problem at once.

Order: site_config (hospital, taxonomy) → rules → cases → stories → pages → risks → reminders →
question banks → exams → cross-file checks. Each reader collects problems instead of stopping, so
an editor sees everything wrong in one run.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel

from ..errors import ConfigError, Problem, ValidationError
from ..model.corpus import Bank, Case, Corpus, Exam, Page, RiskRegister, Rule, Story
from ..model.markdown import DEFAULT_DIALECT, MarkdownDialect
from ..model.schemas import (
    CaseMeta,
    GlossaryFile,
    HandbooksFile,
    HospitalFile,
    PageMeta,
    RemindersFile,
    RuleMeta,
    StoryMeta,
    TaxonomyFile,
)
from . import checks
from .files import read_markdown, read_yaml
from .handbooks import handbook_refs
from .site_yaml import read_site_config
from .validate import validate_model
from .yaml_lines import LocatedYaml

M = TypeVar("M", bound=BaseModel)

RULE_SECTIONS = ("释义", "红线清单", "常见情形", "自查要点")
CASE_SECTIONS = ("基本案情", "处理结果", "违反条款", "案例剖析", "警示启示")


class SourceCache:
    """Parsed source files kept between loads (the preview reloads after every save).

    A file is read and parsed again only when its size or modification time changed; every
    check still runs on every load, so the Corpus is the one ``load_corpus`` always builds.
    """

    def __init__(self):
        self._files: dict[tuple[Path, str], tuple[tuple[int, int], object]] = {}

    def get(self, path: Path, kind: str, read):
        try:
            st = path.stat()
        except OSError:
            return read()
        key, stamp = (path, kind), (st.st_mtime_ns, st.st_size)
        hit = self._files.get(key)
        if hit is not None and hit[0] == stamp:
            return hit[1]
        found = read()
        self._files[key] = (stamp, found)
        return found


class _Reader:
    """Reads files under one root, remembering every problem and each record's source lines.

    Without a root (files named on a command line) each file is named as it was given.
    """

    def __init__(self, root: Path | None, cache: SourceCache | None = None):
        self.root = root
        self.cache = cache
        self.problems: list[Problem] = []
        self.lines: dict[int, checks.Lines] = {}  # id(record) -> line lookup for cross checks
        self.raw: dict[str, list[tuple[str, LocatedYaml]]] = {}  # folder -> every parsed file

    def rel(self, path: Path) -> str:
        return path.relative_to(self.root).as_posix() if self.root else str(path)

    def files(self, folder: str, pattern: str) -> list[Path]:
        if self.root is None:
            return []
        base = self.root / folder
        return sorted(base.glob(pattern)) if base.is_dir() else []

    def _read(self, path: Path, rel: str, read):
        if self.cache is None:
            return read(path, rel)
        return self.cache.get(path, read.__name__, lambda: read(path, rel))

    def yaml_file(self, path: Path, schema: type[M], required: bool = True) -> M | None:
        rel = self.rel(path)
        if not path.exists():
            if required:
                self.problems.append(Problem(rel, 1, "缺少此文件"))
            return None
        located, problems = self._read(path, rel, read_yaml)
        self.problems += problems
        if located is None:
            return None
        self.raw.setdefault(path.parent.name, []).append((rel, located))
        model, problems = validate_model(schema, located, rel)
        self.problems += problems
        if model is not None:
            self.lines[id(model)] = checks.Lines(rel, located.line)
        return model

    def markdown_file(
        self, path: Path, schema: type[BaseModel], model: type[M], sections=()
    ) -> M | None:
        rel = self.rel(path)
        source, problems = self._read(path, rel, read_markdown)
        self.problems += problems
        if source is None:
            return None
        self.raw.setdefault(path.parent.name, []).append((rel, source.meta))
        meta, problems = validate_model(schema, source.meta, rel)
        self.problems += problems
        self.problems += checks.missing_sections(source.body, source.body_line, sections, rel)
        self.problems += checks.personal_numbers(source.body, source.body_line, rel)
        self.problems += checks.patient_names(source.body, source.body_line, rel)
        if meta is None:
            return None
        body = source.body.strip()
        skipped = source.body[: source.body.find(body)].count("\n") if body else 0
        record = model.model_construct(
            **dict(meta), path=rel, body=body + "\n", body_line=source.body_line + skipped
        )
        self.lines[id(record)] = checks.Lines(rel, source.meta.line)
        return record


T = TypeVar("T")


def present(records: Iterable[T | None]) -> list[T]:
    """The records that were read (None: a file with problems, reported already)."""
    return [x for x in records if x is not None]


def load_corpus(root: Path, cache: SourceCache | None = None) -> Corpus:
    """Read and validate every source under ``root``.

    ``cache`` (the preview's): parse again only the files changed since the last load.
    """
    root = root.resolve()
    if not (root / "site_config").is_dir() and not (root / "content").is_dir():
        raise ValidationError(
            [Problem(str(root), 1, "这里不是内容根目录：缺少 content/ 和 site_config/")]
        )
    r = _Reader(root, cache)

    hospital = r.yaml_file(root / "site_config/hospital.yml", HospitalFile)
    logo = _logo(r, root, hospital)
    taxonomy = r.yaml_file(root / "site_config/taxonomy.yml", TaxonomyFile)

    rules = present(
        r.markdown_file(p, RuleMeta, Rule, RULE_SECTIONS) for p in r.files("content/rules", "*.md")
    )
    cases = present(
        r.markdown_file(p, CaseMeta, Case, CASE_SECTIONS) for p in r.files("cases", "*.md")
    )
    stories = present(
        r.markdown_file(p, StoryMeta, Story) for p in r.files("content/stories", "*.md")
    )
    pages = present(r.markdown_file(p, PageMeta, Page) for p in r.files("content/pages", "*.md"))
    risks = present(r.yaml_file(p, RiskRegister) for p in r.files("content/risks", "*.yml"))
    reminders_file = r.yaml_file(root / "content/reminders.yml", RemindersFile, required=False)
    banks = present(r.yaml_file(p, Bank) for p in r.files("quizzes", "*.yml"))
    exams = present(r.yaml_file(p, Exam) for p in r.files("site_config/exams", "*.yml"))
    handbooks = r.yaml_file(root / "site_config/handbooks.yml", HandbooksFile, required=False)
    glossary = r.yaml_file(root / "site_config/glossary.yml", GlossaryFile, required=False)

    records: list[RiskRegister | Bank | Exam] = [*risks, *banks, *exams]
    for record in records:
        record.path = r.lines[id(record)].path
    reminders = reminders_file.reminders if reminders_file else []

    lines = r.lines.get
    r.problems += checks.rule_set(rules, lines)
    if len(rules) == len(r.raw.get("rules", [])):  # a broken rule file is reported on its own
        r.problems += checks.rule_refs(rules, [*cases, *stories, *risks, *banks], lines)
    r.problems += checks.unique_ids(cases, "id", "案例编号", lines)
    r.problems += checks.unique_ids(stories, "id", "故事编号", lines)
    r.problems += checks.unique_ids(exams, "id", "考试编号", lines)
    r.problems += checks.unique_ids(risks, "department", "科室风险台账", lines)
    r.problems += _bank_checks(banks, lines)
    if taxonomy:
        r.problems += checks.taxonomy_refs(r.raw.get("cases", []), r.raw.get("risks", []), taxonomy)
    r.problems += checks.exam_refs(exams, banks, _ids(r.raw.get("quizzes", []), "bank"), lines)
    if handbooks and taxonomy:
        r.problems += handbook_refs(handbooks, taxonomy, risks, lines)
    if r.problems or hospital is None or taxonomy is None:
        raise ValidationError(r.problems)

    for page in pages:
        page.slug = Path(page.path).stem
    site_config = read_site_config(root)
    markdown = (
        MarkdownDialect.from_config(site_config.get("markdown_extensions"))
        if site_config is not None
        else DEFAULT_DIALECT
    )
    return Corpus(
        root=root,
        hospital=hospital,
        categories=taxonomy.categories,
        departments=taxonomy.departments,
        rules={rule.rule: rule for rule in sorted(rules, key=lambda x: x.rule)},
        cases=sorted(cases, key=lambda c: (c.date, c.id), reverse=True),
        stories=stories,
        risks=risks,
        reminders=sorted(reminders, key=lambda x: x.month),
        banks=banks,
        exams=exams,
        pages={p.slug: p for p in pages},
        handbooks=handbooks.handbooks if handbooks else [],
        glossary=glossary or GlossaryFile(),
        logo=logo,
        site_config=site_config,
        markdown=markdown,
        lines={found.path: found.line for found in r.lines.values()},
    )


def _ids(files: list[tuple[str, LocatedYaml]], key: str) -> set[str]:
    """The ids files declare, read from the parsed YAML even when the file has other errors."""
    return {
        str(located.data[key])
        for _, located in files
        if isinstance(located.data, dict) and located.data.get(key) is not None
    }


def _bank_checks(banks: list[Bank], lines: checks.LinesOf) -> list[Problem]:
    """Across bank files: unique bank and question ids, answers that fit their questions."""
    return [
        *checks.unique_ids(banks, "bank", "题库编号", lines),
        *checks.unique_questions(banks, lines),
        *checks.question_answers(banks, lines),
    ]


def load_bank_files(paths: Iterable[Path]) -> list[Bank]:
    """Read and validate bank files named on a command line, outside any content root.

    Each file is named as given; every problem at once, with the same checks as ``load_corpus``.
    """
    r = _Reader(None)
    banks = []
    for path in map(Path, paths):
        if not path.is_file():
            raise ConfigError(f"{path}：找不到题库文件")
        bank = r.yaml_file(path, Bank)
        if bank is not None:
            bank.path = r.rel(path)
            banks.append(bank)
    r.problems += _bank_checks(banks, r.lines.get)
    if r.problems:
        raise ValidationError(r.problems)
    return banks


def _logo(r: _Reader, root: Path, hospital: HospitalFile | None) -> Path | None:
    """The hospital logo file that hospital.yml names (under site_config/), checked to exist."""
    if hospital is None or not hospital.logo:
        return None
    path = root / "site_config" / hospital.logo
    if path.is_file():
        return path
    lines = r.lines[id(hospital)]
    r.problems.append(
        Problem(lines.path, lines.at("logo"), f"找不到医院标志文件 site_config/{hospital.logo}")
    )
    return None
