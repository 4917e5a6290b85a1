"""``qinglian import bank | case`` and ``qinglian export bank``: registered by ``cli.py``.

The converters in ``importing/`` are pure; this module reads the files people give, reports
every problem at once (nothing is written then), and writes results atomically.
"""

from __future__ import annotations

import argparse
from collections import Counter
from pathlib import Path

from rich.markup import escape

from ..errors import BuildError, ConfigError, Problem, ValidationError
from ..model.terms import SHORT_TYPE_NAMES
from ..sources.files import read_markdown, read_yaml
from ..terminal import shown_path

SHEETS = (".xlsx", ".xlsm", ".csv")
PAPERS = (".docx", ".txt", ".md")
OLD_FORMATS = {
    ".xls": "请用 Excel 或 WPS 另存为 .xlsx",
    ".et": "请用 WPS 另存为 .xlsx",
    ".doc": "请用 Word 或 WPS 另存为 .docx",
    ".wps": "请用 WPS 另存为 .docx",
}


def register(sub, root_opt: argparse.ArgumentParser) -> None:
    imp = sub.add_parser("import", help="导入已有材料：Excel/Word 题库、Word 案例")
    commands = imp.add_subparsers(dest="import_command", metavar="子命令", required=True)

    p = commands.add_parser(
        "bank",
        parents=[root_opt],
        help="把 Excel/CSV 题库或 Word/文本试卷导入为题库 quizzes/<编号>.yml",
        description="表格（.xlsx、.csv，UTF-8 或 GBK）：一行表头（列名如 题型、题干、选项A…、答案、"
        "解析、难度、条款），表头上方的标题行会跳过。试卷（.docx、.txt）：一、单选题 等分节，题号开头，"
        "选项 A. 开头，“答案：”“解析：”行或题干括号里的答案。有任何问题时逐条列出、不写文件。",
    )
    p.add_argument("files", type=Path, nargs="+", metavar="FILE", help=".xlsx .csv .docx .txt")
    p.add_argument("--bank", required=True, help="题库编号（小写字母、数字、连字符）")
    p.add_argument("--title", help="题库名称；默认取表格的标题行，或第一个文件的文件名")
    p.add_argument("--out", type=Path, help="输出文件，默认 内容根目录/quizzes/<编号>.yml")
    p.add_argument("--dry-run", action="store_true", help="只检查并显示将写出的内容，不写文件")
    p.add_argument("--force", action="store_true", help="输出文件已存在时覆盖")
    p.set_defaults(func=cmd_import_bank)

    p = commands.add_parser(
        "case",
        parents=[root_opt],
        help="把 Word 案例（.docx，可给文件夹）导入为 cases/<编号>.md",
        description="标题下写 日期：、科室：、条款：、类别：、来源：（每项一行或写在一行），正文用"
        "基本案情、处理结果、违反条款、案例剖析、警示启示 等小标题。任何一个文件有问题时逐条列出、"
        "不写文件。",
    )
    p.add_argument("files", type=Path, nargs="+", metavar="FILE", help=".docx 文件或文件夹")
    p.add_argument("--out", type=Path, help="输出文件夹，默认 内容根目录/cases")
    p.add_argument("--dry-run", action="store_true", help="只检查并显示结果，不写文件")
    p.add_argument("--force", action="store_true", help="同编号的案例已存在时覆盖")
    p.set_defaults(func=cmd_import_case)

    exp = sub.add_parser("export", help="导出题库为 Excel/CSV（审阅、修改后可再导入）")
    commands = exp.add_subparsers(dest="export_command", metavar="子命令", required=True)
    p = commands.add_parser(
        "bank",
        parents=[root_opt],
        help="把题库导出为 .xlsx 或 .csv，版式与导入相同（含题目ID），改好后可用 import bank 再导入",
    )
    p.add_argument("bank_file", type=Path, metavar="BANK.yml", help="题库文件")
    p.add_argument("--format", choices=["xlsx", "csv"], default="xlsx", help="默认 xlsx")
    p.add_argument("--out", type=Path, required=True, help="输出文件")
    p.set_defaults(func=cmd_export_bank)


# --- import bank ----------------------------------------------------------------------------


