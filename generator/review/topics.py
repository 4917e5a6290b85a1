"""What a question tests, said without its stem: for exam-only questions in study plans and trends.

An exam-only question's stem, options and explanation never leave the exam room, not even in a
private report. A department head still needs to know what the question was about, so it is
named by its rule and a topic taken from PUBLIC text: the rule's 红线清单 item or 常见情形
heading that shares the most two-character words with the question (stem, options, explanation),
else the rule's title. Questions on the document itself (``document: true``) are “九项准则文件本身”, questions on the
wording of a rule (“第三条正文的表述是……”) are the rule's title with “（条文表述）”.
Only the choice among public phrases depends on the question, so nothing secret is quoted.
"""

from __future__ import annotations

import re

from ..model.corpus import Corpus, Rule
from ..model.schemas import Question
from ..model.terms import rule_label
from ..model.text import clip, list_items, plain_text

DOCUMENT_TOPIC = "九项准则文件本身（文号、印发部门、印发时间等）"
MIN_SHARED = 3  # two-character words shared with a red line before it counts as the topic
TOPIC_WIDTH = 34
_TEXT_QUESTION = re.compile(r"(正文|原文|条文)[^。？]{0,30}(表述|列举|写明)|列举了")
_HAN = re.compile(r"[\u4e00-\u9fff]+")
_SCENE = re.compile(r"^###\s+(?:情形[一二三四五六七八九十\d]+[:：]\s*)?(.+)$", re.M)
# Words every question on a rule shares with every red line: they tell nothing apart.
_COMMON = {"医院", "医疗", "机构", "工作", "人员", "患者", "企业", "严禁", "不得", "违反", "准则"}


def _bigrams(text: str) -> set[str]:
    found: set[str] = set()
    for run in _HAN.findall(text):
        found.update(run[i : i + 2] for i in range(len(run) - 1))
    return found - _COMMON


def _candidates(rule: Rule) -> tuple[tuple[str, frozenset[str]], ...]:
    sections = rule.sections
    phrases = list_items(sections.get("红线清单", ""))
    phrases += [plain_text(m) for m in _SCENE.findall(sections.get("常见情形", ""))]
    return tuple((p.rstrip("。；"), frozenset(_bigrams(p))) for p in phrases if p.strip())


def question_text(question: Question) -> str:
    return " ".join([question.stem, *(question.options or []), question.explanation])


def topic(corpus: Corpus, question: Question) -> str:
    """A short public phrase for what ``question`` tests (without its rule label)."""
    if question.document:
        return DOCUMENT_TOPIC
    rule = next((corpus.rules[n] for n in question.rules if n in corpus.rules), None)
    if rule is None:
        return ""
    if _TEXT_QUESTION.search(question.stem):
        return f"{rule.title}（条文表述）"
    words = _bigrams(question_text(question))
    best, score = "", 0.0
    for phrase, grams in _candidates(rule):  # a rule has about a dozen: no cache needed
        shared = len(words & grams)
        # shared words, tempered by length so that a long red line does not win by size alone
        value = shared / len(grams) ** 0.5 if shared >= MIN_SHARED else 0.0
        if value > score:
            best, score = phrase, value
    return clip(best, TOPIC_WIDTH) if best else rule.title


def described(corpus: Corpus, question: Question) -> str:
    """“第九条 · 参加企业或经销人员安排、付费的宴请……”: what a report shows instead of a stem."""
    labels = "、".join(rule_label(n) for n in question.rules)
    found = topic(corpus, question)
    return f"{labels} · {found}" if found else labels
