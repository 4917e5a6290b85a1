"""The self-test on the site: practice pages under ``quiz/`` and the question data they load.

Only ``Corpus.public_questions`` are written: a question flagged ``exam_only`` never reaches the
site in any form. The pages hold no question text (the browser reads ``quiz/questions.json``) and
are excluded from the search index, so practice questions do not flood search results.

Everything else happens in the browser (``assets/selftest.js``): answering, instant feedback, the
score, the 错题本 and per-rule progress in localStorage. The data keeps the bank's option order and
labels; the browser shuffles the options of each showing and maps the answer to the labels shown,
while the 错题本 and progress are keyed by question id, so no letter is ever stored.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from ..model import links
from ..model.answers import pinned
from ..model.corpus import Corpus
from ..model.links import html_url
from ..model.terms import TYPE_NAMES

if TYPE_CHECKING:
    from .tree import TreeWriter

DATA = "quiz/questions.json"
RANDOM_COUNT = 10


def _answer(q) -> list[str] | bool:
    """The answer in one shape per type: labels for single/multiple, bool for judge, strings."""
    if q.type == "judge":
        return bool(q.answer)
    if q.type == "fill":
        return [str(a).strip() for a in q.answer]
    return q.answer_labels


def question_data(corpus: Corpus) -> dict:
    """What ``quiz/questions.json`` holds: the rules and every public question."""
    questions = []
    for q in corpus.public_questions:
        item: dict[str, Any] = {"id": q.id, "type": q.type, "stem": q.stem}
        if q.options:
            item["options"] = list(q.options)
            if any(map(pinned, q.options)):  # options that keep their place when shuffled
                item["pinned"] = [pinned(o) for o in q.options]
        item.update(
            answer=_answer(q),
            explanation=q.explanation,
            rules=[] if q.rules_suggested else list(dict.fromkeys(q.rules)),
        )
        questions.append(item)
    rules = {str(n): {"label": r.label, "title": r.title} for n, r in corpus.rules.items()}
    sets = {str(n): [q.id for q in qs] for n, qs in corpus.practice_by_rule.items() if qs}
    return {"rules": rules, "types": TYPE_NAMES, "questions": questions, "sets": sets}


def page_data(here: str, corpus: Corpus, directory_urls: bool = True) -> dict[str, str]:
    """``data-*`` attributes of a quiz container: URLs relative to the page, so any sub-path works."""
    rule_urls = {str(n): html_url(here, links.rule_page(n), directory_urls) for n in corpus.rules}
    return {
        "src": html_url(here, DATA, directory_urls),
        "home": html_url(here, "quiz/index.md", directory_urls),
        "rules": json.dumps(rule_urls, separators=(",", ":")),
    }


def write_selftest(writer: TreeWriter) -> None:
    """Write ``quiz/index.md``, ``quiz/r<N>.md`` per rule with questions, ``quiz/practice.md``
    (a set chosen by the URL's query) and the question data."""
    corpus, urls = writer.corpus, writer.directory_urls
    by_rule = {n: qs for n, qs in corpus.practice_by_rule.items() if qs}
    text = json.dumps(question_data(corpus), ensure_ascii=False, separators=(",", ":"))
    writer.emit(DATA, text)
    writer.page(
        "quiz/index.md",
        "quiz_index.md.j2",
        by_rule=by_rule,
        total=len(corpus.public_questions),
        random_count=min(RANDOM_COUNT, len(corpus.public_questions)),
        quiz=page_data("quiz/index.md", corpus, urls),
    )
    here = links.practice_set_page()  # ?rules=3,5 or ?ids=…: the sets study plans link to
    writer.page(here, "quiz_practice.md.j2", quiz=page_data(here, corpus, urls))
    for n, questions in by_rule.items():
        here = links.practice_page(n)
        writer.page(
            here,
            "quiz_rule.md.j2",
            rule=corpus.rules[n],
            questions=questions,
            quiz=page_data(here, corpus, urls),
        )
