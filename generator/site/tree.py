"""Write the plain Markdown tree MkDocs builds (e.g. ``build/docs``).

Every page comes from a Jinja2 template and the Corpus; nothing here reads a source file. The tree
is engine-neutral Markdown (Material's admonitions, attr_list and md_in_html) so another engine
that reads mkdocs.yml can build it too.
"""

from __future__ import annotations

import functools
import itertools
import json
import os
import shutil
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined

from ..model import links
from ..model.corpus import Case, Corpus
from ..model.downloads import Download
from ..model.links import html_url, md_link
from ..model.order import by_pinyin
from .fragments import Fragments, cell
from .selftest import write_selftest

ASSETS = Path(__file__).parent / "assets"
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp")
PAGE_PLACES = {"about": "about/index.md", "style-guide": "about/style-guide.md"}


@dataclass
class Group:
    title: str
    anchor: str
    cases: list[Case]
    note: str = ""


@dataclass
class SiteExtras:
    """What other stages contribute to the site."""

    downloads: list[Download] = field(default_factory=list)
    downloads_dir: Path | None = None  # where the listed files are; copied into the tree


def _yaml_string(value: object) -> str:
    return json.dumps(str(value), ensure_ascii=False)


def make_environment(directory_urls: bool = True) -> Environment:
    """The templates' environment; ``url(here, target)`` links raw HTML to the URL ``target``
    has with or without directory URLs (``links.html_url``)."""
    env = Environment(
        loader=PackageLoader("generator.site", "templates"),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        autoescape=False,  # Markdown output; HTML fragments escape with |e explicitly
    )
    env.globals.update(
        link=md_link,
        url=functools.partial(html_url, directory_urls=directory_urls),
        rule_page=links.rule_page,
        case_page=links.case_page,
        story_page=links.story_page,
        risk_page=links.risk_page,
        practice_page=links.practice_page,
        practice_set_page=links.practice_set_page,
        cases_facet_page=links.cases_facet_page,
        rule_anchor=links.rule_anchor,
    )
    env.filters.update(cell=cell, q=_yaml_string)
    return env


