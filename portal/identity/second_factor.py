"""The second factor of local accounts: TOTP (RFC 6238) and one-time recovery codes.

A TOTP code is accepted once: the accepted time step is stored and older or equal steps are
refused (RFC 6238 §5.2). Recovery codes have 80 random bits, so an unsalted SHA-256 is enough
to keep them unusable if the database leaks; each works once.
"""

import hashlib
import hmac
import secrets
import time

import pyotp
import segno
from sqlalchemy import delete, or_, select, update

from portal import audit
from portal.audit import AuditAction
from portal.extensions import db
from portal.models import RecoveryCode, User
from portal.models.base import utcnow

ISSUER_NAME = "IND Sponsor Portal"
RECOVERY_CODE_COUNT = 10


class TOTP(pyotp.TOTP):
    """pyotp refuses secrets under 112 bits. New secrets have 160; the 80-bit secrets that
    authenticator apps have long accepted (like the documented demo secret) still verify."""

    min_secret_length_bits = 80


def totp(secret: str) -> TOTP:
    return TOTP(secret)


_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i: easy to copy by hand


def new_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(secret: str, email: str) -> str:
    return totp(secret).provisioning_uri(name=email, issuer_name=ISSUER_NAME)


def qr_data_uri(uri: str) -> str:
    """The enrolment QR code as an SVG data: URI (the CSP allows img-src data:)."""
    return segno.make(uri, error="m").svg_data_uri(scale=5, border=2)


def _matching_step(secret: str, code: str, now: float | None = None) -> int | None:
    """The time step whose code matches (one step of clock drift either way), or None."""
    code = (code or "").strip().replace(" ", "")
    if len(code) != 6 or not code.isdigit():
        return None
    generator = totp(secret)
    current = int(time.time() if now is None else now) // generator.interval
    for step in (current - 1, current, current + 1):
        if hmac.compare_digest(generator.generate_otp(step), code):
            return step
    return None


def confirm_step(secret: str, code: str) -> int | None:
    """For enrolment: the time step of a code that matches the new secret, or None."""
    return _matching_step(secret, code)


def verify_totp(user: User, code: str) -> bool:
    """Accept a current code once: the step is stored by a compare-and-set, so of two requests
    with the same code at the same moment one wins."""
    if not user.totp_secret:
        return False
    step = _matching_step(user.totp_secret, code)
    if step is None:
        return False
    result = db.session.execute(
        update(User)
        .where(
            User.id == user.id,
            or_(User.totp_last_step.is_(None), User.totp_last_step < step),
        )
        .values(totp_last_step=step)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        return False
    db.session.refresh(user, ["totp_last_step"])
    return True


def _hash_code(code: str) -> str:
    normalised = "".join(ch for ch in code.lower() if ch.isalnum())
    return hashlib.sha256(normalised.encode()).hexdigest()


def _new_code() -> str:
    raw = "".join(secrets.choice(_ALPHABET) for _ in range(16))
    return "-".join(raw[i : i + 4] for i in range(0, 16, 4))


def new_recovery_codes(user: User) -> list[str]:
    """Replace the user's recovery codes; return the new ones (shown once, never stored)."""
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = [_new_code() for _ in range(RECOVERY_CODE_COUNT)]
    db.session.add_all(RecoveryCode(user_id=user.id, code_hash=_hash_code(c)) for c in codes)
    db.session.flush()
    return codes


def unused_recovery_codes(user: User) -> int:
    return len(
        db.session.scalars(
            select(RecoveryCode.id).where(
                RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None)
            )
        ).all()
    )


def use_recovery_code(user: User, code: str) -> bool:
    """Accept an unused recovery code once (marks it used)."""
    if not code or len(code) > 40:
        return False
    row = db.session.scalar(
        select(RecoveryCode).where(
            RecoveryCode.user_id == user.id,
            RecoveryCode.code_hash == _hash_code(code),
            RecoveryCode.used_at.is_(None),
        )
    )
    if row is None:
        return False
    used = db.session.execute(
        update(RecoveryCode)
        .where(RecoveryCode.id == row.id, RecoveryCode.used_at.is_(None))
        .values(used_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if used.rowcount != 1:  # used by another request a moment ago
        return False
    audit.record(AuditAction.USER_RECOVERY_CODE_USED, actor=user, target=user)
    db.session.flush()
    return True


def enrol(user: User, secret: str, confirmed_step: int) -> list[str]:
    """Turn on the second factor with a confirmed secret; return fresh recovery codes."""
    user.totp_secret = secret
    user.totp_last_step = confirmed_step  # the confirming code cannot be used again
    audit.record(AuditAction.USER_SECOND_FACTOR_ENROLLED, actor=user, target=user)
    return new_recovery_codes(user)


def turn_off(user: User) -> None:
    user.totp_secret = None
    user.totp_last_step = None
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    audit.record(AuditAction.USER_SECOND_FACTOR_TURNED_OFF, actor=user, target=user)
    db.session.flush()
