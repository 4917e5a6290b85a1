"""Training slides from the Corpus (``qinglian deck``): one deck per rule, one warning-education
deck from chosen cases.

Per rule (清风讲堂 / 纪委书记说纪): cover; the official text verbatim with its document number;
释义 key points; the red lines; two cases with their lessons (main-rule cases first, most recent
first); discussion questions from the rule's 常见情形 (the 正确做法 in the notes) and 自查要点; QR
codes to the rule page and its practice page. Every slide has speaker notes (the explanation).

Warning education (警示教育会): cover; per case 案情与处理 and 剖析与启示; a closing slide with
discussion questions and a QR code to the cases. Cases: ``cases`` ids in the given order, else the
most recent case of each rule's main cases (up to ``WARNING_DEFAULT``), newest first.

What a slide shows is what a speaker shows: every body holds at most ``BODY_LIMIT`` characters
(first sentences, short points; the red lines over as many slides as they need); the full text
is in the speaker notes. The official text of a rule is the exception: it is always shown whole.
A title quoted inside “…” has its own quotation marks turned into ‘…’ (``quoted``), as the site
and the style guide write 第八条“共建和谐关系，不收受患方‘红包’”.

Slides are public training material built only from published content (rules, cases); no bank
question is used, so an exam-only question can never reach a deck.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from pathlib import Path

from ..errors import ConfigError
from ..model import links
from ..model.corpus import Case, Corpus, Rule
from ..model.text import clip as clip_text
from ..model.text import (
    cut_open_quote,
    date_cn,
    first_paragraph,
    list_items,
    plain_text,
    quoted,
)
from ..outputs import staged_files
from . import slides
from .slides import Brand

WARNING_DEFAULT = 6
WARNING_FILE = "警示教育.pptx"
RULE_PREFIX = "九项准则-"
CASES_PER_RULE = 2
BODY_LIMIT = 120  # characters in a slide's body (labels, lead and meta line included)
MIN_PIECE = 12  # a section with less room than this is left to the notes


@dataclass
class WrittenDeck:
    filename: str
    title: str
    slides: int
    size: int


@dataclass
class DeckReport:
    folder: Path
    decks: list[WrittenDeck]
    seconds: float


def rule_filename(rule: Rule) -> str:
    return f"{RULE_PREFIX}{rule.label}.pptx"


def write_decks(corpus: Corpus, out: Path, cases: list[str] | None = None) -> DeckReport:
    """Every rule's deck and the warning-education deck into ``out`` (only our files change)."""
    started = time.perf_counter()
    chosen = pick_cases(corpus, cases)
    brand = Brand(corpus.hospital.name, slides.logo_png(corpus.logo))
    out = Path(out)
    owned = (
        [p.name for p in out.glob(f"{RULE_PREFIX}*.pptx")] + [WARNING_FILE] if out.is_dir() else []
    )
    written = []
    with staged_files(out, owned) as tmp:
        for rule in corpus.rules.values():
            prs = rule_deck(corpus, rule, brand)
            written.append(_save(prs, tmp / rule_filename(rule), f"{rule.full_title}"))
        if chosen:
            prs = warning_deck(corpus, chosen, brand)
            written.append(_save(prs, tmp / WARNING_FILE, "警示教育专题"))
    return DeckReport(out.resolve(), written, time.perf_counter() - started)


def _save(prs, path: Path, title: str) -> WrittenDeck:
    prs.save(str(path))
    return WrittenDeck(path.name, title, len(prs.slides), path.stat().st_size)


def pick_cases(corpus: Corpus, ids: list[str] | None) -> list[Case]:
    if ids:
        by_id = {c.id: c for c in corpus.cases}
        unknown = [i for i in ids if i not in by_id]
        if unknown:
            raise ConfigError(
                f"--cases：未知的案例编号 {'、'.join(unknown)}（应为 cases/ 下案例的 id）"
            )
        return [by_id[i] for i in dict.fromkeys(ids)]
    latest = [cases[0] for n in corpus.rules if (cases := corpus.cases_by_main_rule.get(n))]
    latest.sort(key=lambda c: (c.date, c.id), reverse=True)
    return latest[:WARNING_DEFAULT]


