"""E-mail notices: who wants which (per user and organisation), bounced addresses, digests sent.

The rules that read these facts are in portal/notices/.
"""

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Date, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from portal.extensions import db
from portal.models.base import UTCDateTime, enum_type, utcnow


class NoticeMode(StrEnum):
    IMMEDIATE = "immediate"  # an e-mail for each new letter, and the daily to-do digest
    DIGEST = "digest"  # one e-mail a day: new letters and to-do items coming due
    OFF = "off"


class NoticePreference(db.Model):
    """A user's own choice for one organisation. No row: the default for the user's role
    (portal/notices/preferences.py)."""

    __tablename__ = "notice_preference"

    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id"), primary_key=True, index=True
    )
    mode: Mapped[NoticeMode] = mapped_column(enum_type(NoticeMode, "notice_mode"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class MailBounce(db.Model):
    """Mail to this address could not be delivered. While not cleared, the address is marked
    and gets no notices; the user and the organisation's administrators see it."""

    __tablename__ = "mail_bounce"
    __table_args__ = (Index("ix_mail_bounce_address_open", "address", "cleared_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    address: Mapped[str] = mapped_column(String(254))  # lower case
    bounced_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    reason: Mapped[str] = mapped_column(String(500))
    cleared_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class NoticeDigest(db.Model):
    """The daily digest sent to one address for one organisation: at most one a day."""

    __tablename__ = "notice_digest"
    __table_args__ = (UniqueConstraint("address", "organisation_id", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    address: Mapped[str] = mapped_column(String(254))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    day: Mapped[date] = mapped_column(Date)
    items: Mapped[int]
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
