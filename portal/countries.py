"""ISO 3166-1 countries from pycountry, with names in the user's language (pycountry's gettext
catalogues include Dutch)."""

import gettext
from functools import cache

import pycountry
from flask_babel import get_locale

from portal.collation import sorted_by_text


@cache
def _translation(language: str):
    if language == "en":
        return gettext.NullTranslations()
    return gettext.translation(
        "iso3166-1", pycountry.LOCALES_DIR, languages=[language], fallback=True
    )


def _language() -> str:
    try:
        locale = get_locale()
    except RuntimeError:
        return "en"
    return locale.language if locale is not None else "en"


CODES = frozenset(c.alpha_2 for c in pycountry.countries)


def country_name(code: str | None, language: str | None = None) -> str:
    if not code:
        return ""
    country = pycountry.countries.get(alpha_2=code)
    if country is None:
        return code
    name = getattr(country, "common_name", None) or country.name
    return _translation(language or _language()).gettext(name)


@cache
def _choices(language: str) -> tuple[tuple[str, str], ...]:
    rows = [(c.alpha_2, country_name(c.alpha_2, language)) for c in pycountry.countries]
    return tuple(sorted_by_text(rows, lambda row: row[1]))


def country_choices(blank_label: str | None = None) -> list[tuple[str, str]]:
    """(code, name) sorted by name in the current language; optionally a blank first row."""
    choices = list(_choices(_language()))
    return [("", blank_label), *choices] if blank_label is not None else choices


def country_select_choices(blank_label: str | None = None) -> list:
    """country_choices() as WTForms SelectChoice objects."""
    from wtforms import SelectChoice

    return [SelectChoice(code, name) for code, name in country_choices(blank_label)]