def clip(text: str, limit: int) -> str:
    """As the handbooks clip, but only at a full stop: a slide line ending at “；” reads as cut."""
    return clip_text(text, limit, stops="。！？")


def length(text: str) -> int:
    """Characters a reader sees (spaces and line breaks not counted)."""
    return len(re.sub(r"\s", "", text))


def first_sentence(text: str, limit: int) -> str:
    """The first sentence of ``text``, clipped to ``limit`` characters (with ……) if longer."""
    m = re.match(r"(.+?[。！？])", text, re.S)
    sentence = m[1] if m else text
    if length(sentence) <= limit:
        return sentence
    return cut_open_quote(clip(sentence, max(1, limit - 2)))


def fit_sections(sections: list[tuple[str, str]], budget: int) -> list[tuple[str, str]]:
    """Labelled blocks in order, each its first sentence, within ``budget`` characters."""
    shown, left = [], budget
    for label, text in sections:
        room = left - length(label) - 1
        if not text or room < MIN_PIECE:
            continue
        piece = first_sentence(text, room)
        shown.append((label, piece))
        left -= length(label) + 1 + length(piece)
    return shown


def _piece_length(item) -> int:
    return length(item if isinstance(item, str) else "".join(t for t, _ in item))


def fit_items(items: list, budget: int, width: int) -> tuple[list, list]:
    """(shown, left out): items clipped to ``width`` each, as many as fit in ``budget``."""
    shown: list = []
    used = 0
    for n, item in enumerate(items):
        if isinstance(item, str):
            item = first_sentence(item, width)
        else:  # (text, bold) pieces: the plain text after a bold lead-in is what gets clipped
            lead = sum(length(t) for t, bold in item if bold)
            item = [(t if bold else first_sentence(t, max(MIN_PIECE, width - lead)), bold)
                    for t, bold in item]  # fmt: skip
        if used + _piece_length(item) > budget:
            return shown, items[n:]
        shown.append(item)
        used += _piece_length(item)
    return shown, []


def chunks(items: list[str], budget: int) -> list[list[str]]:
    """Items over as many slides as needed, each slide within ``budget`` characters."""
    pages: list[list[str]] = [[]]
    used = 0
    for item in items:
        item = first_sentence(item, budget) if length(item) > budget else item
        if pages[-1] and used + length(item) > budget:
            pages.append([])
            used = 0
        pages[-1].append(item)
        used += length(item)
    return [page for page in pages if page]


def _url(corpus: Corpus, path: str) -> str:
    return links.published_url(corpus, path)


def _points(markdown: str, limit: int = 5, width: int = 64) -> list[list[tuple[str, bool]]]:
    """Key points of a 释义: a bold lead-in kept bold, each paragraph's first sentence or two."""
    points = []
    for block in re.split(r"\n\s*\n", markdown.strip()):
        block = block.strip()
        if not block or block.startswith(("#", "|", ">", "!!!")):
            continue
        if re.match(r"[-*]\s", block):
            for item in list_items(block)[:2]:
                points.append([(clip(item, width), False)])
            continue
        m = re.match(r"\*\*(.+?)\*\*[:：]?\s*(.*)", block, re.S)
        if m:
            points.append([(m[1] + "：", True), (clip(plain_text(m[2]), width), False)])
        else:
            points.append([(clip(plain_text(block), width), False)])
    return points[:limit]


def _scenarios(markdown: str) -> list[tuple[str, str]]:
    """(情景, 正确做法) pairs from a rule's 常见情形."""
    found = []
    for part in re.split(r"^###\s+", markdown, flags=re.M):
        scene = re.search(r"\*\*情景\*\*[:：]\s*(.+?)(?=\*\*正确做法\*\*|\Z)", part, re.S)
        right = re.search(r"\*\*正确做法\*\*[:：]\s*(.+)", part, re.S)
        if scene:
            found.append((plain_text(scene[1]), plain_text(right[1]) if right else ""))
    return found


def _rule_cases(corpus: Corpus, rule: Rule) -> list[Case]:
    main = corpus.cases_by_main_rule.get(rule.rule, [])
    cited = [c for c in corpus.cases_by_rule.get(rule.rule, []) if c not in main]
    return (main + cited)[:CASES_PER_RULE]


