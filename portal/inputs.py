"""Input at the edge of the portal, made safe before any view or query sees it.

- Ids: an `<int:…>` route part or an id in a query parameter is a whole number from 1 to
  MAX_ID (PostgreSQL's `integer`; SQLite's is wider). Anything else matches no route (404) or
  reads as "none" (`parse_id`), so a query never sees a number the database cannot hold.
- Whole numbers in query parameters (pages, cursors): `parse_whole(raw, maximum)`.
- A NUL byte anywhere in the path, the query, a form field, a file name or a JSON body is refused
  with a 400 page before any view runs: PostgreSQL cannot store NUL in text, and no person
  types one.
"""

import re

from flask import Flask, render_template, request
from werkzeug.exceptions import BadRequest
from werkzeug.routing import IntegerConverter

MAX_ID = 2**31 - 1
_DIGITS = re.compile(r"[0-9]+")


class IdConverter(IntegerConverter):
    """`<int:…>`, bounded by default to the ids the database can hold."""

    def __init__(self, map, fixed_digits=0, min=1, max=MAX_ID, signed=False):  # noqa: A002
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def parse_whole(raw, maximum: int, minimum: int = 0) -> int | None:
    """A whole number written in ASCII digits between minimum and maximum, else None."""
    if not isinstance(raw, str) or not _DIGITS.fullmatch(raw) or len(raw) > len(str(maximum)):
        return None
    value = int(raw)
    return value if minimum <= value <= maximum else None


def parse_id(raw) -> int | None:
    """An id from a query parameter or form field: 1..MAX_ID, else None."""
    return parse_whole(raw, MAX_ID, minimum=1)


def _has_nul(value) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_nul(v) for v in value)
    return False


def request_has_nul() -> bool:
    if "\x00" in request.path:
        return True
    for key, value in request.args.items(multi=True):
        if "\x00" in key or "\x00" in value:
            return True
    if not request.want_form_data_parsed:  # no body with a content type: no form, no JSON
        return False
    for key, value in request.form.items(multi=True):
        if "\x00" in key or "\x00" in value:
            return True
    for key, upload in request.files.items(multi=True):
        if "\x00" in key or "\x00" in (upload.filename or ""):
            return True
    return request.is_json and _has_nul(request.get_json(silent=True))


class NulRefused(BadRequest):
    """The request carried a NUL byte."""


def init_app(app: Flask) -> None:
    """Register the bounded id converter (before any blueprint adds its rules) and the NUL
    guard (before CSRF protection and every view)."""
    app.url_map.converters["int"] = IdConverter

    @app.before_request
    def refuse_nul():
        if request_has_nul():
            raise NulRefused()

    @app.errorhandler(NulRefused)
    def nul_refused(error):
        if request.path.startswith("/api/v1/"):
            from portal.api import problems

            return problems.for_status(400)
        return render_template("errors/error.html", code=400, reason="nul"), 400
