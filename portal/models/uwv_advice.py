"""The UWV's labour-market advice on a single-permit (GVVA) case (issue 22): the IND asks UWV
as a step of the case and staff record the advice by hand, since UWV is not connected.

One row per case: requested (by whom, when, whether the request stopped the decision clock,
as the reference data in force said) and, once UWV answered, the advice as recorded.
"""

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Boolean, CheckConstraint, Date, ForeignKey, Integer, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.models.base import UTCDateTime, enum_type, utcnow


class UwvOutcome(StrEnum):
    POSITIVE = "positive"  # UWV advises to issue the work authorisation
    NEGATIVE = "negative"  # UWV advises against it (e.g. priority labour supply available)


class UwvAdvice(db.Model):
    __tablename__ = "uwv_advice"
    __table_args__ = (
        CheckConstraint(
            "(outcome IS NULL) = (received_on IS NULL)", name="outcome_with_received_date"
        ),
        CheckConstraint(
            "received_on IS NULL OR received_on >= requested_on", name="received_after_request"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("application.id"), unique=True)
    requested_on: Mapped[date] = mapped_column(Date)
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    request_note: Mapped[str] = mapped_column(Text, default="")
    # Whether the request stops the decision clock (reference data uwv_advice in force then),
    # until the advice is recorded but at most until `respond_by`; the days it stood still,
    # once recorded (the decision deadline moved by them).
    suspends_clock: Mapped[bool] = mapped_column(Boolean, default=False)
    respond_by: Mapped[date] = mapped_column(Date)
    suspended_days: Mapped[int | None] = mapped_column(Integer)
    outcome: Mapped[UwvOutcome | None] = mapped_column(
        enum_type(UwvOutcome, "uwv_outcome"), nullable=True
    )
    received_on: Mapped[date | None] = mapped_column(Date)
    advice_text: Mapped[str | None] = mapped_column(Text)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    requested_by = relationship("User", foreign_keys=[requested_by_id])
    recorded_by = relationship("User", foreign_keys=[recorded_by_id])