def rule_deck(corpus: Corpus, rule: Rule, brand: Brand):
    sections = rule.sections
    kicker = f"九项准则专题学习 · {rule.label}"
    prs = slides.new_deck(rule.full_title, brand)
    explain = plain_text(sections.get("释义", ""))
    slides.cover_slide(
        prs,
        brand,
        rule.full_title,
        "《医疗机构工作人员廉洁从业九项准则》专题学习",
        f"{corpus.hospital.issuer or corpus.hospital.name} · {date_cn(_today())}",
        notes=f"本讲学习九项准则{rule.label}{quoted(rule.title)}。{rule.summary}。"
        "安排：准则原文、释义要点、红线清单、警示案例、讨论交流、扫码自测。",
    )
    slides.quote_slide(
        prs,
        brand,
        f"{rule.label}　准则原文",
        rule.official,
        f"——《医疗机构工作人员廉洁从业九项准则》（{rule.source}）",
        notes="请逐字宣读准则原文。" + (f"要点：{rule.summary}。" if rule.summary else ""),
        kicker=kicker,
        warning="" if rule.verified else "本条正文尚待与原文逐字核对，请以医院下发的正式文件为准。",
    )
    points, _ = fit_items(_points(sections.get("释义", "")), BODY_LIMIT, width=36)
    if points:
        slides.bullets_slide(
            prs, brand, f"{rule.label}　释义要点", points, notes=explain, kicker=kicker
        )
    redlines = list_items(sections.get("红线清单", ""))
    lead = "以下行为一律禁止："
    pages = chunks(redlines, BODY_LIMIT - length(lead))
    for n, page in enumerate(pages, start=1):
        slides.bullets_slide(
            prs,
            brand,
            f"{rule.label}　红线清单" + (f"（{n}/{len(pages)}）" if len(pages) > 1 else ""),
            page,
            notes="红线是不可触碰的底线，逐条讲清楚“不能做什么”：\n" + "\n".join(page),
            kicker=kicker,
            lead=lead,
        )
    for n, case in enumerate(_rule_cases(corpus, rule), start=1):
        _case_slide(prs, brand, case, f"案例{'一二'[n - 1]}：{case.title}", kicker)
    _discussion_slide(prs, brand, rule, kicker)
    codes = [("扫码学习本条全文", _url(corpus, links.rule_page(rule.rule)))]
    if corpus.public_questions_by_rule.get(rule.rule):
        codes.append(("扫码自测练习", _url(corpus, links.practice_page(rule.rule))))
    slides.qr_slide(
        prs,
        brand,
        "扫码学习 · 自测",
        codes,
        notes="请大家用手机扫码，在医院内网阅读本条全文、更多案例，并完成自测练习。",
        kicker=kicker,
        lead=f"{rule.label}{quoted(rule.title)}",
    )
    return prs


def _case_slide(prs, brand, case: Case, title: str, kicker: str) -> None:
    sections = case.sections
    facts = case.summary or first_paragraph(sections.get("基本案情", ""))
    meta = _case_meta(case)
    slides.sections_slide(
        prs,
        brand,
        title,
        fit_sections(
            [
                ("案情", plain_text(facts)),
                ("处理", plain_text(first_paragraph(sections.get("处理结果", "")))),
                ("警示", plain_text(first_paragraph(sections.get("警示启示", "")))),
            ],
            BODY_LIMIT - length(meta),
        ),
        notes=_case_notes(case),
        kicker=kicker,
        meta=meta,
    )


def _case_meta(case: Case) -> str:
    who = case.department + (f" · {case.role}" if case.role else "")
    return f"{date_cn(case.date)}　{who}　{case.category}"


def _case_notes(case: Case) -> str:
    parts = []
    for name in ("基本案情", "处理结果", "违反条款", "案例剖析", "警示启示"):
        text = case.sections.get(name, "")
        if text:
            parts.append(f"【{name}】{plain_text(text)}")
    parts.append(f"（来源：{case.source}）")
    return "\n".join(parts)


