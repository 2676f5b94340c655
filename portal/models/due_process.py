"""Due process (issue 25): the sponsor's notice of default (Awb 4:17) and the reviewer's
extension of the decision period (Awb 4:14), each at most once per case; the intended decision
the sponsor may respond to before a refusal or a sanction (Awb 4:8)."""

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Boolean, CheckConstraint, Date, ForeignKey, Integer, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.models.base import UTCDateTime, enum_type, utcnow
from portal.models.recognition import Category


class NoticeOfDefault(db.Model):
    """The sponsor told the IND it is late (ingebrekestelling): penalties accrue from
    `penalty_from` (two weeks after receipt, reference data) until the decision."""

    __tablename__ = "notice_of_default"
    __table_args__ = (CheckConstraint("penalty_from > received_on", name="penalty_after_notice"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # One notice per case: the unique constraint is the final word on a double submit.
    application_id: Mapped[int] = mapped_column(ForeignKey("application.id"), unique=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    received_on: Mapped[date] = mapped_column(Date)
    penalty_from: Mapped[date] = mapped_column(Date)
    # The deadline that had passed when the notice was sent (as the clock stood then).
    deadline: Mapped[date] = mapped_column(Date)
    sent_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    letter_id: Mapped[int | None] = mapped_column(ForeignKey("letter.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    application = relationship("Application")
    sent_by = relationship("User")


class DeadlineExtension(db.Model):
    """A reviewer extended the decision period once, with a reason and a letter, before it
    ended; the clock (portal/cases/clock.py) composes the deadline with `days`."""

    __tablename__ = "deadline_extension"
    __table_args__ = (
        CheckConstraint("days > 0", name="extension_days_positive"),
        CheckConstraint("new_deadline > previous_deadline", name="extension_moves_later"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("application.id"), unique=True)
    days: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(Text)
    previous_deadline: Mapped[date] = mapped_column(Date)
    new_deadline: Mapped[date] = mapped_column(Date)
    extended_on: Mapped[date] = mapped_column(Date)
    extended_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    letter_id: Mapped[int | None] = mapped_column(ForeignKey("letter.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    extended_by = relationship("User")


class IntendedKind(StrEnum):
    REFUSAL = "refusal"  # of a case
    FINE = "fine"
    SUSPENSION = "suspension"
    WITHDRAWAL = "withdrawal"


class IntendedDecision(db.Model):
    """The IND's intended decision (voornemen), sent by letter with a term to respond
    (zienswijze). The sponsor answers from the letter (a CaseReply on `letter_id`); the final
    decision refers to it, and a sanction records which one it followed (`sanction_id`)."""

    __tablename__ = "intended_decision"
    __table_args__ = (CheckConstraint("respond_by > issued_on", name="respond_after_issue"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    application_id: Mapped[int | None] = mapped_column(ForeignKey("application.id"), index=True)
    kind: Mapped[IntendedKind] = mapped_column(enum_type(IntendedKind, "intended_kind"))
    category: Mapped[Category | None] = mapped_column(enum_type(Category, "intended_category"))
    grounds: Mapped[str] = mapped_column(Text)
    issued_on: Mapped[date] = mapped_column(Date)
    respond_by: Mapped[date] = mapped_column(Date)
    issued_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    letter_id: Mapped[int | None] = mapped_column(ForeignKey("letter.id"), index=True)
    sanction_id: Mapped[int | None] = mapped_column(ForeignKey("sanction.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    issued_by = relationship("User")
    letter = relationship("Letter")


class SignOff(db.Model):
    """A submitter's application waiting for (or given) an administrator's approval before it
    reaches the IND (issue 25): approved → submitted by the approver; sent back with a reason."""

    __tablename__ = "sign_off"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("application.id"), index=True)
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Recognition: re-applying only for a change of legal form (the reduced fee) as asked.
    legal_form_change: Mapped[bool] = mapped_column(Boolean, default=False)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    approved: Mapped[bool | None] = mapped_column(Boolean)
    reason: Mapped[str | None] = mapped_column(Text)

    requested_by = relationship("User", foreign_keys=[requested_by_id])
    decided_by = relationship("User", foreign_keys=[decided_by_id])
