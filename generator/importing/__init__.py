"""Bring in what hospitals already have: question banks from spreadsheets and Word "试卷",
cases from Word documents — and banks back out as spreadsheets.

Every converter here is a pure function from bytes (or rows, or lines) to model objects and a
list of located problems; only ``commands/importing.py`` reads and writes files.
"""
