"""The languages a bulk registration's problems are kept in (both, so that the page and the
API answer in the reader's), and speaking one of them outside a request."""

from flask_babel import force_locale

from portal.formatting import BABEL_LOCALES

LANGUAGES = ("en", "nl")


def speaking(language: str):
    """The language's locale as the pages use it (English: en_GB, so dates read 1 May 2026)."""
    return force_locale(BABEL_LOCALES.get(language, language))
