"""Residence rules at every boundary: age on the application date, year change, the 2024
Blue Card change, the extension window, clock suspensions, and salary as people type it."""

from datetime import date, timedelta

import pytest
from flask_babel import force_locale

from portal.reference import residence as ref
from portal.residence import rules

BIRTH = date(1996, 3, 15)  # 30th birthday: 15 March 2026


@pytest.fixture(autouse=True)
def english(app):
    with app.test_request_context(), force_locale("en_GB"):
        yield


# --- age on the application date ------------------------------------------------------


@pytest.mark.parametrize(
    ("on", "criterion", "threshold"),
    [
        (date(2026, 3, 14), "hsm_under_30", 435700),  # the day before the 30th birthday
        (date(2026, 3, 15), "hsm_30_plus", 594200),  # the 30th birthday itself
    ],
)
def test_criterion_follows_age_on_the_application_date(on, criterion, threshold):
    check = rules.check_salary("hsm_residence", 450000, BIRTH, on)
    assert (check.criterion, check.threshold_cents) == (criterion, threshold)
    assert (check.problem is None) == (threshold <= 450000)


def test_salary_below_threshold_on_30th_birthday_names_threshold_and_date():
    check = rules.check_salary("hsm_entry", 450000, BIRTH, date(2026, 3, 15))
    assert check.problem.code == "salary_below_threshold"
    message = check.problem.message
    assert "€5,942.00" in message and "€4,500.00" in message
    assert "aged 30 or older" in message and "15 March 2026" in message


def test_born_on_29_february_turns_30_on_1_march_in_a_common_year():
    born = date(1996, 2, 29)
    assert rules.age_on(born, date(2026, 2, 28)) == 29
    assert rules.age_on(born, date(2026, 3, 1)) == 30


# --- year boundary ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("criterion", "dec31", "jan1"),
    [
        ("hsm_30_plus", 568800, 594200),
        ("hsm_under_30", 417100, 435700),
        ("hsm_reduced", 298900, 312200),
        ("blue_card", 568800, 594200),
        ("blue_card_recent_graduate", 455100, 475400),
    ],
)
def test_threshold_changes_between_31_december_and_1_january(criterion, dec31, jan1):
    assert ref.salary_threshold(criterion, date(2025, 12, 31)).monthly_cents == dec31
    assert ref.salary_threshold(criterion, date(2026, 1, 1)).monthly_cents == jan1


def test_same_salary_passes_on_31_december_and_fails_on_1_january():
    salary = 580000  # above 2025's €5,688, below 2026's €5,942
    old = rules.check_salary("hsm_residence", salary, date(1980, 1, 1), date(2025, 12, 31))
    new = rules.check_salary("hsm_residence", salary, date(1980, 1, 1), date(2026, 1, 1))
    assert old.problem is None
    assert new.problem.code == "salary_below_threshold" and "€5,942.00" in new.problem.message


def test_reduced_criterion_applies_whatever_the_age():
    check = rules.check_salary(
        "hsm_entry", 320000, date(1980, 1, 1), date(2026, 6, 1), reduced=True
    )
    assert (check.criterion, check.threshold_cents, check.problem) == ("hsm_reduced", 312200, None)


def test_a_year_without_thresholds_is_said_not_guessed():
    check = rules.check_salary("hsm_entry", 900000, date(1980, 1, 1), date(2027, 1, 1))
    assert check.problem.code == "threshold_unknown"
    assert "not in the portal's reference data" in check.problem.message


# --- the 2024 EU Blue Card change (date read from the reference data) -------------------


def test_blue_card_threshold_drops_on_the_change_date():
    change = ref.criterion_starts("blue_card_recent_graduate")
    before = change - timedelta(days=1)
    assert ref.salary_threshold("blue_card", before).monthly_cents == 624500
    assert ref.salary_threshold("blue_card", change).monthly_cents == 533100
    salary = 540000  # meets the new standard threshold, not the old one
    assert rules.check_salary("eu_blue_card", salary, BIRTH, before).problem.code == (
        "salary_below_threshold"
    )
    assert rules.check_salary("eu_blue_card", salary, BIRTH, change).problem is None


def test_blue_card_recent_graduate_exists_only_from_the_change():
    change = ref.criterion_starts("blue_card_recent_graduate")
    before = rules.check_salary(
        "eu_blue_card", 500000, BIRTH, change - timedelta(days=1), recent_graduate=True
    )
    assert before.problem.code == "criterion_not_in_force"
    assert change.strftime("%-d %B %Y") in before.problem.message
    on = rules.check_salary("eu_blue_card", 426500, BIRTH, change, recent_graduate=True)
    assert (on.criterion, on.threshold_cents, on.problem) == (
        "blue_card_recent_graduate",
        426500,
        None,
    )