def _file_questions(path: Path, shown: str):
    """(raw questions, problems, title row) of one bank file."""
    from ..importing.bank_sheet import find_layout, read_sheets, sheet_questions, title_row
    from ..importing.bank_text import decode_text, paper_title, text_questions
    from ..importing.docx_read import DocxError, paragraph_lines, read_docx
    from ..importing.questions import ImportProblem

    suffix = path.suffix.lower()
    if suffix in OLD_FORMATS:
        raise ConfigError(f"{shown}：不支持旧格式 {suffix}，{OLD_FORMATS[suffix]}")
    if suffix not in SHEETS + PAPERS:
        raise ConfigError(f"{shown}：不认识的文件类型（可用 .xlsx .csv .docx .txt）")
    from ..grading.sheet import read_bytes

    raw = read_bytes(path, "文件")
    if suffix in SHEETS:
        try:
            sheets = read_sheets(shown, raw)
        except ValueError as exc:
            raise ConfigError(f"{shown}：不是有效的 xlsx 文件（{exc}）") from None
        # Every sheet with a header row (one sheet per type is common); none: the first, whose
        # missing header is then the problem reported.
        used = [(name, rows) for name, rows in sheets if find_layout(rows)] or sheets[:1]
        questions: list = []
        problems: list = []
        for name, rows in used:
            where = f"{shown}（工作表“{name}”）" if len(used) > 1 else shown
            found, more = sheet_questions(rows, where, first=len(questions) + 1)
            questions += found
            problems += more
        return questions, problems, title_row(used[0][1])
    if suffix == ".docx":
        try:
            lines = paragraph_lines(read_docx(raw))
        except DocxError as exc:
            return [], [ImportProblem.whole_file(shown, str(exc))], ""
        questions, problems = text_questions(lines, shown, unit="段")
    else:
        lines = decode_text(raw).splitlines()
        questions, problems = text_questions(lines, shown)
    return questions, problems, paper_title(lines)


def rule_texts(root: Path) -> dict[int, str]:
    texts = {}
    for path in sorted((root / "content/rules").glob("*.md")):
        source, _ = read_markdown(path, str(path))
        data = source.meta.data if source else None
        if source and isinstance(data, dict) and isinstance(data.get("rule"), int):
            keywords = " ".join(map(str, data.get("keywords") or []))
            parts = [str(data.get(k, "")) for k in ("title", "official", "summary")]
            texts[data["rule"]] = " ".join([*parts, keywords, keywords, source.body])
    return texts


def _other_banks(root: Path, out: Path) -> dict[str, str]:
    """bank id → file, of the content root's other bank files."""
    found = {}
    for path in sorted((root / "quizzes").glob("*.yml")):
        if path.resolve() == out.resolve():
            continue
        located, _ = read_yaml(path, str(path))
        data = located.data if located else None
        if isinstance(data, dict) and data.get("bank"):
            found[str(data["bank"])] = path.relative_to(root).as_posix()
    return found