def _discussion_slide(prs, brand, rule: Rule, kicker: str) -> None:
    scenarios = _scenarios(rule.sections.get("常见情形", ""))[:3]
    checks = list_items(rule.sections.get("自查要点", ""))
    ask = "——你会怎么做？"
    questions = [f"{first_sentence(scene, 36 - len(ask))}{ask}" for scene, _ in scenarios]
    questions += [f"对照自查：{q}" for q in checks[: max(1, 4 - len(questions))]]
    if not questions:
        questions = [f"结合本科室实际，哪些环节容易触碰{rule.label}的红线？应当怎么防？"]
    shown, rest = fit_items(questions, BODY_LIMIT, width=40)
    notes = "讨论参考（正确做法）：\n" + "\n".join(
        f"{i}. {scene} → {right}" for i, (scene, right) in enumerate(scenarios, 1)
    ) if scenarios else "请结合本科室岗位实际组织讨论，每人谈一点认识。"  # fmt: skip
    if rest:
        notes += "\n另可讨论：\n" + "\n".join(rest)
    slides.bullets_slide(prs, brand, "讨论交流", shown, notes=notes, kicker=kicker)


def warning_deck(corpus: Corpus, cases: list[Case], brand: Brand):
    kicker = "警示教育专题"
    prs = slides.new_deck("以案为鉴 警钟长鸣", brand)
    slides.cover_slide(
        prs,
        brand,
        "以案为鉴　警钟长鸣",
        f"警示教育专题会 · {len(cases)} 个案例",
        f"{corpus.hospital.issuer or corpus.hospital.name} · {date_cn(_today())}",
        notes="本次警示教育选取以下案例：" + "；".join(c.title for c in cases) + "。"
        "每个案例先讲案情与处理，再讲剖析与启示。",
    )
    listed = [f"{c.title}（{date_cn(c.date)}，{c.department}）" for c in cases]
    shown, rest = fit_items([c.title for c in cases], BODY_LIMIT, width=40)
    slides.bullets_slide(
        prs,
        brand,
        "本次案例",
        shown + ([f"另有 {len(rest)} 个案例，见讲稿"] if rest else []),
        notes="\n".join(listed) + "\n案例均为教学案例，人物与机构为化名。",
        kicker=kicker,
    )
    for n, case in enumerate(cases, start=1):
        rules = "、".join(corpus.rules[r].label for r in case.rules if r in corpus.rules)
        sections = case.sections
        facts = case.summary or first_paragraph(sections.get("基本案情", ""))
        meta = _case_meta(case) + (f"　涉及{rules}" if rules else "")
        slides.sections_slide(
            prs,
            brand,
            f"案例{n}：{case.title}",
            fit_sections(
                [
                    ("案情", plain_text(facts)),
                    ("处理", plain_text(first_paragraph(sections.get("处理结果", "")))),
                    ("违反", plain_text(first_paragraph(sections.get("违反条款", "")))),
                ],
                BODY_LIMIT - length(meta),
            ),
            notes=_case_notes(case),
            kicker=f"{kicker} · 案情与处理",
            meta=meta,
        )
        slides.sections_slide(
            prs,
            brand,
            f"案例{n}：剖析与启示",
            fit_sections(
                [
                    ("剖析", plain_text(first_paragraph(sections.get("案例剖析", "")))),
                    ("启示", plain_text(first_paragraph(sections.get("警示启示", "")))),
                ],
                BODY_LIMIT,
            ),
            notes=plain_text(sections.get("案例剖析", ""))
            + "\n"
            + plain_text(sections.get("警示启示", "")),
            kicker=f"{kicker} · 剖析与启示",
        )
    slides.bullets_slide(
        prs,
        brand,
        "讨论交流",
        [
            "这些案例中，当事人是从哪一步开始越线的？",
            "我们科室、我的岗位有没有类似的风险点？现在怎么防？",
            "遇到患方或企业送礼、请托，我会怎么拒绝、怎么报告？",
        ],
        notes="请科室负责人带头发言，每人结合岗位谈一点体会；讨论要点可记入科室学习记录。",
        kicker=kicker,
    )
    slides.qr_slide(
        prs,
        brand,
        "扫码阅读更多案例",
        [
            ("警示教育案例库", _url(corpus, links.cases_facet_page("rule"))),
            ("九项准则", _url(corpus, "rules/index.md")),
        ],
        notes="会后请大家扫码阅读案例全文和九项准则释义。",
        kicker=kicker,
    )
    return prs


def _today():
    from ..pdf.handbooks import build_date

    return build_date()
