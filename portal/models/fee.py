"""The fee (leges) of a submitted application and how it was paid.

One row per application with a fee. The amount is integer euro cents; NULL while the amount is
still to be set by staff (reference data had no figure for the kind and submission date). The
payment reference is the case reference (Application.reference), printed on the fee letter.
"""

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Boolean, CheckConstraint, Date, ForeignKey, Integer
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.models.base import UTCDateTime, enum_type, utcnow


class PaidVia(StrEnum):
    TRANSFER = "transfer"  # a bank-statement entry matched (automatically or by hand)
    ONLINE = "online"  # the payment provider confirmed the payment
    # Cases in flight when fees were introduced: counted as paid on submission (migration 0020).
    ON_SUBMISSION = "on_submission"


class Fee(db.Model):
    __tablename__ = "fee"
    __table_args__ = (
        CheckConstraint("amount_cents IS NULL OR amount_cents > 0", name="amount_positive"),
        CheckConstraint("received_cents >= 0", name="received_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("application.id"), unique=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    amount_cents: Mapped[int | None] = mapped_column(Integer)
    reduced: Mapped[bool] = mapped_column(Boolean, default=False)
    # Recognition only: re-applying only because the legal form changed (reduced fee).
    legal_form_change: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    due_on: Mapped[date | None] = mapped_column(Date)  # pay by (set with the amount)
    received_cents: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    paid_on: Mapped[date | None] = mapped_column(Date)
    paid_via: Mapped[PaidVia | None] = mapped_column(enum_type(PaidVia, "fee_paid_via"))
    amount_set_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    amount_set_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    application = relationship("Application", back_populates="fee")
    amount_set_by = relationship("User")

    @property
    def is_paid(self) -> bool:
        return self.paid_on is not None
