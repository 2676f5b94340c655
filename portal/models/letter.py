from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Date, ForeignKey, Index, LargeBinary, String, Text, event
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from portal.extensions import db
from portal.models.base import UTCDateTime, enum_type, utcnow


class LetterKind(StrEnum):
    ACKNOWLEDGEMENT = "acknowledgement"
    RECOGNITION_GRANTED = "recognition_granted"
    RECOGNITION_REFUSED = "recognition_refused"
    # Back office (issue 7)
    REQUEST_FOR_INFORMATION = "request_for_information"
    WARNING = "warning"
    FINE = "fine"
    SUSPENSION = "suspension"
    SUSPENSION_LIFTED = "suspension_lifted"
    WITHDRAWAL = "withdrawal"


class Letter(db.Model):
    """A letter as issued: immutable once written."""

    __tablename__ = "letter"
    __table_args__ = (Index("ix_letter_inbox", "organisation_id", "issued_at", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    application_id: Mapped[int | None] = mapped_column(ForeignKey("application.id"), index=True)
    kind: Mapped[LetterKind] = mapped_column(enum_type(LetterKind, "letter_kind"))
    subject: Mapped[str] = mapped_column(String(300))
    language: Mapped[str] = mapped_column(String(2))
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    respond_by: Mapped[date | None] = mapped_column(Date)
    body_text: Mapped[str] = mapped_column(Text)
    pdf: Mapped[bytes] = deferred(mapped_column(LargeBinary))
    sha256: Mapped[str] = mapped_column(String(64))

    organisation = relationship("Organisation")
    application = relationship("Application")


class LetterRead(db.Model):
    """Read state per user."""

    __tablename__ = "letter_read"

    letter_id: Mapped[int] = mapped_column(ForeignKey("letter.id"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), primary_key=True)
    read_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class LetterImmutable(Exception):
    pass


@event.listens_for(Letter, "before_update")
def _refuse_letter_update(mapper, connection, target) -> None:
    raise LetterImmutable(f"letter {target.id} was issued and cannot change")
