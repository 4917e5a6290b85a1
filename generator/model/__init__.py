"""The one in-memory model every renderer reads."""

from .corpus import Bank, Case, Corpus, Page, Question, Rule, Story

__all__ = ["Bank", "Case", "Corpus", "Page", "Question", "Rule", "Story"]
