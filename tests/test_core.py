"""The sturdier core: strict sources, one feasibility rule, a clean error boundary, files people
own left alone, and a failed build that really leaves dist/ as it was."""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path

import pytest
import yaml

from generator import cli
from generator.errors import BuildError, ValidationError
from generator.sources.loader import load_corpus
from tests.test_validation import edit, problems, run_cli

EXAM = "site_config/exams/test-exam.yml"


def check(root: Path, capsys) -> tuple[int, list[str]]:
    code = cli.main(["--root", str(root), "check"])
    captured = capsys.readouterr()
    return code, captured.err.strip().splitlines()


# --- strict sources ---------------------------------------------------------------------------


def test_exam_only_typo_is_an_error_with_a_suggestion_and_blocks_the_build(mini_root):
    edit(mini_root / "quizzes/basic.yml", "exam_only: true", "exam_onyl: true")
    found = problems(mini_root)
    assert len(found) == 1
    assert found[0].startswith("quizzes/basic.yml:")
    assert found[0].endswith("未知字段 exam_onyl，你是不是想写 exam_only？")
    out = mini_root / "dist"
    result = run_cli("build", "--root", str(mini_root), "--out", str(out))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert not out.exists()  # the exam-only question never reaches a site


@pytest.mark.parametrize(
    ("path", "anchor", "typo", "expected"),
    [
        (
            "site_config/hospital.yml",
            "short_name:",
            "shortname:",
            "shortname，你是不是想写 short_name？",
        ),
        ("site_config/taxonomy.yml", "slug: kickback", "slg: kickback", "slg，你是不是想写 slug？"),
        (
            "site_config/handbooks.yml",
            "page_size:",
            "pagesize:",
            "pagesize，你是不是想写 page_size？",
        ),
        (EXAM, "pass_score:", "pass_scor:", "pass_scor，你是不是想写 pass_score？"),
    ],
)
def test_unknown_keys_in_configuration_are_located(mini_root, path, anchor, typo, expected):
    edit(mini_root / path, anchor, typo)
    text = (mini_root / path).read_text(encoding="utf-8").splitlines()
    line = next(n for n, row in enumerate(text, 1) if typo in row)
    found = [p for p in problems(mini_root) if p.startswith(f"{path}:")]
    assert any(p == f"{path}:{line}: 未知字段 {expected}" for p in found), found


def test_unknown_key_without_a_near_miss_lists_the_known_ones(mini_root):
    edit(mini_root / "site_config/hospital.yml", "short_name:", "colour: red\nshort_name:")
    found = problems(mini_root)
    assert found == [
        "site_config/hospital.yml:2: 未知字段 colour"
        "（此处可用的字段：name、short_name、site_url、issuer、logo、edition）"
    ]


def test_front_matter_welcomes_extra_keys_but_reports_near_misses(mini_root):
    case = mini_root / "cases/r8-pharmacy-card.md"
    edit(case, "title:", "reviewer: 纪委办\ntitle:")
    assert load_corpus(mini_root).cases  # an extra key is welcome
    edit(case, "summary:", "sumary:")
    assert problems(mini_root) == [
        "cases/r8-pharmacy-card.md:11: 字段 sumary 不认识，你是不是想写 summary？"
    ]
    edit(case, "sumary:", "summary:")
    edit(case, "title:", "tittle:")
    assert problems(mini_root) == [
        "cases/r8-pharmacy-card.md:2: 缺少必填字段 title（标题）（写成了 tittle？）"
    ]


def test_json_schemas_carry_the_chinese_field_titles():
    from generator.model.schemas import BankFile

    schema = BankFile.model_json_schema()
    question = schema["$defs"]["Question"]
    assert question["properties"]["stem"]["title"] == "题干"
    assert question["properties"]["exam_only"]["title"] == "仅用于考试"
    assert question["additionalProperties"] is False


# --- one rule, one place ----------------------------------------------------------------------


def test_check_rejects_every_exam_quiz_paper_would_reject(mini_root, capsys, tmp_path):
    # Two sections of one type over a bank with a single single-choice question: each section
    # alone fits, together they cannot be drawn. check and paper must say the same thing.
    edit(
        mini_root / EXAM,
        "  - {type: single, count: 1, points: 40}",
        "  - {type: single, count: 1, points: 20}\n  - {type: single, count: 1, points: 20}",
    )
    code, lines = check(mini_root, capsys)
    assert code == 1
    expected = f"{EXAM}:11: 单选题要抽 1 道，所选题库只剩 0 道可用"
    assert lines[0] == expected
    code = cli.main(["--root", str(mini_root), "quiz", "paper", str(mini_root / EXAM)])
    assert code == 1
    assert capsys.readouterr().err.strip().splitlines()[0] == expected