def cmd_import_bank(args) -> int:
    from ..importing.bank_io import bank_yaml
    from ..importing.questions import ID_PATTERN, build_bank, stable_id
    from ..importing.suggest import RuleSuggester
    from ..outputs import replacing
    from ..sources.loader import load_bank_files
    from ..terminal import console

    if not ID_PATTERN.match(args.bank):
        raise ConfigError(f"题库编号“{args.bank}”只能用小写字母、数字和连字符，如 hospital-2025")
    out = args.out or args.root / "quizzes" / f"{args.bank}.yml"
    if out.suffix not in (".yml", ".yaml"):
        raise ConfigError(f"{out}：题库文件应以 .yml 结尾")
    if out.exists() and not (args.force or args.dry_run):
        raise ConfigError(f"{out} 已存在：加 --force 覆盖，或用 --out 换一个文件名")
    other = _other_banks(args.root, out)
    if args.bank in other:
        raise ConfigError(f"题库编号“{args.bank}”已被 {other[args.bank]} 使用，请换一个 --bank")

    texts = rule_texts(args.root)
    suggester = RuleSuggester(texts) if texts else None
    needed = []

    def suggest(text: str) -> list[int]:
        if suggester is None:
            needed.append(text)
            return [1]
        return suggester(text)

    problems, questions, titles = [], [], []
    given: set[str] = set()
    for path in args.files:
        shown = str(path)
        raws, found, title = _file_questions(path, shown)
        titles.append(title)
        built, built_problems = build_bank(raws, shown, suggest, given)
        problems += found + built_problems
        questions += built
    if problems:
        raise ValidationError(problems)
    if needed:
        raise ConfigError(
            f"{len(needed)} 道题没有条款：内容根目录 {args.root} 下没有 content/rules/，无法建议条款；"
            "请在表格中加“条款”列，或用 --root 指向内容根目录"
        )
    taken = {q["id"] for q in questions if q["id"]}
    for q in questions:
        if not q["id"]:
            q["id"] = stable_id(args.bank, q["stem"], taken)
    title = args.title or next((t for t in titles if t), "") or args.files[0].stem
    text = bank_yaml(args.bank, title, questions)

    kinds = Counter(q["type"] for q in questions)
    parts = "、".join(f"{name} {kinds[k]}" for k, name in SHORT_TYPE_NAMES.items() if kinds[k])
    suggested = sum(1 for q in questions if q.get("rules_suggested"))
    if args.dry_run:
        console.print(text, markup=False, highlight=False)
        console.print(
            f"试运行：共 {len(questions)} 题（{parts}），将写入 {escape(shown_path(out))}；未写任何文件。"
        )
    else:
        with replacing(out) as tmp:
            tmp.write_text(text, encoding="utf-8")
            try:
                load_bank_files([tmp])
            except ValidationError as exc:  # our output must always pass check: a defect
                raise BuildError(f"生成的题库未通过检查：{exc.problems[0]}") from None
        console.print(f"已导入 {len(questions)} 题（{parts}）→ {escape(shown_path(out))}")
    if suggested:
        console.print(
            f"[yellow]其中 {suggested} 题没有条款列，条款是按准则原文自动建议的[/]"
            "（rules_suggested: true）：请逐题核对，确认后删去该行；qinglian check 会提醒。"
        )
    return 0


# --- export bank ----------------------------------------------------------------------------


def bank_dicts(bank) -> list[dict]:
    """A validated bank's questions as the plain data the bank file holds."""
    out = []
    for q in bank.questions:
        data = q.model_dump(exclude_defaults=True)
        data.setdefault("type", q.type)
        out.append(data)
    return out


def cmd_export_bank(args) -> int:
    from ..grading.xlsx import write_sheet
    from ..importing.bank_io import column_widths, csv_bytes, export_rows, xlsx_rows
    from ..outputs import replacing
    from ..sources.loader import load_bank_files
    from ..terminal import console

    (bank,) = load_bank_files([args.bank_file])
    questions = bank_dicts(bank)
    header, rows = export_rows(questions)
    suffix = f".{args.format}"
    if args.out.suffix.lower() != suffix:
        raise ConfigError(f"{args.out}：--format {args.format} 的输出文件应以 {suffix} 结尾")
    with replacing(args.out) as tmp:
        if args.format == "csv":
            title = [bank.title] + [""] * (len(header) - 1)
            data = csv_bytes(title, [header, *rows])
            tmp.write_bytes(data)
        else:
            widths = column_widths(header)
            write_sheet(tmp, "题库", [bank.title], widths, (0, 2), xlsx_rows(header, rows))
    console.print(
        f"已导出 {len(questions)} 题 → {escape(shown_path(args.out))}（可在 Excel 中修改后用 import bank 再导入）"
    )
    return 0


# --- import case ----------------------------------------------------------------------------


def _case_files(paths: list[Path]) -> list[Path]:
    files = []
    for path in paths:
        if path.is_dir():
            found = sorted(
                p
                for p in path.iterdir()
                if p.suffix.lower() in (".docx", ".doc", ".wps") and not p.name.startswith("~$")
            )
            if not found:
                raise ConfigError(f"{path}：文件夹中没有 .docx 文件")
            files += found
        elif not path.exists():
            raise ConfigError(f"{path}：找不到文件")
        else:
            files.append(path)
    return files


def _not_docx(suffix: str) -> str:
    """Why a file given to ``import case`` is not read, and what to do instead."""
    kind = f" {suffix} 文件" if suffix else "这个文件"
    return (
        f"不是 Word 文档：import case 只导入 .docx；请把{kind}的内容复制到 Word 或 WPS 中，"
        "另存为 .docx 后再导入"
    )


