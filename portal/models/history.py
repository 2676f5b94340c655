"""Change history of the profile and of people: who changed what, when, from what to what."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.models.base import UTCDateTime, enum_type, utcnow


class ChangeSubject(StrEnum):
    ORGANISATION = "organisation"
    PERSON = "person"


class ChangeHistory(db.Model):
    """One changed field. Append-only, like the audit trail, but shown to the sponsor."""

    __tablename__ = "change_history"
    __table_args__ = (
        Index("ix_change_history_subject", "subject_type", "subject_id", "changed_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    subject_type: Mapped[ChangeSubject] = mapped_column(enum_type(ChangeSubject, "change_subject"))
    subject_id: Mapped[int]
    field: Mapped[str] = mapped_column(String(60))
    old_value: Mapped[str | None] = mapped_column(Text)
    new_value: Mapped[str | None] = mapped_column(Text)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    # Set when the actor is a user of an intermediary acting under a mandate.
    acting_organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"))
    change_report_id: Mapped[int | None] = mapped_column(ForeignKey("change_report.id"))
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    actor = relationship("User")
    acting_organisation = relationship("Organisation", foreign_keys=[acting_organisation_id])
