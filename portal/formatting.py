"""Display helpers shared by pages and letters."""

from decimal import Decimal

from babel.numbers import format_currency as babel_format_currency
from flask_babel import format_currency, format_decimal

# English pages and letters use British conventions (29 November 2026, €5,080.00).
BABEL_LOCALES = {"en": "en_GB"}


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
