"""Links: where a `next` parameter may send someone (only back into the portal), and absolute
links to the portal (from PUBLIC_BASE_URL, never from the request's Host header)."""

import re

from flask import current_app, url_for

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def safe_next(target: str | None, default: str) -> str:
    """Only same-site relative paths without control characters (a CR/LF would split the
    Location header) or backslashes (browsers read `/\\host` as `//host`); else the default."""
    if not target or _CONTROL.search(target) or "\\" in target:
        return default
    if not target.startswith("/") or target.startswith("//"):
        return default
    return target


def public_url(endpoint: str, **values) -> str:
    """The absolute link to `endpoint` at the portal's public address (PUBLIC_BASE_URL): a
    request's Host header is the client's to choose, so it never goes into a link we hand out."""
    return current_app.config["PUBLIC_BASE_URL"].rstrip("/") + url_for(endpoint, **values)
