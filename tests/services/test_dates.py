"""Dates as people type them (portal/dates.py): the forms, the residence application and the
bulk import read dates here, with one message per way of getting it wrong."""

from datetime import date

import pytest

from portal.dates import MESSAGES, DateNotUnderstood, parse_date_parts, parse_date_text


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("27-03-1990", date(1990, 3, 27)),
        (" 27-03-1990 ", date(1990, 3, 27)),
        ("27/3/1990", date(1990, 3, 27)),
        ("27.03.1990", date(1990, 3, 27)),
        ("1990-03-27", date(1990, 3, 27)),
        ("1990-3-7", date(1990, 3, 7)),
        ("29-02-2024", date(2024, 2, 29)),
        ("01-01-1800", date(1800, 1, 1)),
        ("31-12-2199", date(2199, 12, 31)),
    ],
)
def test_dates_as_typed(typed, expected):
    assert parse_date_text(typed) == expected


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("31-04-2026", "impossible"),  # April has 30 days
        ("29-02-2026", "impossible"),  # a common year
        ("31-02-2026", "impossible"),
        ("00-01-2026", "impossible"),
        ("12-13-2026", "impossible"),
        ("2026-02-30", "impossible"),
        ("27-03-90", "two_digit_year"),
        ("27/3/26", "two_digit_year"),
        ("31-12-1799", "year_range"),
        ("01-01-2200", "year_range"),
        ("0001-01-01", "year_range"),
        ("9999-12-31", "year_range"),
        ("27-03-199", "format"),
        ("27-03-19900", "format"),
        ("next tuesday", "format"),
        ("", "format"),
        ("27 maart 1990", "not_number"),
        ("27--1990", "missing_month"),
        ("-03-1990", "missing_day"),
        ("27-03-", "missing_year"),
        ("1990/03/27", "format"),
    ],
)
def test_what_is_no_date_is_refused_saying_why(app, typed, code):
    with pytest.raises(DateNotUnderstood) as error:
        parse_date_text(typed)
    assert error.value.code == code
    with app.test_request_context():
        assert str(error.value) == str(MESSAGES[code])


@pytest.mark.parametrize(
    ("day", "month", "year", "code", "parts"),
    [
        ("", "3", "1990", "missing_day", ("day",)),
        ("27", "", "1990", "missing_month", ("month",)),
        ("27", "3", " ", "missing_year", ("year",)),
        ("27", "maart", "1990", "not_number", ("month",)),
        ("x", "3", "y", "not_number", ("day", "year")),
        ("31", "4", "2026", "impossible", ("day",)),
        ("29", "2", "2026", "impossible", ("day",)),
        ("1", "13", "2026", "impossible", ("month",)),
        ("27", "3", "90", "two_digit_year", ("year",)),
        ("27", "3", "9999", "year_range", ("year",)),
    ],
)
def test_three_boxes_say_which_part_is_wrong(day, month, year, code, parts):
    with pytest.raises(DateNotUnderstood) as error:
        parse_date_parts(day, month, year)
    assert (error.value.code, error.value.parts) == (code, parts)


def test_three_boxes_read_as_the_text_is():
    assert parse_date_parts(" 7", "3 ", "1990") == date(1990, 3, 7) == parse_date_text("7-3-1990")
