"""Progressive lockout after failed sign-ins, per account and per address.

The account key is a hash of the e-mail address as typed (normalised), whether or not an account
has it: an unknown address is locked exactly like a known one, so lockout reveals nothing.
After `threshold` failures each further failure doubles the pause, up to a maximum. A quiet day
forgets old failures. Counters live in the database, so every app process sees the same state.
"""

import hashlib
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from portal.extensions import db
from portal.models import SignInThrottle
from portal.models.base import utcnow

FORGET_AFTER = timedelta(days=1)


@dataclass(frozen=True)
class Key:
    value: str
    threshold: int


def account_key(email: str) -> Key:
    digest = hashlib.sha256(email.strip().lower().encode()).hexdigest()
    return Key("account:" + digest, current_app.config["LOCKOUT_ACCOUNT_THRESHOLD"])


def address_key(address: str | None) -> Key:
    return Key(
        "address:" + (address or "unknown")[:64], current_app.config["LOCKOUT_ADDRESS_THRESHOLD"]
    )


def _row(key: Key) -> SignInThrottle | None:
    return db.session.scalar(select(SignInThrottle).where(SignInThrottle.key == key.value))


def seconds_locked(*keys: Key) -> int:
    """How long sign-in stays paused for any of the keys (0: not locked)."""
    now = utcnow()
    remaining = 0
    for key in keys:
        row = _row(key)
        if row is not None and row.locked_until is not None and row.locked_until > now:
            remaining = max(remaining, int((row.locked_until - now).total_seconds()) + 1)
    return remaining


def _pause(failures: int, threshold: int) -> timedelta | None:
    if failures < threshold:
        return None
    config = current_app.config
    seconds = config["LOCKOUT_BASE_SECONDS"] * 2 ** min(failures - threshold, 20)
    return timedelta(seconds=min(seconds, config["LOCKOUT_MAX_SECONDS"]))


def record_failure(*keys: Key) -> None:
    now = utcnow()
    for key in keys:
        row = _row(key)
        if row is None:
            try:
                with db.session.begin_nested():
                    row = SignInThrottle(key=key.value, failures=0, last_failure_at=now)
                    db.session.add(row)
            except IntegrityError:  # another request created it just now
                row = _row(key)
        if now - row.last_failure_at > FORGET_AFTER:
            row.failures = 0
        row.failures += 1
        row.last_failure_at = now
        pause = _pause(row.failures, key.threshold)
        if pause is not None:
            row.locked_until = now + pause
    db.session.flush()


def record_success(key: Key) -> None:
    row = _row(key)
    if row is not None:
        db.session.delete(row)
        db.session.flush()