class TreeWriter:
    def __init__(
        self,
        corpus: Corpus,
        docs: Path,
        extras: SiteExtras,
        pages_in_memory: bool = False,
        ready_html: bool = True,
        directory_urls: bool = True,
        env: Environment | None = None,
    ):
        self.corpus, self.docs, self.extras = corpus, docs, extras
        self.pages_in_memory = pages_in_memory  # Markdown pages only in ``texts`` (see pages)
        self.directory_urls = directory_urls  # the site's use_directory_urls
        # (the preview passes the previous tree's: its templates are compiled once, not per save)
        self.env = env or make_environment(directory_urls)
        self.fragments = self.env.globals["fragments"] = Fragments(
            corpus, html=ready_html, directory_urls=directory_urls
        )
        self.written: list[str] = []  # docs-relative paths of the pages, in writing order
        self.unsearched: set[str] = set()  # pages whose front matter says search: exclude
        self.sources: dict[str, str] = {}  # docs-relative page → the source file it renders
        # Preview: the texts of the previous tree in this folder; an unchanged file is not
        # written again, so the engine's dirty rebuild renders only what changed.
        self.previous: dict[str, str] = {}
        self.texts: dict[str, str] = {}  # docs-relative file → text, of every file written
        self.changed = 0  # files actually written (not equal to the previous tree's)
        self._folders: set[Path] = set()  # folders made (or found) so far
        c = corpus
        self.context = {
            "hospital": c.hospital,
            "rules": c.rules,
            "cases": c.cases,
            "stories": c.stories,
            "risks": c.risks,
            "reminders": c.reminders,
            "cases_by_rule": c.cases_by_rule,
            "stories_by_rule": c.stories_by_rule,
            "public_questions_by_rule": c.public_questions_by_rule,
            "practice_by_rule": c.practice_by_rule,
            "cases_by_department": c.cases_by_department,
            "risks_by_department": c.risks_by_department,
            "category_by_name": c.category_by_name,
            "department_by_name": c.department_by_name,
            "stories_by_group": c.stories_by_group,
            "has_selftest": bool(c.public_questions),
            "pages": c.pages,
            "m": self.env.get_template("_macros.md.j2").make_module(
                {"link": md_link, "url": self.env.globals["url"], "rules": c.rules}
            ),
        }

    def page(self, path: str, template: str, **values) -> None:
        text = self.env.get_template(template).render(**self.context, **values)
        self.emit(path, text)
        self.written.append(path)
        source = next(
            (
                v.path
                for v in values.values()
                if isinstance(getattr(v, "path", None), str) and v.path
            ),
            None,
        )
        if source:
            self.sources[path] = source
        head = text[: text.find("\n---", 3)] if text.startswith("---") else ""
        if "\nsearch:\n  exclude: true" in head:
            self.unsearched.add(path)

    def emit(self, path: str, text: str) -> None:
        """Write a docs-relative file (unless the previous tree has it with the same text)."""
        self.texts[path] = text
        if self.pages_in_memory and path.endswith(".md"):
            self.changed += 1
            return
        target = self.docs / path
        if self.previous.get(path) == text and target.is_file():
            return
        if target.parent not in self._folders:  # (a failing mkdir is a slow system call)
            target.parent.mkdir(parents=True, exist_ok=True)
            self._folders.add(target.parent)
        target.write_text(text, encoding="utf-8")
        self.changed += 1

    @property
    def pages(self) -> dict[str, str] | None:
        """Docs-relative Markdown page → its text, where the pages are kept in memory only
        (``engine.prepare``); None where they are in the docs folder."""
        if not self.pages_in_memory:
            return None
        return {path: text for path, text in self.texts.items() if path.endswith(".md")}

    def write(self) -> None:
        self.assets()
        self.home()
        self.rules()
        self.cases()
        self.stories()
        self.risks()
        self.simple_pages()
        if self.corpus.public_questions:
            write_selftest(self)

    def assets(self) -> None:
        if not self.previous:
            shutil.copytree(ASSETS, self.docs / "assets", dirs_exist_ok=True)
        else:  # preview: leave unchanged files alone
            for source in ASSETS.rglob("*"):
                if source.is_file():
                    _copy_if_changed(source, self.docs / "assets" / source.relative_to(ASSETS))
        if self.corpus.logo:  # replaces the bundled logo; the plugin points the theme at it
            _copy_if_changed(self.corpus.logo, self.docs / site_logo(self.corpus))

    def home(self) -> None:
        home = self.corpus.pages.get("home")
        intro = home.body.strip() if home else _default_intro(self.corpus)
        self.page("index.md", "home.md.j2", intro=intro, latest_cases=self.corpus.cases[:6])

    def rules(self) -> None:
        self.page("rules/index.md", "rules_index.md.j2")
        for rule in self.corpus.rules.values():
            self.page(links.rule_page(rule.rule), "rule.md.j2", rule=rule)

    def cases(self) -> None:
        c = self.corpus
        self.page("cases/index.md", "cases_index.md.j2")
        related = _Related(c)
        for case in c.cases:
            self.page(links.case_page(case.id), "case.md.j2", case=case, related=related(case))
            self.case_images(case.id)
        facets = {
            "rule": (
                "按准则",
                [
                    Group(r.full_title, links.rule_anchor(n), c.cases_by_rule.get(n, []))
                    for n, r in c.rules.items()
                ],
            ),
            "category": (
                "按类别",
                [
                    Group(cat.name, cat.slug, c.cases_by_category[cat.name], cat.description)
                    for cat in c.categories
                    if c.cases_by_category.get(cat.name)
                ],
            ),
            "department": (
                "按科室",
                [
                    Group(d.name, d.slug, c.cases_by_department[d.name])
                    for d in by_pinyin(c.departments, lambda d: d.name)
                    if c.cases_by_department.get(d.name)
                ],
            ),
            "year": (
                "按年份",
                [Group(f"{year}年", f"y{year}", cases) for year, cases in c.cases_by_year.items()],
            ),
        }
        for facet, (heading, groups) in facets.items():
            self.page(
                links.cases_facet_page(facet),
                "cases_by.md.j2",
                facet=facet,
                heading=heading,
                groups=groups,
            )

    def case_images(self, case_id: str) -> None:
        """Images beside a case (``cases/<id>/``, as ``qinglian import case`` saves them), where
        the case's Markdown links to them."""
        folder = self.corpus.root / "cases" / case_id
        if folder.is_dir():
            for source in folder.iterdir():
                if source.suffix.lower() in IMAGE_SUFFIXES and source.is_file():
                    _copy_if_changed(source, self.docs / "cases" / case_id / source.name)

    def stories(self) -> None:
        self.page("stories/index.md", "stories_index.md.j2")
        for story in self.corpus.stories:
            self.page(links.story_page(story.id), "story.md.j2", story=story)

    def risks(self) -> None:
        rows: list[dict[str, Any]] = []
        for register in self.corpus.risks:
            counts = register.level_counts
            top = register.light
            slug = self.corpus.department_by_name[register.department].slug
            rows.append({"register": register, "counts": counts, "top": top, "slug": slug})
            self.page(links.risk_page(slug), "risk.md.j2", register=register, slug=slug)
        rows = by_pinyin(rows, lambda row: row["register"].department)  # looked up by name
        self.page("risks/index.md", "risks_index.md.j2", risk_rows=rows)

    def simple_pages(self) -> None:
        self.page("reminders/index.md", "reminders.md.j2")
        self.page("downloads.md", "downloads.md.j2", downloads=self.extras.downloads)
        if self.extras.downloads_dir:
            # Part of the docs tree, so MkDocs checks the links and copies the files.
            for item in self.extras.downloads:
                target = self.docs / "downloads" / item.filename
                target.parent.mkdir(parents=True, exist_ok=True)
                _link_or_copy(self.extras.downloads_dir / item.filename, target)
        self.page("tags.md", "tags.md.j2")
        self.page("search/index.md", "search.md.j2")
        for slug, page in self.corpus.pages.items():
            if slug != "home":
                self.page(PAGE_PLACES.get(slug, f"about/{slug}.md"), "page.md.j2", page=page)


