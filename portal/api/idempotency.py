"""Idempotency-Key for API writes (issue 18): scoped to the client, kept 24 hours. The same
key with the same body answers what was answered; with another body → 422."""

import hashlib
from datetime import timedelta

from sqlalchemy import delete, select

from portal.extensions import db
from portal.models import ApiClient, ApiIdempotency
from portal.models.base import utcnow

KEEP = timedelta(hours=24)
MAX_KEY = 200
# The answer's headers that belong to it (not to the call: rate limits, Date), kept for replays.
KEPT_HEADERS = ("Content-Type", "ETag", "Location", "Content-Location", "Link", "Last-Modified")


class KeyReused(Exception):
    """The key was used with another request body."""


def request_hash(method: str, path: str, body: bytes) -> str:
    return hashlib.sha256(method.encode() + b" " + path.encode() + b"\n" + body).hexdigest()


def replay(client: ApiClient, key: str, digest: str) -> ApiIdempotency | None:
    """The stored answer for this key, None if there is none; raises KeyReused."""
    db.session.execute(delete(ApiIdempotency).where(ApiIdempotency.created_at < utcnow() - KEEP))
    stored = db.session.scalar(
        select(ApiIdempotency).where(
            ApiIdempotency.client_id == client.id, ApiIdempotency.key == key
        )
    )
    if stored is not None and stored.request_hash != digest:
        raise KeyReused(key)
    return stored


def remember(
    client: ApiClient, key: str, digest: str, status: int, body: str, headers: dict[str, str]
) -> None:
    kept = {name: headers[name] for name in KEPT_HEADERS if name in headers}
    db.session.add(
        ApiIdempotency(
            client_id=client.id,
            key=key,
            request_hash=digest,
            status=status,
            body=body,
            headers=kept,
        )
    )
