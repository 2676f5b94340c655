"""The 4-week reporting deadline and the study-progress check, at their boundaries."""

from datetime import date

import pytest

from portal.duties.deadlines import (
    days_late,
    duty_status,
    report_due_date,
)


@pytest.mark.parametrize(
    ("event", "due"),
    [
        (date(2026, 1, 31), date(2026, 2, 28)),  # month end, not a calendar "month"
        (date(2024, 2, 1), date(2024, 2, 29)),  # leap day
        (date(2023, 2, 1), date(2023, 3, 1)),  # no leap day
        (date(2026, 12, 10), date(2027, 1, 7)),  # over the year end
        (date(2024, 2, 29), date(2024, 3, 28)),
    ],
)
def test_report_is_due_four_weeks_after_the_fact(event, due):
    assert report_due_date(event) == due


def test_filing_on_the_due_date_is_in_time_and_the_day_after_is_late():
    event = date(2026, 3, 2)
    assert days_late(event, date(2026, 3, 30)) == 0
    assert days_late(event, date(2026, 3, 31)) == 1
    assert days_late(event, date(2026, 4, 2)) == 3
    assert days_late(event, date(2026, 3, 1)) == 0


def test_duty_status_due_overdue_done():
    due = date(2026, 5, 1)
    assert duty_status(due, date(2026, 4, 28)).state == "due"
    assert duty_status(due, date(2026, 4, 28)).days == 3
    assert duty_status(due, date(2026, 5, 1)).state == "due"
    assert duty_status(due, date(2026, 5, 2)).state == "overdue"
    assert duty_status(due, date(2026, 5, 9), done_on=date(2026, 5, 4)).days == 3
