"""Dates as people type them: one parser and one message per way of getting it wrong.

`parse_date_text()` reads 27-03-1990 (day, month, year; also with / . or a space between) and
1990-03-27 (year, month, day). It refuses what is not a calendar date (31-04, 29-02 in a common
year, month 13), a year of two digits (27-03-90 could be 1990 or 2090) and a year outside
EARLIEST_YEAR..LATEST_YEAR (a typing error, and beyond what date arithmetic can carry). The
failure says which of these it is (`DateNotUnderstood.code`), which parts are wrong
(`DateNotUnderstood.parts`: day, month, year) and what to type instead.

`parse_date_parts()` reads the three boxes of the date input (portal/forms.py `DateInputField`)
through the same parser: a box left empty ("Enter the month") or holding something else than a
number is refused first. The person fields (portal/people/fields.py), the residence form and the
bulk import read dates here.
"""

import re
from datetime import date

from flask_babel import lazy_gettext as _l

EARLIEST_YEAR = 1800
LATEST_YEAR = 2199

PARTS = ("day", "month", "year")

# One message per failure, by code.
MESSAGES = {
    "format": _l("Enter the date as day-month-year, like 27-03-1990"),
    "impossible": _l("Enter a real date: check the day and the month, like 27-03-1990"),
    "two_digit_year": _l("Enter the year in full, with 4 digits, like 27-03-1990"),
    "year_range": _l(
        "Enter a year from %(earliest)d to %(latest)d", earliest=EARLIEST_YEAR, latest=LATEST_YEAR
    ),
    "missing_day": _l("Enter the day"),
    "missing_month": _l("Enter the month"),
    "missing_year": _l("Enter the year"),
    "not_number": _l("Enter the day, month and year as numbers, like 27 3 1990"),
}

# The parts each failure is about (the first of them gets the focus from the error summary).
_WRONG_PARTS = {
    "format": PARTS,
    "two_digit_year": ("year",),
    "year_range": ("year",),
    "missing_day": ("day",),
    "missing_month": ("month",),
    "missing_year": ("year",),
}

_SEPARATOR = re.compile(r"[-/. ]")
_NUMBER = re.compile(r"\d+")


class DateNotUnderstood(ValueError):
    """The text is not a date this portal accepts; `message` says what to type instead."""

    def __init__(self, code: str, parts: tuple[str, ...] | None = None):
        super().__init__(code)
        self.code = code
        self.message = MESSAGES[code]
        self.parts = parts or _WRONG_PARTS.get(code, PARTS)

    def __str__(self) -> str:
        return str(self.message)


def _split(raw: str) -> dict[str, str] | None:
    """The day, month and year as typed, or None when the text is not three parts."""
    pieces = _SEPARATOR.split(raw)
    if len(pieces) != 3:
        return None
    if len(pieces[0]) == 4 and _NUMBER.fullmatch(pieces[0]) and raw[4:5] == "-":
        year, month, day = pieces  # 1990-03-27
    elif len(pieces[0]) > 2 and _NUMBER.fullmatch(pieces[0]):
        return None  # 1990/03/27 and other orders are not read
    else:
        day, month, year = pieces
    return {"day": day.strip(), "month": month.strip(), "year": year.strip()}


def typed_parts(value) -> dict[str, str]:
    """A date, or a date as text, split into the day, month and year boxes (what was typed is
    kept as it was; text that is not three parts goes into the day box, to be corrected)."""
    if isinstance(value, date):
        return {"day": str(value.day), "month": str(value.month), "year": str(value.year)}
    raw = (value or "").strip() if isinstance(value, str) else ""
    return _split(raw) or {"day": raw, "month": "", "year": ""}


def parse_date_text(text: str | None) -> date:
    """The date in `text` (surrounding spaces ignored), or DateNotUnderstood."""
    raw = (text or "").strip()
    typed = _split(raw) if raw else None
    if typed is None:
        raise DateNotUnderstood("format")
    return _read(typed)


def parse_date_parts(day: str | None, month: str | None, year: str | None) -> date:
    """The date typed in three boxes, or DateNotUnderstood."""
    return _read(
        {"day": (day or "").strip(), "month": (month or "").strip(), "year": (year or "").strip()}
    )


def _read(typed: dict[str, str]) -> date:
    for part in PARTS:
        if not typed[part]:
            raise DateNotUnderstood(f"missing_{part}")
    not_numbers = tuple(part for part in PARTS if not _NUMBER.fullmatch(typed[part]))
    if not_numbers:
        raise DateNotUnderstood("not_number", not_numbers)
    if len(typed["year"]) != 4:
        raise DateNotUnderstood(
            "two_digit_year" if len(typed["year"]) == 2 else "format", ("year",)
        )
    year, month, day = int(typed["year"]), int(typed["month"]), int(typed["day"])
    if not EARLIEST_YEAR <= year <= LATEST_YEAR:
        raise DateNotUnderstood("year_range")
    if len(typed["day"]) > 2 or len(typed["month"]) > 2 or not 1 <= month <= 12:
        raise DateNotUnderstood(
            "impossible", ("month",) if not 1 <= month <= 12 else ("day", "month")
        )
    try:
        return date(year, month, day)
    except ValueError as error:
        raise DateNotUnderstood("impossible", ("day",)) from error
