"""Sign-in security: recovery codes, e-mailed tokens, lockout counters, linked OIDC identities."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.models.base import UTCDateTime, enum_type, utcnow


class RecoveryCode(db.Model):
    """A one-time code to sign in without the authenticator app. Only its SHA-256 is kept."""

    __tablename__ = "recovery_code"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class TokenPurpose(StrEnum):
    PASSWORD_RESET = "password_reset"  # noqa: S105 - a purpose, not a secret
    EMAIL_CHANGE = "email_change"
    STAFF_INVITATION = "staff_invitation"


class UserSession(db.Model):
    """A signed-in session, server side: the signed cookie carries only a random id whose
    SHA-256 is kept here. Revoking the row (sign-out, sign out everywhere, a new password, being
    removed from a team) ends the session at once in every process."""

    __tablename__ = "user_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class AccountToken(db.Model):
    """A single-use, expiring token sent by e-mail. Only its SHA-256 is kept."""

    __tablename__ = "account_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    purpose: Mapped[TokenPurpose] = mapped_column(enum_type(TokenPurpose, "token_purpose"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    new_email: Mapped[str | None] = mapped_column(String(254))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user = relationship("User")


class SignUpRequest(db.Model):
    """A password sign-up waiting for its administrator to confirm the e-mail address.

    Nothing is created until the link (single use, expiring; only its SHA-256 kept here) is
    followed: then the organisation and its administrator are made from `details`.
    """

    __tablename__ = "sign_up_request"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), index=True)
    details: Mapped[dict] = mapped_column(JSON)
    password_hash: Mapped[str] = mapped_column(String(200))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class SignInThrottle(db.Model):
    """Failed sign-in attempts per account (by e-mail, existing or not) and per address."""

    __tablename__ = "sign_in_throttle"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(300), unique=True)
    failures: Mapped[int] = mapped_column(default=0)
    last_failure_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)


class IdentityKind(StrEnum):
    SPONSOR = "sponsor"
    STAFF = "staff"


class ExternalIdentity(db.Model):
    """A user as known to an OpenID Connect provider (issuer + subject)."""

    __tablename__ = "external_identity"
    __table_args__ = (UniqueConstraint("issuer", "subject"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    kind: Mapped[IdentityKind] = mapped_column(enum_type(IdentityKind, "identity_kind"))
    issuer: Mapped[str] = mapped_column(String(300))
    subject: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user = relationship("User")
