"""``qinglian quiz paper | grade | scan | export | review | trend``: registered by ``generator/cli.py`` (``_extend``).

Only this module talks to the terminal; the library raises ConfigError/ValidationError, which the
main CLI turns into Chinese messages and exit codes. ``grade`` returns 2 when rows were rejected.
"""

from __future__ import annotations

import argparse
import contextlib
from pathlib import Path

from rich.markup import escape

from ..errors import ConfigError, QinglianError
from ..outputs import private_outputs
from ..terminal import shown_path

REJECTED_EXIT = 2
SHOW_REJECTED = 20


def register(sub, root_opt: argparse.ArgumentParser) -> None:
    quiz = sub.add_parser("quiz", help="考试：生成试卷与答案、评分并出报告、导出题库到 LMS")
    commands = quiz.add_subparsers(dest="quiz_command", metavar="子命令", required=True)

    p = commands.add_parser(
        "paper",
        parents=[root_opt],
        help="按考试配置抽题，生成各版本试卷、答案、key.json 和答题卡模板",
        description="按考试配置（site_config/exams/*.yml）抽题并生成 paper-<版本>.pdf、key.pdf、"
        "key.json、answer-sheet.xlsx、answer-sheet.csv，以及机读答题卡 answer-sheets.pdf 和"
        "它的版式 sheet-layout.json（扫描后用 quiz scan 读卡）。考试文件在某个内容根目录的 "
        "site_config/exams/ 下时，题库取自该内容根目录。",
    )
    p.add_argument("exam", type=Path, metavar="EXAM.yml", help="考试配置文件")
    p.add_argument(
        "--out",
        type=Path,
        help="输出目录（其下生成 <考试编号>/ 文件夹），默认 内容根目录/private；不能放在 dist/ 下",
    )
    p.add_argument(
        "--roster",
        type=Path,
        metavar="ROSTER",
        help="名单（CSV 或 xlsx，列 工号、姓名、科室）：为每人印一张写好姓名、工号、科室和版本的"
        "机读答题卡（answer-sheets.pdf），版本按名单顺序轮换",
    )
    p.add_argument(
        "--sheets",
        type=int,
        metavar="N",
        help="另印 N 张空白机读答题卡（考生自己涂工号和版本）；不给名单时默认印 1 张，供复印",
    )
    p.set_defaults(func=cmd_paper)

    p = commands.add_parser(
        "grade",
        parents=[root_opt],
        help="按 key.json 给答题表评分，生成成绩表、题目分析和成绩分析报告",
        description="读取答题表（CSV 或 xlsx），写出 scores.csv、scores.xlsx、items.csv、report.html；"
        "有无法评分的行时另写 rejected.csv，退出码为 2。",
    )
    p.add_argument("key", type=Path, metavar="KEY.json", help="quiz paper 生成的 key.json")
    p.add_argument("answers", type=Path, metavar="ANSWERS", help="答题表：.csv 或 .xlsx")
    p.add_argument(
        "--out",
        type=Path,
        help="成绩输出目录，默认 内容根目录/private/<考试编号>-grades；不能放在 dist/ 下",
    )
    p.add_argument(
        "--absent",
        type=Path,
        metavar="absent.csv",
        help="缺考名单（列 工号、姓名、科室，exam export 生成或自备）：报告增加 应考/实考/缺考 与各科室参考率；"
        "名单上的人若有答卷则按实考计并提醒；不指定时使用答题表旁的 absent.csv（如有）",
    )
    p.set_defaults(func=cmd_grade)

    p = commands.add_parser(
        "scan",
        parents=[root_opt],
        help="读取扫描的机读答题卡（PDF 或图片），写出可直接评分的 answers.csv 和复核页面",
        description="读取复印机或手机扫描的答题卡（PDF、JPEG、PNG、TIFF，页序、正反、轻微倾斜均可），"
        "写出 answers.csv（quiz grade 可直接读取）、review.csv、review.html（离线打开，逐条复核拿不准"
        "的涂卡）和 scan-report.csv（每页一行）。拿不准的一律不猜：在 answers.csv 中写作 ?，复核后用 "
        "--decisions 应用决定。全部读定时退出码为 0，有待复核时为 2。",
    )
    p.add_argument("key", type=Path, metavar="KEY.json", help="quiz paper 生成的 key.json")
    p.add_argument(
        "scans", type=Path, nargs="+", metavar="SCAN", help="扫描文件或存放扫描文件的文件夹"
    )
    p.add_argument(
        "--out",
        type=Path,
        help="输出目录，默认 内容根目录/private/<考试编号>-scan；不能放在 dist/ 下",
    )
    p.add_argument(
        "--decisions",
        type=Path,
        metavar="FILE",
        help="review.html 保存的决定文件（decisions.csv），应用其中的复核决定",
    )
    p.add_argument(
        "--workers", type=int, metavar="N", help="同时读卡的进程数，默认按 CPU 核数（最多 4）"
    )
    p.set_defaults(func=cmd_scan)

    p = commands.add_parser(
        "export",
        parents=[root_opt],
        help="把题库导出为 Moodle XML 或 GIFT，供医院的学习平台（LMS）导入",
        description="默认包含“仅用于考试”（exam_only）的题目：LMS 上的考试正需要它们，导出文件只交给"
        "平台管理员，不会发布到站点。用于开放练习时加 --public-only 排除这些题。",
    )
    p.add_argument("banks", type=Path, nargs="+", metavar="BANK.yml", help="题库文件（可多个）")
    p.add_argument("--format", required=True, choices=["moodle", "gift"], help="导出格式")
    p.add_argument("--out", type=Path, required=True, metavar="FILE", help="输出文件")
    p.add_argument("--public-only", action="store_true", help="不导出仅用于考试的题目")
    p.set_defaults(func=cmd_export)

    register_loop(commands, root_opt)


