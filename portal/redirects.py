"""Where a `next` parameter may send someone: only back into the portal."""

from urllib.parse import urlsplit


def safe_next(target: str | None, default: str) -> str:
    """Only same-site relative paths; anything else goes to the default."""
    if not target:
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return default
    return target
