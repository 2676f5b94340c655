"""Bulk work on many rows at once: the student registration import."""