def register_loop(commands, root_opt: argparse.ArgumentParser) -> None:
    """``quiz review`` and ``quiz trend``: the learning loop on graded sittings."""
    p = commands.add_parser(
        "review",
        parents=[root_opt],
        help="按成绩为每个科室生成学习计划 PDF（薄弱条款、专项练习、推荐阅读、清廉查房单）",
        description="读取 qinglian quiz grade 的输出目录（scores.csv、items.csv）和这次考试的 key.json"
        "（--key 指定；不指定时依次找成绩目录里的 key.json、与 <考试编号>-grades 同级的 "
        "<考试编号>/key.json），为每个科室写出一份学习计划 PDF，另写一份全院汇编。",
    )
    p.add_argument("results", type=Path, metavar="RESULTS_DIR", help="quiz grade 的输出目录")
    p.add_argument("--key", type=Path, metavar="KEY.json", help="这次考试的 key.json")
    p.add_argument(
        "--out",
        type=Path,
        help="输出目录，默认 内容根目录/private/<考试编号>-review；不能放在 dist/ 下",
    )
    p.add_argument(
        "--min-takers",
        type=int,
        default=5,
        metavar="N",
        help="参考人数少于 N 的科室只列结果、不逐条解读（默认 5）",
    )
    p.set_defaults(func=cmd_review)

    p = commands.add_parser(
        "trend",
        parents=[root_opt],
        help="把几次考试的成绩并排比较：各科室、各条款的合格率和得分率，变易或变难的题目",
        description="读取几次 qinglian quiz grade 的输出目录（按时间先后给出），写出 trend.html"
        "（含图表，单个文件，可直接打开或打印）和 trend.csv。",
    )
    p.add_argument(
        "results", type=Path, nargs="+", metavar="RESULTS_DIR", help="成绩目录（两个或更多）"
    )
    p.add_argument(
        "--out", type=Path, help="输出目录，默认 内容根目录/private/trend；不能放在 dist/ 下"
    )
    p.add_argument(
        "--threshold",
        type=float,
        default=0.15,
        metavar="X",
        help="难度（得分率）变化超过 X 的题目列为变易或变难，默认 0.15",
    )
    p.set_defaults(func=cmd_trend)


def _not_in_dist(out: Path) -> None:
    """Checked before any work starts (the library checks again where it writes)."""
    private_outputs(out)


