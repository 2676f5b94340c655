"""Reference data for a sponsor's duties: the reporting period and the study-progress check."""

from dataclasses import dataclass
from datetime import date

from portal.reference import _in_force


def reporting_period_weeks(on: date) -> int:
    return _in_force("reporting_period", on)["weeks"]


@dataclass(frozen=True)
class StudyProgressCheck:
    due_month: int
    due_day: int
    minimum_credit_share: float


def study_progress_check(on: date) -> StudyProgressCheck:
    row = _in_force("study_progress_check", on)
    return StudyProgressCheck(row["due_month"], row["due_day"], row["minimum_credit_share"])
