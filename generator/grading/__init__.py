"""Grading: reading answer sheets, scoring, item statistics, charts and the report."""
