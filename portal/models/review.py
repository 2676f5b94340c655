"""The review of a case: the statutory clock's suspensions and the reviewer's checklist."""

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, Date, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.models.base import UTCDateTime, enum_type, utcnow


class ClockSuspension(db.Model):
    """A request for information stops the statutory clock (Awb 4:15) until the reply.

    The suspended days are counted from the day of the request to the day the reply
    arrives, but never past the respond-by date; the deadline then moves by that many days.
    """

    __tablename__ = "clock_suspension"
    __table_args__ = (
        CheckConstraint("respond_by > started_on", name="respond_by_after_start"),
        CheckConstraint("ended_on IS NULL OR ended_on >= started_on", name="ends_after_start"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("application.id"), index=True)
    started_on: Mapped[date] = mapped_column(Date)
    respond_by: Mapped[date] = mapped_column(Date)
    request_text: Mapped[str] = mapped_column(Text)
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    # Indexed: "has this letter been answered?" (portal/letters/status.py) asks by letter.
    letter_id: Mapped[int | None] = mapped_column(ForeignKey("letter.id"), index=True)
    ended_on: Mapped[date | None] = mapped_column(Date)
    ended_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    reply_text: Mapped[str | None] = mapped_column(Text)
    suspended_days: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    application = relationship("Application", back_populates="clock_suspensions")
    requested_by = relationship("User", foreign_keys=[requested_by_id])
    ended_by = relationship("User", foreign_keys=[ended_by_id])

    @property
    def is_open(self) -> bool:
        return self.ended_on is None


class CheckItem(StrEnum):
    """The items a reviewer can be asked to check, each with a label (portal/labels.py).

    Which items a case of a given kind must have answered before a grant is reference data
    (`review_checklist` in portal/reference/data.toml, read by portal.reference.checklists):
    a new item is a member here, a label, and a line in the data — no migration.
    """

    # Recognition (rules.md: requirements for recognition)
    TRADE_REGISTER = "trade_register"
    # The KvK extract the sponsor sent proves the KvK number: met → the organisation is verified.
    KVK_EXTRACT = "kvk_extract"
    CONTINUITY_SOLVENCY = "continuity_solvency"
    RVO_ADVICE = "rvo_advice"
    RELIABILITY = "reliability"
    CODE_OF_CONDUCT = "code_of_conduct"
    FEE_PAID = "fee_paid"
    # Residence applications
    IDENTITY_PASSPORT = "identity_passport"
    RECOGNITION_IN_FORCE = "recognition_in_force"
    SALARY_CRITERION = "salary_criterion"
    DIPLOMA = "diploma"
    HOSTING_AGREEMENT = "hosting_agreement"
    ADMISSION = "admission"
    EXCHANGE_PROGRAMME = "exchange_programme"
    EXTENSION_WINDOW = "extension_window"
    DOCUMENTS_COMPLETE = "documents_complete"
    # Work permits (issue 22)
    GROUP_RELATIONSHIP = "group_relationship"
    TRANSFER_PERIOD = "transfer_period"
    LABOUR_MARKET_TEST = "labour_market_test"
    SEASONAL_PERIOD = "seasonal_period"
    ACCOMMODATION = "accommodation"
    GRADUATION = "graduation"
    # Family members (portal/family/)
    MAIN_APPLICATION = "main_application"
    RELATIONSHIP_PROOF = "relationship_proof"
    LEGALISATION = "legalisation"
    INCOME_REQUIREMENT = "income_requirement"
    CHILD_AGE = "child_age"


class CheckOutcome(StrEnum):
    MET = "met"
    NOT_MET = "not_met"
    NOT_APPLICABLE = "not_applicable"


class ReviewCheck(db.Model):
    """One checklist item of one case, with the reviewer's note."""

    __tablename__ = "review_check"
    __table_args__ = (UniqueConstraint("application_id", "item"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("application.id"), index=True)
    # A CheckItem value; plain text, so that the checklists stay data (no CHECK constraint).
    item: Mapped[str] = mapped_column(String(60))
    outcome: Mapped[CheckOutcome | None] = mapped_column(enum_type(CheckOutcome, "check_outcome"))
    note: Mapped[str | None] = mapped_column(String(2000))
    checked_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    checked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    checked_by = relationship("User")


class CheckAnswer(db.Model):
    """One answer given to a checklist item, kept for the case history (append-only): the
    reviewer, the outcome and the reason, in the order given. ReviewCheck holds the latest."""

    __tablename__ = "check_answer"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("application.id"), index=True)
    item: Mapped[str] = mapped_column(String(60))
    outcome: Mapped[CheckOutcome | None] = mapped_column(enum_type(CheckOutcome, "answer_outcome"))
    note: Mapped[str | None] = mapped_column(String(2000))
    answered_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    answered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    answered_by = relationship("User")
