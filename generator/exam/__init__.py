"""Exam papers: drawing questions, printing papers and keys, key.json and blank answer sheets."""