def _taxonomy(root: Path) -> tuple[set[str], set[str]]:
    path = root / "site_config/taxonomy.yml"
    located, _ = read_yaml(path, str(path))
    data = located.data if located else None
    if not isinstance(data, dict):
        return set(), set()
    deps = {
        str(d["name"])
        for d in data.get("departments") or []
        if isinstance(d, dict) and d.get("name")
    }
    cats = {
        str(c["name"])
        for c in data.get("categories") or []
        if isinstance(c, dict) and c.get("name")
    }
    return deps, cats


def _case_titles(folder: Path) -> dict[str, list[str]]:
    """title → file names of the cases already there (read from their front matter)."""
    titles: dict[str, list[str]] = {}
    for path in sorted(folder.glob("*.md")):
        source, _ = read_markdown(path, str(path))
        data = source.meta.data if source else None
        if isinstance(data, dict) and data.get("title"):
            titles.setdefault(str(data["title"]), []).append(path.name)
    return titles


def cmd_import_case(args) -> int:
    from ..grading.sheet import read_bytes
    from ..importing.case_docx import case_markdown, convert_case
    from ..importing.docx_read import DocxError, read_docx
    from ..importing.questions import ImportProblem
    from ..model.schemas import CaseMeta
    from ..outputs import replacing
    from ..terminal import console, err

    out = args.out or args.root / "cases"
    departments, categories = _taxonomy(args.root)
    titles = _case_titles(out)
    files = _case_files(args.files)
    problems: list[Problem] = []
    cases = []
    ids: dict[str, str] = {}
    for path in files:
        shown = str(path)
        suffix = path.suffix.lower()
        if suffix in OLD_FORMATS:
            problems.append(
                ImportProblem.whole_file(shown, f"不支持旧格式 {suffix}，{OLD_FORMATS[suffix]}")
            )
            continue
        if suffix != ".docx":
            problems.append(ImportProblem.whole_file(shown, _not_docx(suffix)))
            continue
        try:
            docx = read_docx(read_bytes(path, "文件"))
        except DocxError as exc:
            problems.append(ImportProblem.whole_file(shown, str(exc)))
            continue
        case = convert_case(docx, shown, departments, categories)
        problems += case.problems
        if case.problems:
            continue
        CaseMeta.model_validate({"id": case.id, **case.meta})  # a failure here is our defect
        target = out / f"{case.id}.md"
        if case.id in ids:
            problems.append(
                ImportProblem.whole_file(shown, f"与 {ids[case.id]} 是同一案例（标题和日期相同）")
            )
        elif target.exists() and not args.force:
            problems.append(
                ImportProblem.whole_file(
                    shown, f"{shown_path(target)} 已存在（同一标题和日期）：加 --force 覆盖"
                )
            )
        elif others := [n for n in titles.get(case.meta["title"], []) if n != target.name]:
            other = others[0]
            message = (
                f"{shown_path(out / other)} 已有同名案例：是否已经录入过？请改标题或删去其中一个"
            )
            problems.append(ImportProblem.whole_file(shown, message))
        ids[case.id] = shown
        cases.append((path, case, target))
    if problems:
        raise ValidationError(problems)

    for path, case, target in cases:
        text = case_markdown(case)
        if args.dry_run:  # what would be written: the front matter and the section headings
            front, _, body = text.partition("\n---\n")
            headings = [line for line in body.split("\n") if line.startswith("#")]
            console.print("\n".join([front, "---", *headings, ""]), markup=False, highlight=False)
        else:
            for name, data in case.images.items():
                with replacing(out / case.id / name) as tmp:
                    tmp.write_bytes(data)
            with replacing(target) as tmp:
                tmp.write_text(text, encoding="utf-8")
        extra = []
        if case.tables:
            extra.append(f"表格 {case.tables}")
        if case.images:
            extra.append(f"图片 {len(case.images)}")
        sections = sum(1 for level, _ in case.headings if level == 2)
        detail = f"（{'，'.join([f'小节 {sections}', *extra])}）"
        console.print(f"{escape(str(path))} → {escape(shown_path(target))}{detail}")
        for note in case.notes:
            err.print(f"[yellow]请核对[/]：{escape(note)}")
    if args.dry_run:
        console.print(f"试运行：可导入 {len(cases)} 个案例；未写任何文件。")
    else:
        console.print(
            f"已导入 {len(cases)} 个案例。运行 qinglian check 检查，qinglian serve 预览。"
        )
    return 0
