"""Exports of the question banks to learning platforms (Moodle XML, GIFT)."""