def test_duplicate_ids_share_one_message_format(mini_root):
    (mini_root / "content/rules/r9-copy.md").write_text(
        (mini_root / "content/rules/r9.md").read_text(encoding="utf-8"), encoding="utf-8"
    )
    found = problems(mini_root)
    assert (
        "content/rules/r9.md:2: 准则页面“第九条”重复：已在 content/rules/r9-copy.md:2 使用" in found
    )


def test_a_root_without_rule_pages_is_a_located_error(mini_root, capsys):
    for path in (mini_root / "content/rules").glob("*.md"):
        path.unlink()
    code, lines = check(mini_root, capsys)
    assert code == 1
    expected = {
        f"content/rules:1: 缺少第{n}条的页面（rule: {i}）"
        for i, n in enumerate("一二三四五六七八九", 1)
    }
    assert set(lines[:9]) == expected
    result = run_cli("build", "--root", str(mini_root), "--out", str(mini_root / "dist"))
    assert result.returncode == 1 and "Traceback" not in result.stderr


def test_references_to_rules_without_a_page_are_located(mini_root):
    (mini_root / "content/rules/r9.md").unlink()
    found = problems(mini_root)
    assert "content/rules:1: 缺少第九条的页面（rule: 9）" in found
    assert any(
        p.startswith("cases/r9-pharmacy-kickback.md:")
        and p.endswith("第九条没有页面（content/rules/ 中没有 rule: 9）")
        for p in found
    ), found


def test_quiz_paper_uses_the_line_tables_kept_on_the_corpus(mini_root, monkeypatch, tmp_path):
    from generator.exam import paper
    from generator.sources import exams

    corpus = load_corpus(mini_root)
    assert corpus.line_of(EXAM, "sections", 0, "count") == 10

    def no_rereading(*args, **kwargs):
        raise AssertionError("the exam file was read again")

    monkeypatch.setattr(exams, "read_yaml", no_rereading)
    exam, line = exams.load_exam(mini_root / EXAM, corpus)
    report = paper.make_papers(corpus, exam, line, tmp_path)
    assert (report.folder / "key.json").is_file()


# --- files people own -------------------------------------------------------------------------


def test_new_question_writes_valid_yaml_for_any_title(mini_root, capsys):
    title = "以下说法: 哪项正确？ #注意 'x' \"y\""
    code = cli.main(
        ["--root", str(mini_root), "new", "question", "--bank", "test-basic", "--title", title]
    )
    assert code == 0, capsys.readouterr().err
    bank = yaml.safe_load((mini_root / "quizzes/basic.yml").read_text(encoding="utf-8"))
    assert bank["questions"][-1]["stem"] == title
    corpus = load_corpus(mini_root)  # still valid: no knock-on errors in the exam
    assert corpus.questions[-1].stem == title


def test_new_case_front_matter_is_dumped_not_interpolated(mini_root, capsys):
    title = "某医院: 医生 #收受“红包”案"
    code = cli.main(["--root", str(mini_root), "new", "case", "--id", "r8-x", "--title", title])
    assert code == 0
    text = (mini_root / "cases/r8-x.md").read_text(encoding="utf-8")
    meta = yaml.safe_load(text.split("---\n")[1])
    assert meta["title"] == title and meta["rules"] == [1]


def test_new_refuses_an_existing_file_and_leaves_it(mini_root, capsys):
    case = mini_root / "cases/r8-pharmacy-card.md"
    before = case.read_bytes()
    code = cli.main(["--root", str(mini_root), "new", "case", "--id", "r8-pharmacy-card"])
    assert code == 1 and "已存在" in capsys.readouterr().err
    assert case.read_bytes() == before