def test_types_without_a_threshold_are_not_checked():
    for kind in ("researcher", "student", "au_pair", "cultural_exchange"):
        assert rules.check_salary(kind, 1, BIRTH, date(2026, 6, 1)).problem is None


# --- the extension window ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("on", "code"),
    [
        (date(2026, 3, 9), "extension_too_early"),  # the day before the window opens
        (date(2026, 3, 10), None),  # first day: 3 months before expiry
        (date(2026, 6, 10), None),  # last day: the day the permit expires
        (date(2026, 6, 11), "permit_expired"),  # the day after
    ],
)
def test_extension_window_first_and_last_day(on, code):
    problem = rules.check_extension(date(2026, 6, 10), on)
    assert (problem.code if problem else None) == code


def test_extension_too_early_says_from_when():
    problem = rules.check_extension(date(2026, 6, 10), date(2026, 1, 5))
    assert "10 March 2026" in problem.message and "10 June 2026" in problem.message


def test_extension_window_from_a_month_end_opens_on_the_shorter_month_end():
    assert rules.extension_window(date(2026, 5, 31), date(2026, 1, 1)) == (
        date(2026, 2, 28),
        date(2026, 5, 31),
    )


# --- contract, fee, deadlines -----------------------------------------------------------


def test_requested_validity_follows_the_contract_end_date():
    assert rules.requested_validity(date(2028, 8, 31)) == date(2028, 8, 31)
    assert rules.requested_validity(None) is None
    assert rules.check_contract(date(2026, 9, 1), date(2026, 8, 31), date(2026, 6, 1)).code == (
        "contract_end_before_start"
    )
    assert rules.check_contract(date(2025, 1, 1), date(2026, 5, 31), date(2026, 6, 1)).code == (
        "contract_ended"
    )
    assert rules.check_contract(date(2026, 9, 1), date(2028, 8, 31), date(2026, 6, 1)) is None


@pytest.mark.parametrize(
    ("kind", "on", "cents"),
    [
        ("hsm_entry", date(2025, 12, 31), 40500),
        ("hsm_entry", date(2026, 1, 1), 42300),
        ("eu_blue_card", date(2026, 6, 1), 42300),
        ("hsm_extension", date(2025, 6, 1), 40500),
        ("student", date(2025, 6, 1), 22800),
        ("hsm_extension", date(2026, 6, 1), None),  # not found: not invented
        ("researcher", date(2026, 6, 1), None),
        ("au_pair", date(2026, 6, 1), None),
        ("hsm_entry", date(2024, 6, 1), None),
    ],
)
def test_fee_for_type_and_year_or_not_known(kind, on, cents):
    fee = rules.fee(kind, on)
    assert (fee.cents if fee else None) == cents


def test_statutory_deadline_is_90_days_and_target_two_weeks_for_recognised_sponsors():
    on = date(2026, 11, 29)
    assert rules.statutory_deadline(on) == date(2027, 2, 27)
    assert rules.target_date(on, recognised_sponsor=True) == date(2026, 12, 13)
    assert rules.target_date(on, recognised_sponsor=False) is None


# --- salary and dates as typed ----------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "cents"),
    [
        ("5942", 594200),
        ("5.942,00", 594200),
        ("5942,50", 594250),
        ("€ 5 942", 594200),
        ("€\u00a05.942,-", 594200),
        ("EUR 5942", 594200),
        ("5,942.00", 594200),
        ("5.942", 594200),
        ("5,942", 594200),
        ("123.456,78", 12345678),
        ("5942.5", 594250),
    ],
)
def test_salary_as_typed(typed, cents):
    assert rules.parse_salary(typed) == cents


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("5.942.00", "more than one way"),
        ("5,942,00", "more than one way"),
        ("59.42.00", "more than one way"),
        ("0,500", "more than one way"),
        ("5942.123", "more than one way"),
        ("five thousand", "is not an amount"),
        ("-5942", "cannot be negative"),
        ("", "Enter the gross monthly salary"),
        ("99999999999", "more than a monthly salary"),
    ],
)
def test_salary_that_cannot_be_read_is_refused_with_a_reason(typed, says):
    with pytest.raises(rules.InputNotUnderstood) as error:
        rules.parse_salary(typed)
    assert says in str(error.value)
