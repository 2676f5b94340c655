"""Dates as people type them: one parser and one message per way of getting it wrong.

`parse_date_text()` reads 27-03-1990 (day, month, year; also with / . or a space between) and
1990-03-27 (year, month, day). It refuses what is not a calendar date (31-04, 29-02 in a common
year, month 13), a year of two digits (27-03-90 could be 1990 or 2090) and a year outside
EARLIEST_YEAR..LATEST_YEAR (a typing error, and beyond what date arithmetic can carry). The
failure says which of these it is (`DateNotUnderstood.code`) and what to type instead.

The person fields (portal/people/fields.py), the residence form and the bulk import read dates
here; a day/month/year date input builds on the same parser and messages.
"""

import re
from datetime import date

from flask_babel import lazy_gettext as _l

EARLIEST_YEAR = 1800
LATEST_YEAR = 2199

# One message per failure, by code.
MESSAGES = {
    "format": _l("Enter the date as day-month-year, like 27-03-1990"),
    "impossible": _l("Enter a real date: check the day and the month, like 27-03-1990"),
    "two_digit_year": _l("Enter the year in full, with 4 digits, like 27-03-1990"),
    "year_range": _l(
        "Enter a year from %(earliest)d to %(latest)d", earliest=EARLIEST_YEAR, latest=LATEST_YEAR
    ),
}

_SEPARATOR = r"[-/. ]"
_DAY_FIRST = re.compile(rf"^(?P<d>\d{{1,2}}){_SEPARATOR}(?P<m>\d{{1,2}}){_SEPARATOR}(?P<y>\d+)$")
_YEAR_FIRST = re.compile(r"^(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})$")


class DateNotUnderstood(ValueError):
    """The text is not a date this portal accepts; `message` says what to type instead."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code
        self.message = MESSAGES[code]

    def __str__(self) -> str:
        return str(self.message)


def parse_date_text(text: str | None) -> date:
    """The date in `text` (surrounding spaces ignored), or DateNotUnderstood."""
    raw = (text or "").strip()
    match = _DAY_FIRST.match(raw) or _YEAR_FIRST.match(raw)
    if match is None:
        raise DateNotUnderstood("format")
    year_text = match["y"]
    if len(year_text) != 4:
        raise DateNotUnderstood("two_digit_year" if len(year_text) == 2 else "format")
    year, month, day = int(year_text), int(match["m"]), int(match["d"])
    if not EARLIEST_YEAR <= year <= LATEST_YEAR:
        raise DateNotUnderstood("year_range")
    try:
        return date(year, month, day)
    except ValueError as error:
        raise DateNotUnderstood("impossible") from error
