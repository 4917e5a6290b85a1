"""Qinglian: compile a hospital's integrity-education sources into a site, handbooks and exams."""

__version__ = "0.1.0"