@pytest.mark.pdf
def test_quiz_paper_replaces_only_its_own_files(mini_root, tmp_path, capsys):
    folder = tmp_path / "test-exam"
    folder.mkdir()
    (folder / "答题表-已填写.xlsx").write_bytes(b"the trainer's filled sheet")
    (folder / "paper-C.pdf").write_bytes(b"a version the exam no longer has")
    code = cli.main(
        ["--root", str(mini_root), "quiz", "paper", str(mini_root / EXAM), "--out", str(tmp_path)]
    )
    assert code == 0, capsys.readouterr().err
    names = sorted(p.name for p in folder.iterdir())
    assert names == sorted(
        [
            "答题表-已填写.xlsx",
            "paper-A.pdf",
            "paper-B.pdf",
            "key.pdf",
            "key.json",
            "answer-sheet.xlsx",
            "answer-sheet.csv",
            "answer-sheets.pdf",
            "sheet-layout.json",
        ]
    )
    assert (folder / "答题表-已填写.xlsx").read_bytes() == b"the trainer's filled sheet"


# --- the error boundary -----------------------------------------------------------------------


def test_os_error_is_one_chinese_sentence_naming_the_path(mini_root, tmp_path, capsys):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    code = cli.main(
        [
            "--root",
            str(mini_root),
            "quiz",
            "paper",
            str(mini_root / EXAM),
            "--out",
            str(blocker / "out"),
        ]
    )
    err = capsys.readouterr().err
    assert code == 1
    assert "Traceback" not in err
    assert err.strip() == f"错误：无法读写 {blocker / 'out'}：路径中有一段不是目录"


def test_internal_error_says_it_is_a_bug_and_where_the_traceback_is(mini_root, monkeypatch, capsys):
    from generator.sources import loader

    def broken(root):
        raise RuntimeError("a bug in qinglian")

    monkeypatch.setattr(loader, "load_corpus", broken)
    code = cli.main(["--root", str(mini_root), "check"])
    err = capsys.readouterr().err.strip()
    assert code == cli.INTERNAL_ERROR_EXIT
    assert len(err.splitlines()) == 1 and err.startswith("内部错误：这是 qinglian 的缺陷")
    log = Path(err.split("已写入 ")[1].split("，")[0])
    assert "RuntimeError: a bug in qinglian" in log.read_text(encoding="utf-8")
    log.unlink()
    with pytest.raises(RuntimeError):
        cli.main(["--debug", "--root", str(mini_root), "check"])


def test_missing_pango_is_a_chinese_instruction(monkeypatch):
    import builtins

    from generator.errors import ConfigError
    from generator.pdf import typeset

    real_import = builtins.__import__

    def no_pango(name, *args, **kwargs):
        if name == "weasyprint":
            raise OSError("cannot load library 'libpango-1.0-0': libpango-1.0-0: cannot open")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_pango)
    with pytest.raises(ConfigError, match="libpango-1.0-0 libpangoft2-1.0-0"):
        typeset.weasyprint_html()


# --- a failed build leaves dist/ byte-identical ------------------------------------------------


