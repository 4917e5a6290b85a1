"""A rule to suggest for a question that names none: the one whose text it shares most with.

The text of a question (stem, options, explanation, 知识点) is compared with each rule's title,
official text, summary and keywords as Han bigrams, each weighted by how few rules use it (a
bigram every rule has, such as 严禁, says nothing). A question that cites a rule (第八条) gets
that rule. Either way the result is only a suggestion: the bank marks it ``rules_suggested``
until an editor confirms it.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Mapping

from .questions import rule_numbers

_HAN_RUN = re.compile(r"[\u4e00-\u9fff]+")


def _bigrams(text: str) -> Counter:
    grams: Counter = Counter()
    for run in _HAN_RUN.findall(text):
        grams.update(run[i : i + 2] for i in range(len(run) - 1))
    return grams


class RuleSuggester:
    """``suggester(text)`` → ``[n]``, the rule that text is most about."""

    def __init__(self, rule_texts: Mapping[int, str]):
        self.numbers = sorted(rule_texts)
        grams = {n: set(_bigrams(rule_texts[n])) for n in self.numbers}
        users = Counter(g for n in self.numbers for g in grams[n])
        total = len(self.numbers)
        self.weights = {
            n: {g: math.log((1 + total) / users[g]) for g in grams[n]} for n in self.numbers
        }

    def __call__(self, text: str) -> list[int]:
        cited = rule_numbers(text) if "条" in text else None
        if cited and all(n in self.weights for n in cited):
            return cited[:1]
        grams = _bigrams(text)
        scores = {
            n: sum(w * min(grams[g], 2) for g, w in self.weights[n].items() if g in grams)
            for n in self.numbers
        }
        return [max(self.numbers, key=lambda n: (scores[n], -n))]