def cmd_paper(args) -> int:
    from ..exam.paper import exam_root, make_papers
    from ..model.numbers import number
    from ..model.terms import TYPE_NAMES, rule_label
    from ..sources.exams import load_exam
    from ..sources.loader import load_corpus
    from ..terminal import console

    root = exam_root(args.exam, args.root)
    out = args.out if args.out is not None else root / "private"
    _not_in_dist(out)
    if args.sheets is not None and not 0 <= args.sheets <= 10_000:
        raise ConfigError("--sheets 应为 0 到 10000 之间的整数")
    roster = None
    if args.roster is not None:
        from ..service.roster import read_roster

        roster = [(e.staff_id, e.name, e.department) for e in read_roster(args.roster)]
    corpus = load_corpus(root)
    exam, line = load_exam(args.exam, corpus)
    report = make_papers(corpus, exam, line, out, roster=roster, blank_sheets=args.sheets)
    drawn = report.drawn
    exam = drawn.exam
    counts = "、".join(f"{TYPE_NAMES[s.type]} {s.count}" for s in exam.sections)
    console.print(
        f"已抽题：{counts}，共 {drawn.question_count} 题，满分 {number(drawn.total)} 分；"
        f"版本 {'、'.join(exam.versions)}（随机种子 {exam.seed}）。"
    )
    if exam.min_per_rule:
        per_rule: dict[int, int] = {}
        for qs in drawn.sections:
            for q in qs:
                for n in set(q.rules):
                    per_rule[n] = per_rule.get(n, 0) + 1
        shown = "、".join(f"{rule_label(n)} {c}" for n, c in sorted(per_rule.items()))
        console.print(f"每条准则至少 {exam.min_per_rule} 题：{shown}。")
    console.print(f"输出 → {escape(shown_path(report.folder))}/")
    for name, pages in report.files:
        console.print(f"  {name}" + (f"  {pages} 页" if pages else ""))
    console.print(
        f"用时 {report.seconds:.1f} 秒。答案与答题卡属考试资料，请妥善保管，勿放入 dist/ 或网站。"
    )
    return 0


def cmd_grade(args) -> int:
    from ..exam.key import load_key
    from ..grading.attendance import read_absent
    from ..grading.checker import catalogue_of, check_sheet
    from ..grading.report import Catalogue
    from ..model.numbers import number, one_decimal
    from ..terminal import console, err, progress_factory

    key = load_key(args.key)
    out = args.out if args.out is not None else args.root / "private" / f"{key.exam}-grades"
    _not_in_dist(out)
    absent_path = args.absent
    if absent_path is None and (Path(args.answers).parent / "absent.csv").is_file():
        absent_path = Path(args.answers).parent / "absent.csv"
    absent = read_absent(absent_path) if absent_path is not None else None
    catalogue = Catalogue()  # rule titles and stems, when the content root loads cleanly
    if (args.root / "quizzes").is_dir():
        from ..sources.loader import load_corpus

        with contextlib.suppress(QinglianError):
            catalogue = catalogue_of(load_corpus(args.root))
    report = check_sheet(
        key, args.answers, out, catalogue, progress=progress_factory(), absent=absent
    )
    _keep_key(args.key, report.folder)
    grading, overall = report.grading, report.stats.overall
    if overall:
        console.print(
            f"已评分 {overall.count} 人：合格 {overall.passed} 人（{overall.pass_rate:.1%}），"
            f"平均 {one_decimal(overall.mean)} 分，中位数 {number(overall.median)} 分（满分 {number(key.total)}）。"
        )
    else:
        console.print("没有可以评分的行。")
    if report.attendance is not None:
        t = report.attendance.total
        console.print(
            f"应考 {t.expected} 人，实考 {t.present} 人，缺考 {t.absent} 人（参考率 {t.rate:.1%}；"
            f"缺考名单 {escape(shown_path(absent_path))}）。"
        )
        _say_listed_but_graded(absent_path, report.attendance.listed_but_graded)
    console.print(
        f"输出 → {escape(shown_path(report.folder))}/：{'、'.join([*report.files, 'key.json'])}"
    )
    for note in report.notes:  # e.g. too many people for one Excel sheet: CSV only
        err.print(f"[bold yellow]注意[/]：{escape(note)}")
    if not grading.rejected:
        return 0
    err.print(f"[bold yellow]{len(grading.rejected)} 行未评分[/]（见 rejected.csv）：")
    for r in grading.rejected[:SHOW_REJECTED]:
        who = " ".join(x for x in (r.staff_id, r.name) if x)
        err.print(f"  第 {r.row} 行 {escape(who)}：{escape(r.reason)}")
    if len(grading.rejected) > SHOW_REJECTED:
        err.print(f"  ……另有 {len(grading.rejected) - SHOW_REJECTED} 行")
    return REJECTED_EXIT