def _tree_digest(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.mark.pdf
@pytest.mark.parametrize("stage", ["site", "pdf"])
def test_build_failing_after_staging_leaves_dist_byte_identical(mini_root, monkeypatch, stage):
    from generator import build as build_module
    from generator.pdf import handbooks

    out = mini_root / "dist"
    build_module.build(mini_root, out)
    before = _tree_digest(out)
    assert any(name.startswith("site/") for name in before)
    assert any(name.startswith("pdf/") for name in before)
    edit(mini_root / "cases/r8-pharmacy-card.md", "## 基本案情", "## 基本案情\n\n新的一段。")

    if stage == "site":
        real = build_module.build_site

        def site_then_fail(corpus, site_dir, *args, **kwargs):
            real(corpus, site_dir, *args, **kwargs)  # the new site is fully staged
            assert any(site_dir.rglob("*.html"))
            raise BuildError("simulated failure after the site was staged")

        monkeypatch.setattr(build_module, "build_site", site_then_fail)
    else:
        real = handbooks.render_all

        def pdfs_then_fail(corpus, out_dir, **kwargs):
            real(corpus, out_dir, **kwargs)  # the new PDFs are written into the staging folder
            raise OSError(28, "No space left on device", str(out_dir / "cases.pdf"))

        monkeypatch.setattr(handbooks, "render_all", pdfs_then_fail)
    with pytest.raises((BuildError, OSError)):
        build_module.build(mini_root, out)
    assert _tree_digest(out) == before
    assert not [p for p in mini_root.iterdir() if p.name.startswith(".dist-")]


@pytest.mark.pdf
def test_weasyprint_emits_no_warnings_on_handbooks_and_papers(mini_root, tmp_path, caplog):
    from generator.exam.paper import make_papers
    from generator.pdf.handbooks import render_all
    from generator.sources.exams import load_exam

    corpus = load_corpus(mini_root)
    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        render_all(corpus, tmp_path / "pdf", workers=1)
        make_papers(corpus, *load_exam(mini_root / EXAM, corpus), tmp_path / "papers")
    warnings = [r.getMessage() for r in caplog.records if r.name.startswith("weasyprint")]
    assert warnings == []


def test_validation_error_lists_are_sorted_and_unique():
    from generator.errors import Problem

    error = ValidationError([Problem("b", 2, "x"), Problem("a", 1, "y"), Problem("a", 1, "y")])
    assert [str(p) for p in error.problems] == ["a:1: y", "b:2: x"]


# --- the build writes only where it is told --------------------------------------------------


def _snapshot(root: Path) -> dict[str, tuple[int, int]]:
    return {
        p.relative_to(root).as_posix(): (p.stat().st_size, p.stat().st_mtime_ns)
        for p in root.rglob("*")
    }


def test_site_build_writes_nothing_into_the_content_root_and_locates_warnings(mini_root, tmp_path):
    from generator import build as build_module

    edit(
        mini_root / "content/rules/r8.md", "## 释义", "## 释义\n\n参见[不存在的页面](nowhere.md)。"
    )
    before = _snapshot(mini_root)
    report = build_module.build(mini_root, tmp_path / "out", only="site")
    assert _snapshot(mini_root) == before  # no build/docs, no caches, nothing
    located = [w for w in report.site.warnings if "nowhere.md" in w]
    assert located, report.site.warnings
    assert all(w.startswith("content/rules/r8.md：") for w in located), located
    assert "（生成的页面 rules/r8.md）" in located[0]


def test_corpus_indexes_are_read_only_and_lookups_add_nothing(mini_root):
    corpus = load_corpus(mini_root)
    index = corpus.cases_by_department
    keys = list(index)
    assert index["没有这个科室"] == [] and "没有这个科室" not in index
    assert index.get("没有这个科室") is None and list(index) == keys
    with pytest.raises(TypeError):
        index["新科室"] = []  # type: ignore[index]


def test_handbooks_read_markdown_in_the_sites_dialect(mini_root):
    """mkdocs.yml's extensions are the handbooks' too: an editor's ``!!!`` and ``???`` blocks and
    task lists print as boxes and ticks, not as raw text (the site's permalinks stay out)."""
    from generator.pdf.books import plan
    from generator.pdf.handbooks import book_html

    case = sorted((mini_root / "cases").glob("*.md"))[0]
    extra = (
        '\n\n!!! note "编辑提示"\n\n    提示框里的一行。\n\n'
        '??? warning "容易混淆的情形"\n\n    折叠块里的一行。\n\n- [x] 已核对来源\n'
    )
    case.write_text(case.read_text(encoding="utf-8") + extra, "utf-8")
    corpus = load_corpus(mini_root)
    assert "pymdownx.details" in corpus.markdown.extensions
    (book,) = [b for b in plan(corpus) if b.kind == "cases"]
    html = book_html(corpus, book)
    assert '<div class="admonition note">' in html and '<details class="warning">' in html
    assert "<summary>容易混淆的情形</summary>" in html and 'class="task-list-item"' in html
    body = html[html.rindex("</style>") :]
    assert "!!!" not in body and "???" not in body and "headerlink" not in body


def test_library_writers_of_private_outputs_refuse_dist(mini_root):
    """Papers and keys never go under a content root's dist/, whoever calls the library."""
    from generator.errors import ConfigError
    from generator.exam.paper import make_papers
    from generator.outputs import private_outputs
    from generator.sources.exams import load_exam

    corpus = load_corpus(mini_root)
    with pytest.raises(ConfigError, match="不能放在 dist/ 下"):
        make_papers(corpus, *load_exam(mini_root / EXAM, corpus), mini_root / "dist" / "papers")
    assert not (mini_root / "dist").exists()
    assert private_outputs(mini_root / "private") == (mini_root / "private").resolve()


def test_the_model_imports_no_sources_and_no_renderer():
    """Dependencies point one way: sources → model → renderers."""
    import ast

    model = Path(__file__).resolve().parent.parent / "generator" / "model"
    found = []
    for path in sorted(model.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.level >= 2:
                found.append(f"{path.name}: from {'.' * node.level}{node.module}")
            elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("generator"):
                found.append(f"{path.name}: from {node.module}")
    assert found == []