def site_logo(corpus: Corpus) -> str:
    """Where the site's logo (and favicon) stands in the docs tree."""
    return f"assets/logo{corpus.logo.suffix}" if corpus.logo else "assets/logo.svg"


def _copy_if_changed(source: Path, target: Path) -> None:
    data = source.read_bytes()
    if not target.is_file() or target.read_bytes() != data:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)


def _link_or_copy(source: Path, target: Path) -> None:
    """A hard link where the file system allows one (PDFs are large), else a copy."""
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)


class _Related:
    """Other cases under a case's main rule, same category first, then same department (as if
    that rule's cases were sorted by (other category, other department) for every case), without
    sorting a rule's whole list each time: its cases bucketed by category and department, read
    in the sort's order."""

    def __init__(self, corpus: Corpus, limit: int = 5):
        self.corpus, self.limit = corpus, limit
        self.buckets: dict[int, tuple[dict, dict, dict]] = {}

    def _of(self, rule: int):
        found = self.buckets.get(rule)
        if found is None:
            both, category, department = defaultdict(list), defaultdict(list), defaultdict(list)
            for c in self.corpus.cases_by_rule.get(rule, []):
                both[c.category, c.department].append(c)
                category[c.category].append(c)
                department[c.department].append(c)
            found = self.buckets[rule] = (both, category, department)
        return found

    def __call__(self, case: Case) -> list[Case]:
        rule = case.rules[0]
        both, category, department = self._of(rule)
        cat, dep = case.category, case.department
        # the order of sorting by (other category, other department), each group as listed
        groups = (
            both.get((cat, dep), ()),
            (c for c in category.get(cat, ()) if c.department != dep),
            (c for c in department.get(dep, ()) if c.category != cat),
            (
                c
                for c in self.corpus.cases_by_rule.get(rule, ())
                if c.category != cat and c.department != dep
            ),
        )
        found = (c for c in itertools.chain.from_iterable(groups) if c.id != case.id)
        return list(itertools.islice(found, self.limit))


def _default_intro(corpus: Corpus) -> str:
    return (
        f"{corpus.hospital.name}廉洁从业教育知识库：九项准则逐条释义、警示教育案例、清廉故事、"
        "科室廉洁风险台账和自测练习，供全院职工随时学习查阅。"
    )


def write_tree(
    corpus: Corpus,
    docs: Path,
    extras: SiteExtras | None = None,
    previous: TreeWriter | None = None,
    pages_in_memory: bool = False,
    engine: str = "mkdocs",
    directory_urls: bool = True,
) -> TreeWriter:
    """Write the whole Markdown tree into ``docs`` (which should be empty).

    ``previous``: the writer of the tree already in ``docs`` (preview) — only files whose text
    changed are written, and files it wrote that the new tree lacks are removed.
    ``pages_in_memory``: the Markdown pages go to ``writer.pages``, not into ``docs``.
    ``engine``: the generated tables are ready HTML for MkDocs, Markdown for Zensical
    (``fragments.py``).
    ``directory_urls``: the site's ``use_directory_urls``, which links in raw HTML follow.
    """
    same_urls = previous is not None and previous.directory_urls == directory_urls
    writer = TreeWriter(
        corpus,
        docs,
        extras or SiteExtras(),
        pages_in_memory,
        ready_html=engine == "mkdocs",
        directory_urls=directory_urls,
        env=previous.env if previous is not None and same_urls else None,
    )
    if previous is not None:
        writer.previous = previous.texts
    writer.write()
    for gone in writer.previous.keys() - writer.texts.keys():
        (docs / gone).unlink(missing_ok=True)
        writer.changed += 1
    return writer
