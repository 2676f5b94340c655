"""Where a `next` parameter may send someone: only back into the portal."""

import re

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def safe_next(target: str | None, default: str) -> str:
    """Only same-site relative paths without control characters (a CR/LF would split the
    Location header) or backslashes (browsers read `/\\host` as `//host`); else the default."""
    if not target or _CONTROL.search(target) or "\\" in target:
        return default
    if not target.startswith("/") or target.startswith("//"):
        return default
    return target
