"""The statutory deadline composed from its facts: the start (payment or submission),
requests for information (Awb 4:15, capped at respond-by) and extensions — at the boundaries."""

from datetime import date
from types import SimpleNamespace

import pytest

from portal.cases.clock import compose_deadline, counted_days
from portal.reference import fees as fee_reference

PAID = date(2026, 3, 2)


def request(started, respond_by, ended=None):
    return SimpleNamespace(started_on=started, respond_by=respond_by, ended_on=ended)


def test_no_start_no_deadline():
    assert compose_deadline(None, 90, []) is None


def test_ninety_days_from_the_payment_day():
    assert compose_deadline(PAID, 90, []) == date(2026, 5, 31)


@pytest.mark.parametrize(
    ("started", "respond_by", "ended", "days"),
    [
        (date(2026, 3, 10), date(2026, 4, 10), date(2026, 3, 20), 10),  # answered in time
        (date(2026, 3, 10), date(2026, 3, 20), date(2026, 3, 30), 10),  # capped at respond-by
        (date(2026, 3, 10), date(2026, 4, 10), date(2026, 3, 10), 0),  # answered the same day
        (date(2026, 2, 20), date(2026, 3, 20), date(2026, 2, 28), 0),  # all before payment
        (date(2026, 2, 20), date(2026, 3, 20), date(2026, 3, 2), 0),  # ends on the payment day
        (date(2026, 2, 20), date(2026, 3, 20), date(2026, 3, 5), 3),  # straddles the payment
    ],
)
def test_a_request_counts_only_its_days_within_the_period(started, respond_by, ended, days):
    suspension = request(started, respond_by, ended)
    assert counted_days(suspension, PAID, ended) == days
    assert compose_deadline(PAID, 90, [suspension]) == date(2026, 5, 31) + (
        date(2026, 1, 1 + days) - date(2026, 1, 1)
    )


def test_an_open_request_counts_up_to_the_day_asked_and_extensions_add():
    open_request = request(date(2026, 4, 1), date(2026, 5, 1))
    assert compose_deadline(PAID, 90, [open_request]) == date(2026, 5, 31)
    assert compose_deadline(PAID, 90, [open_request], resumed_on=date(2026, 4, 8)) == date(
        2026, 6, 7
    )
    assert compose_deadline(PAID, 90, [], extension_days=30) == date(2026, 6, 30)


def test_recognition_runs_from_payment_verified_and_residence_from_submission_unverified():
    recognition = fee_reference.decision_period_start("recognition", date(2026, 12, 4))
    assert recognition.from_payment and recognition.verified
    residence = fee_reference.decision_period_start("hsm_residence", date(2026, 12, 4))
    assert not residence.from_payment and not residence.verified
