"""Deadlines of a recognised sponsor's duties, from reference data.

A change must be reported within the reporting period (4 weeks) of the fact; the yearly
study-progress check of a higher-education institution is due by the end of November.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from portal.reference.duties import reporting_period_weeks, study_progress_check


def report_due_date(event_date: date) -> date:
    """The last day to report a fact that happened on event_date (event date + 4 weeks)."""
    return event_date + timedelta(weeks=reporting_period_weeks(event_date))


def days_late(event_date: date, filed_on: date) -> int:
    return max(0, (filed_on - report_due_date(event_date)).days)


@dataclass(frozen=True)
class DutyStatus:
    due: date
    state: str  # "due", "overdue" or "done"
    days: int  # days left (due), days overdue (overdue) or days late when done (0 = in time)


def duty_status(due: date, today: date, done_on: date | None = None) -> DutyStatus:
    if done_on is not None:
        return DutyStatus(due, "done", max(0, (done_on - due).days))
    if today > due:
        return DutyStatus(due, "overdue", (today - due).days)
    return DutyStatus(due, "due", (due - today).days)


def study_progress_due_in(year: int) -> date:
    """The study-progress check deadline in a given year (end of November per reference data)."""
    check = study_progress_check(date(year, 1, 1))
    return date(year, check.due_month, check.due_day)
