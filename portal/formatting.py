"""Display helpers shared by pages and letters: money, and dates and times in one format per
language (4 December 2026 / 4 december 2026; with the time: 4 December 2026, 18:40), always in
Europe/Amsterdam. Every date or time a page, an e-mail or a message shows goes through
`date_text` / `datetime_text` (the `date` and `datetime` template filters); the API and files
keep ISO dates."""

from datetime import UTC, date, datetime
from decimal import Decimal

from babel.dates import format_date as babel_format_date
from babel.dates import format_datetime as babel_format_datetime
from babel.numbers import format_currency as babel_format_currency
from flask import current_app
from flask_babel import format_currency, format_decimal, get_locale

from portal.clock import AMSTERDAM

# English pages and letters use British conventions (29 November 2026, €5,080.00).
BABEL_LOCALES = {"en": "en_GB"}

DATE_PATTERN = "long"  # 4 December 2026 / 4 december 2026
DATETIME_PATTERN = "d MMMM y, HH:mm"  # 4 December 2026, 18:40


def _locale(locale: str | None) -> str:
    if not locale:
        current = get_locale()  # the request's, or a forced one (e-mails)
        locale = current.language if current else current_app.config["BABEL_DEFAULT_LOCALE"]
    return BABEL_LOCALES.get(locale, locale)


def _local(moment: datetime) -> datetime:
    """A moment in Amsterdam; a moment without a zone (SQLite gives those back) is UTC."""
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return aware.astimezone(AMSTERDAM)


def date_text(value: date | datetime | None, locale: str | None = None) -> str:
    """A day for display, in the request's language or a given one (letters, e-mails)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = _local(value).date()
    return babel_format_date(value, DATE_PATTERN, locale=_locale(locale))


def datetime_text(value: datetime | None, locale: str | None = None) -> str:
    """A moment for display: the day and the time in Amsterdam."""
    if value is None:
        return ""
    return babel_format_datetime(_local(value), DATETIME_PATTERN, locale=_locale(locale))


def money(cents: int | None, locale: str | None = None) -> str:
    """Euros for display: in the request's language, or in a given one (letters). Integer
    cents become a Decimal, never a float: € 4.866,00 (nl), €4,866.00 (en)."""
    if cents is None:
        return ""
    euros = Decimal(cents).scaleb(-2)
    if locale:
        return babel_format_currency(euros, "EUR", locale=BABEL_LOCALES.get(locale, locale))
    return format_currency(euros, "EUR")


def number(value: float | int | None, digits: int = 0) -> str:
    """A number for display in the request's language with `digits` decimals: 25,0 (nl),
    25.0 (en), 1.234 (nl), 1,234 (en); a dash for none."""
    if value is None:
        return "–"
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    return format_decimal(value, format=pattern)


def before_full_stop(text: str | None) -> str:
    """A name that a sentence's full stop follows: 'Nova Robotics B.V.' gives 'Nova Robotics B.V'
    so that the sentence ends 'B.V.', not 'B.V..'."""
    text = text or ""
    return text[:-1] if text.endswith(".") else text
