"""Personal identifiers never in URLs: the one pattern for searches and filters that take them.

A list whose filter takes a name, a passport number, a V-number or free text (people search, the
inbox's person and text filters, the applications list's search, and every later list) has its
filter form POST the terms; the view answers with a redirect to the same list whose URL carries
the other filters as usual and the personal terms as an opaque token `f`. The terms stay in the
user's session (signed cookie, never logged): per user, valid FILTER_TOKEN_TTL seconds, at most
MAX_TOKENS at a time. So neither the access log, nor the browser history, nor a Referer header
sees them.

    @bp.route("/", methods=["GET", "POST"])
    def index():
        if request.method == "POST":
            terms = filter_tokens.query(request.form, FIELDS, PERSONAL)
            return redirect(url_for("x.index", **terms))
        args = filter_tokens.arguments(request.args, PERSONAL)   # a MultiDict, as before
        ...  # other pages: url_for(..., **filter_tokens.carried(request.args, FIELDS, PERSONAL))

A personal term typed into the URL itself is ignored (our pages never make one), and a token that
expired or is someone else's reads as no term (the list says so: `expired(request.args)`).
"""

import secrets
import time

from flask import current_app, session
from flask_login import current_user
from werkzeug.datastructures import MultiDict

PARAM = "f"
SESSION_KEY = "filter_tokens"
MAX_TOKENS = 20
MAX_TERM = 200


def _store() -> dict:
    now = time.time()
    kept = {
        token: entry
        for token, entry in (session.get(SESSION_KEY) or {}).items()
        if isinstance(entry, list) and len(entry) == 3 and entry[1] > now
    }
    return kept


def hide(terms: dict[str, str]) -> str:
    """Keep `terms` for this user; the opaque token that stands for them."""
    store = _store()
    token = secrets.token_urlsafe(12)
    expires = time.time() + current_app.config["FILTER_TOKEN_TTL"]
    store[token] = [current_user.get_id(), expires, terms]
    newest = sorted(store.items(), key=lambda item: item[1][1])[-MAX_TOKENS:]
    session[SESSION_KEY] = dict(newest)
    return token


def reveal(token: str | None) -> dict[str, str] | None:
    """The terms of a token of this user that has not expired; None otherwise."""
    if not token or not isinstance(token, str):
        return None
    entry = _store().get(token)
    if entry is None or entry[0] != current_user.get_id() or not isinstance(entry[2], dict):
        return None
    return entry[2]


def _value(args, name: str) -> str:
    """The value of a filter field; a date typed in three boxes (`<name>-day`, `-month`,
    `-year`: portal/forms.py DateInputField) travels as one day-month-year value."""
    parts = [(args.get(f"{name}-{part}") or "").strip() for part in ("day", "month", "year")]
    if name not in args and any(parts):
        return "-".join(parts)
    return args.get(name) or ""


def query(form, fields: tuple[str, ...], personal: tuple[str, ...]) -> dict[str, str]:
    """The query arguments to redirect to after a POSTed filter form: its non-personal fields as
    they are, its personal ones behind one token."""
    values = {name: _value(form, name).strip()[:MAX_TERM] for name in fields}
    terms = {name: values.pop(name) for name in personal if values.get(name)}
    for name in personal:
        values.pop(name, None)
    arguments = {name: value for name, value in values.items() if value}
    if terms:
        arguments[PARAM] = hide(terms)
    return arguments


def arguments(args, personal: tuple[str, ...]) -> MultiDict:
    """A GET request's filter values: the URL's, except personal terms, which come only from
    the token."""
    values = MultiDict(
        (name, value)
        for name, value in args.items(multi=True)
        if name not in personal and name != PARAM
    )
    for name, value in (reveal(args.get(PARAM)) or {}).items():
        if name in personal:
            values[name] = value
    return values


def carried(args, fields: tuple[str, ...], personal: tuple[str, ...]) -> dict[str, str]:
    """What links to another page of the same list carry: the other filters and the token."""
    kept = {
        name: _value(args, name)[:MAX_TERM]
        for name in fields
        if name not in personal and _value(args, name)
    }
    if reveal(args.get(PARAM)) is not None:
        kept[PARAM] = args.get(PARAM)
    return kept


def expired(args) -> bool:
    """A token was given but stands for nothing (expired, or not this user's)."""
    return bool(args.get(PARAM)) and reveal(args.get(PARAM)) is None


# --- one term (the applications list's search box) -------------------------------------------

TERM = "q"


def issue(term: str) -> str:
    """A token for a single search term (kept as the `q` term of `hide`)."""
    return hide({TERM: term})


def term_of(token: str | None) -> str | None:
    """The single term behind a token of this user, or None when unknown or expired."""
    return (reveal(token) or {}).get(TERM)
