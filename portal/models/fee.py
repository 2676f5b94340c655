"""The fee (leges) of a submitted application and how it was paid.

One row per application with a fee. The amount is integer euro cents; NULL while the amount is
still to be set by staff (reference data had no figure for the kind and submission date). The
payment reference is the case reference (Application.reference), printed on the fee letter.
"""

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Boolean, CheckConstraint, Date, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.models.base import UTCDateTime, enum_type, utcnow


class PaidVia(StrEnum):
    TRANSFER = "transfer"  # a bank-statement entry matched (automatically or by hand)
    ONLINE = "online"  # the payment provider confirmed the payment
    # Cases in flight when fees came: counted as paid on submission (migration 0029_fees).
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
    # The reminder after the payment term (one per fee; `flask fees send-reminders`).
    reminded_on: Mapped[date | None] = mapped_column(Date)
    paid_via: Mapped[PaidVia | None] = mapped_column(enum_type(PaidVia, "fee_paid_via"))
    amount_set_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    amount_set_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    application = relationship("Application", back_populates="fee")
    amount_set_by = relationship("User")

    @property
    def is_paid(self) -> bool:
        return self.paid_on is not None


class StatementFormat(StrEnum):
    CAMT053 = "camt053"
    MT940 = "mt940"


class BankStatement(db.Model):
    """An imported statement of the IND's account: imported whole or not at all, once."""

    __tablename__ = "bank_statement"

    id: Mapped[int] = mapped_column(primary_key=True)
    # The file's SHA-256: the same statement imported twice (or at once by two staff) is one.
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    format: Mapped[StatementFormat] = mapped_column(enum_type(StatementFormat, "statement_format"))
    iban: Mapped[str] = mapped_column(String(34))
    filename: Mapped[str] = mapped_column(String(200))
    imported_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    imported_by = relationship("User")


class EntryOutcome(StrEnum):
    PAID = "paid"  # the transfer paid the fee (exactly, or completing a part payment)
    PART = "part"  # booked as a part payment; listed until a later transfer completes it
    MANUAL = "manual"  # not booked: for manual matching, with the reason
    REVERSED = "reversed"  # a reversal (RvslInd) that turned an earlier payment back
    DEBIT = "debit"  # not a credit: ignored


class StatementEntry(db.Model):
    """One transaction of a statement (camt.053 TxDtls, MT940 :61:) and what it did."""

    __tablename__ = "statement_entry"
    __table_args__ = (CheckConstraint("amount_cents > 0", name="amount_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    statement_id: Mapped[int] = mapped_column(ForeignKey("bank_statement.id"), index=True)
    # AcctSvcrRef (camt.053) or a hash of date, amount, reference and line (MT940): idempotent.
    entry_key: Mapped[str] = mapped_column(String(120), unique=True)
    booked_on: Mapped[date] = mapped_column(Date)
    amount_cents: Mapped[int] = mapped_column(Integer)
    reversal: Mapped[bool] = mapped_column(Boolean, default=False)
    reference_text: Mapped[str] = mapped_column(String(500))
    application_id: Mapped[int | None] = mapped_column(ForeignKey("application.id"), index=True)
    outcome: Mapped[EntryOutcome] = mapped_column(enum_type(EntryOutcome, "entry_outcome"))
    reason: Mapped[str | None] = mapped_column(String(40))

    statement = relationship("BankStatement")
    application = relationship("Application")


class OnlinePayment(db.Model):
    """A payment started online with the payment provider (portal/payments/): its id there,
    the amount asked and the status last fetched. A status update names only the provider's id:
    an id without a row here was not created by the portal and is refused."""

    __tablename__ = "online_payment"
    __table_args__ = (CheckConstraint("amount_cents > 0", name="amount_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    fee_id: Mapped[int] = mapped_column(ForeignKey("fee.id"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    provider_id: Mapped[str] = mapped_column(String(64), unique=True)
    amount_cents: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(20))  # the provider's word: open, paid, expired…
    checkout_url: Mapped[str] = mapped_column(String(500))
    # Set once, when the paid payment was handled (compare-and-set: a replay books nothing).
    handled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Paid but not booked on the fee (paid otherwise meanwhile, case closed): for finance.
    not_booked_reason: Mapped[str | None] = mapped_column(String(40))
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    fee = relationship("Fee")
