"""Reminders sent by `flask reminders send`: one row per permit and reminder kind, so a
reminder is issued once however often the command runs."""

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Date, ForeignKey, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from portal.extensions import db
from portal.models.base import UTCDateTime, enum_type, utcnow


class ReminderKind(StrEnum):
    """The reminder letters sent by the command (values are the letter kinds)."""

    EXTENSION_REMINDER = "extension_reminder"
    REMINDER_OVERDUE_REPORT = "reminder_overdue_report"


class ReminderSent(db.Model):
    __tablename__ = "reminder_sent"
    __table_args__ = (UniqueConstraint("permit_id", "kind", name="uq_reminder_sent_permit_kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    permit_id: Mapped[int] = mapped_column(ForeignKey("permit.id"))
    kind: Mapped[ReminderKind] = mapped_column(enum_type(ReminderKind, "reminder_kind"))
    letter_id: Mapped[int] = mapped_column(ForeignKey("letter.id"))
    sent_on: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