def _say_listed_but_graded(path: Path, people) -> None:
    """A 提醒 (path:line, like ``check``'s) for each person on the absent list who has answers:
    counted as present, as ``grading.attendance`` documents."""
    from ..errors import Problem
    from ..terminal import err, print_reminder

    for a in people[:SHOW_REJECTED]:
        who = f"工号 {a.staff_id}" + (f"（{a.name}）" if a.name else " ")
        message = (
            f"{who}列在缺考名单中，但答题表中有其答卷并已评分，"
            "按实考计（成绩目录的 absent.csv 不再列出此人）"
        )
        print_reminder(Problem(str(path), a.line, message))
    if len(people) > SHOW_REJECTED:
        err.print(f"  ……另有 {len(people) - SHOW_REJECTED} 人同样按实考计", markup=False)


def _keep_key(key: Path, folder: Path) -> None:
    """A copy of the key beside the grades, so that ``quiz review`` and ``quiz trend`` find it
    wherever the results folder is (an online sitting's key sits in the export folder)."""
    from ..outputs import replacing

    target = folder / "key.json"
    if target.exists() and target.resolve() == Path(key).resolve():
        return
    with replacing(target) as tmp:
        tmp.write_bytes(Path(key).read_bytes())


def cmd_scan(args) -> int:
    import datetime as dt

    from ..exam.key import load_key
    from ..grading.scan import (
        answers_csv,
        page_refs,
        parse_decisions,
        report_csv,
        review_csv,
        review_html,
        scan,
    )
    from ..grading.scan.reader import default_workers
    from ..grading.sheet import read_bytes
    from ..outputs import staged_private_files
    from ..terminal import console, err, progress_factory

    key = load_key(args.key)
    out = args.out if args.out is not None else args.root / "private" / f"{key.exam}-scan"
    _not_in_dist(out)
    if args.workers is not None and not 1 <= args.workers <= 64:
        raise ConfigError("--workers 应为 1 到 64 之间的整数")
    decisions = {}
    if args.decisions is not None:
        raw = read_bytes(args.decisions, "决定文件")
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ConfigError(f"{args.decisions}：决定文件应为 UTF-8 编码的 CSV") from None
        decisions = parse_decisions(text, str(args.decisions), key)
    refs, bad = page_refs(args.scans)
    if not refs and not bad:
        raise ConfigError("没有找到扫描文件（PDF、JPEG、PNG 或 TIFF）")
    result = scan(
        key,
        refs,
        decisions,
        workers=args.workers or default_workers(),
        progress=progress_factory(),
        unreadable=bad,
    )
    stamp = dt.datetime.now().strftime("%Y%m%d%H%M%S")
    outputs = ("answers.csv", "review.csv", "review.html", "scan-report.csv")
    with staged_private_files(out, outputs) as tmp:
        (tmp / "answers.csv").write_text(answers_csv(result), encoding="utf-8-sig", newline="")
        (tmp / "review.csv").write_text(review_csv(result), encoding="utf-8-sig", newline="")
        (tmp / "scan-report.csv").write_text(report_csv(result), encoding="utf-8-sig", newline="")
        (tmp / "review.html").write_text(review_html(result, decisions, stamp), encoding="utf-8")
    pages = result.pages
    counts: dict[str, int] = {}
    for p in pages:
        state = "已忽略" if p.ignored else p.status
        counts[state] = counts.get(state, 0) + 1
    shown = "，".join(f"{k} {v}" for k, v in counts.items())
    console.print(
        f"已读 {len(pages)} 页：{shown}；答题卡 {len(result.sheets)} 张写入 answers.csv。"
    )
    if decisions:
        console.print(f"已应用决定文件中的 {sum(p.decided for p in pages)} 条决定。")
    console.print(
        f"输出 → {escape(shown_path(out))}/：answers.csv、review.csv、review.html、scan-report.csv"
    )
    problems = [
        p for p in pages if p.status in ("无法读取", "未识别", "其他考试") and not p.ignored
    ]
    for p in problems[:SHOW_REJECTED]:
        err.print(f"  {escape(p.file)} 第 {p.page} 页：{escape(p.status)}，{escape(p.reason)}")
    waiting = len(result.items)
    if not waiting:
        return 0
    err.print(
        f"[bold yellow]{waiting} 处待复核[/]：用浏览器打开 review.html 逐条决定，保存 decisions.csv 后运行\n"
        f"  qinglian quiz scan {escape(str(args.key))} … --decisions decisions.csv"
    )
    return REJECTED_EXIT


