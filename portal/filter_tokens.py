"""Search terms that may hold personal data (names, passport numbers) never go into a URL.

The search form posts the term; the view keeps it in the user's session under a random, short
token and redirects to a URL carrying only that token (`?f=…`). A token is the user's own
(another session does not know it) and lapses after `LIFETIME`; at most `KEPT` are kept.
"""

import secrets
import time

from flask import session

LIFETIME = 60 * 60  # seconds
KEPT = 10
_KEY = "filter_tokens"


def issue(term: str) -> str:
    """A token for `term`, valid for this session for `LIFETIME` seconds."""
    now = int(time.time())
    tokens = {k: v for k, v in session.get(_KEY, {}).items() if v[1] > now}
    token = secrets.token_urlsafe(8)
    tokens[token] = [term, now + LIFETIME]
    session[_KEY] = dict(sorted(tokens.items(), key=lambda item: item[1][1])[-KEPT:])
    return token


def term_of(token: str | None) -> str | None:
    """The term behind a token of this session, or None when unknown or lapsed."""
    if not token:
        return None
    entry = session.get(_KEY, {}).get(token)
    if not isinstance(entry, list) or len(entry) != 2 or entry[1] <= int(time.time()):
        return None
    return entry[0]
