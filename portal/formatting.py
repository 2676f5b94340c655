"""Display helpers shared by pages and letters."""

from babel.numbers import format_currency as babel_format_currency
from flask_babel import format_currency

# English pages and letters use British conventions (29 November 2026, €5,080.00).
BABEL_LOCALES = {"en": "en_GB"}


def money(cents: int | None, locale: str | None = None) -> str:
    """Euros for display: in the request's language, or in a given one (letters)."""
    if cents is None:
        return ""
    if locale:
        return babel_format_currency(cents / 100, "EUR", locale=locale)
    return format_currency(cents / 100, "EUR")


def before_full_stop(text: str | None) -> str:
    """A name that a sentence's full stop follows: 'Nova Robotics B.V.' gives 'Nova Robotics B.V'
    so that the sentence ends 'B.V.', not 'B.V..'."""
    text = text or ""
    return text[:-1] if text.endswith(".") else text