def cmd_export(args) -> int:
    from ..export.lms import export
    from ..sources.loader import load_bank_files
    from ..terminal import console

    banks = load_bank_files(args.banks)
    exam_only = sum(1 for b in banks for q in b.questions if q.exam_only)
    count = export(banks, args.format, args.out, public_only=args.public_only)
    name = {"moodle": "Moodle XML", "gift": "GIFT"}[args.format]
    console.print(
        f"已导出 {count} 题（{len(banks)} 个题库）为 {name} → {escape(shown_path(args.out))}"
    )
    if exam_only and not args.public_only:
        console.print(f"其中含仅用于考试的题目 {exam_only} 道；如需排除，加 --public-only。")
    elif exam_only:
        console.print(f"已排除仅用于考试的题目 {exam_only} 道。")
    return 0


def cmd_review(args) -> int:
    from ..model.terms import rule_label
    from ..review.plan_pdf import write_plans
    from ..review.plans import review
    from ..review.results import load_sitting
    from ..sources.loader import load_corpus
    from ..terminal import console, err, progress_factory

    if args.min_takers < 1:
        raise ConfigError("--min-takers 应为正整数")
    sitting = load_sitting(args.results, args.key)
    corpus = load_corpus(args.root)
    result = review(sitting, corpus, min_takers=args.min_takers)
    out = args.out if args.out is not None else args.root / "private" / f"{sitting.exam}-review"
    _not_in_dist(out)
    report = write_plans(corpus, result, out, progress=progress_factory())
    console.print(
        f"{escape(sitting.title)}：应考 {result.expected} 人，实考 {result.takers} 人，"
        f"缺考 {result.absent} 人（参考率 {result.participation:.1%}），{len(result.plans)} 个科室"
        + ("。" if sitting.roster_known else "（没有 absent.csv，应考按实考计）。")
    )
    for plan in result.plans:
        weak = "、".join(rule_label(g.rule) for g in plan.rules)
        line = f"  {escape(plan.name)}：实考 {plan.takers}/{plan.expected} 人"
        if plan.nobody:
            line += "，无人参考（学习计划写明此事，学习内容取全院薄弱条款）"
        elif plan.flagged:
            line += f"（少于 {args.min_takers} 人，只列结果，学习内容取全院薄弱条款）"
        elif plan.all_right:
            line += "，各题全部答对"
        else:
            line += f"，最薄弱：{weak}"
        console.print(line + f"，专项练习 {len(plan.practice)} 题")
    empty = [p.name for p in result.plans if not p.practice]
    if empty:
        err.print(
            f"[yellow]提示[/]：{escape('、'.join(empty))} 的学习条款没有公开练习题，"
            "练习页会是空的；可在题库中为这些条款补充练习题。"
        )
    console.print(f"输出 → {escape(shown_path(report.folder))}/")
    for f in report.files:
        console.print(f"  {escape(f.filename)}  {f.pages} 页  {f.size}")
    console.print(f"用时 {report.seconds:.1f} 秒。学习计划含成绩统计，请勿放入 dist/ 或网站。")
    return 0


def cmd_trend(args) -> int:
    from ..review.results import load_sitting
    from ..review.trend import compare, write_trend
    from ..sources.loader import load_corpus
    from ..terminal import console

    if len(args.results) < 2:
        raise ConfigError("至少需要两次考试的成绩目录才能比较（按时间先后给出）")
    if not 0 < args.threshold < 1:
        raise ConfigError("--threshold 应在 0 和 1 之间（例如 0.15 表示 15 个百分点）")
    sittings = [load_sitting(folder) for folder in args.results]
    trend = compare(sittings, threshold=args.threshold, corpus=load_corpus(args.root))
    out = args.out if args.out is not None else args.root / "private" / "trend"
    _not_in_dist(out)
    files = write_trend(trend, out)
    labels = " → ".join(escape(s.label) for s in trend.sittings)
    console.print(f"已比较 {len(trend.sittings)} 次考试：{labels}")
    console.print(
        f"共同科室 {len(trend.common_departments)} 个，共同条款 {len(trend.common_rules)} 条，"
        f"共同题目 {len(trend.common_items)} 道；变易 {len(trend.easier)} 道，变难 {len(trend.harder)} 道。"
    )
    console.print(f"输出 → {escape(shown_path(out))}/：{'、'.join(files)}")
    return 0
