"""Reference data for risk-based triage (issue 24): each rule's starting settings."""

from datetime import date

from portal.reference import _in_force


def starting_settings(rule: str, on: date) -> tuple[bool, dict]:
    row = _in_force("triage_rule", on, rule=rule)
    return row["enabled"], dict(row["parameters"])
