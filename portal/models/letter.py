from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import JSON, Date, ForeignKey, Index, String, Text
from sqlalchemy.dialects.postgresql import TSVECTOR
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from portal.extensions import db
from portal.models.base import UTCDateTime, enum_type, trigram_index, utcnow


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
    FEE_LETTER = "fee_letter"
    # Fees (issue 17): the payment arrived and the decision period runs from it.
    PAYMENT_RECEIVED = "payment_received"
    FEE_REMINDER = "fee_reminder"
    NOT_CONSIDERED = "not_considered"  # buiten behandeling: fee not paid (issue 17)
    RESIDENCE_DECISION = "residence_decision"
    REMINDER_OVERDUE_REPORT = "reminder_overdue_report"
    EXTENSION_REMINDER = "extension_reminder"
    GENERAL_MESSAGE = "general_message"
    REPORT_ACKNOWLEDGEMENT = "report_acknowledgement"
    # The sponsor withdrew a submitted application (issue 16).
    APPLICATION_WITHDRAWN = "application_withdrawn"
    # Due process (issue 25): the notice of default received; the decision period extended.
    NOTICE_OF_DEFAULT_RECEIVED = "notice_of_default_received"
    DECISION_PERIOD_EXTENDED = "decision_period_extended"
    INTENDED_DECISION = "intended_decision"  # Awb 4:8: respond by the date in the letter
    # Family members (portal/family/): the main application ended, theirs are pending.
    FAMILY_MAIN_ENDED = "family_main_ended"
    APPOINTMENT = "appointment"  # booked, moved, cancelled at an IND desk (issue 23)


# Full-text search: a tsvector filled at issue on PostgreSQL (GIN-indexed); plain text,
# unused, on SQLite, where search is a bounded LIKE walk (see portal/letters/inbox.py).
SearchVector = TSVECTOR().with_variant(Text(), "sqlite")


class Letter(db.Model):
    """A letter as issued: immutable once written."""

    __tablename__ = "letter"
    __table_args__ = (
        Index("ix_letter_inbox", "organisation_id", "issued_at", "id"),
        Index("ix_letter_inbox_kind", "organisation_id", "kind", "issued_at", "id"),
        Index("ix_letter_inbox_category", "organisation_id", "category", "issued_at", "id"),
        Index("ix_letter_inbox_person", "organisation_id", "v_number", "issued_at", "id"),
        Index("ix_letter_inbox_respond_by", "organisation_id", "respond_by"),
        Index("ix_letter_sha256", "sha256"),
        # Full-text search, always within one organisation: one GIN scan answers both
        # (btree_gin), instead of intersecting with the organisation's 50,000 letters.
        Index("ix_letter_search", "organisation_id", "search_vector", postgresql_using="gin"),
        # The person filter (ILIKE '%name%') and letter-reference search (portal/letters/inbox.py).
        trigram_index("ix_letter_person_name_trgm", "person_name", within="organisation_id"),
        trigram_index("ix_letter_reference_trgm", "reference"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # The letter's own reference, quotable on the phone (BR-XXXX-XXXX); older letters have none.
    reference: Mapped[str | None] = mapped_column(String(20), unique=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    application_id: Mapped[int | None] = mapped_column(ForeignKey("application.id"), index=True)
    kind: Mapped[LetterKind] = mapped_column(enum_type(LetterKind, "letter_kind"))
    # The recognition category or the application kind the letter belongs to (inbox grouping).
    category: Mapped[str | None] = mapped_column(String(40))
    # The person the letter concerns, as addressed on the letter (a snapshot, like the letter).
    person_name: Mapped[str | None] = mapped_column(String(200))
    v_number: Mapped[str | None] = mapped_column(String(20))
    subject: Mapped[str] = mapped_column(String(300))
    language: Mapped[str] = mapped_column(String(2))
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    respond_by: Mapped[date | None] = mapped_column(Date)
    body_text: Mapped[str] = mapped_column(Text)
    # The PDF as issued, a blob named by its SHA-256 (portal/storage): read through `pdf`.
    sha256: Mapped[str] = mapped_column(ForeignKey("blob.sha256"))
    search_vector: Mapped[str | None] = deferred(mapped_column(SearchVector))
    # What the letter says, as data (kind, references, dates, respond-by, amounts), written at
    # issue (portal/letters/structured.py) and served by the API; None for older letters.
    structured: Mapped[dict | None] = deferred(mapped_column(JSON))

    organisation = relationship("Organisation")
    application = relationship("Application")

    @property
    def pdf(self) -> bytes:
        """The PDF's bytes, read from storage, their hash verified."""
        from portal import storage

        return storage.read(self.sha256)

    @pdf.setter
    def pdf(self, content: bytes) -> None:
        from portal import storage

        self.sha256 = storage.put(content)


class LetterRead(db.Model):
    """Read state per user."""

    __tablename__ = "letter_read"
    # "Has this user read these letters?" is asked by user: (user_id, letter_id) answers it.
    __table_args__ = (Index("ix_letter_read_user", "user_id", "letter_id"),)

    letter_id: Mapped[int] = mapped_column(ForeignKey("letter.id"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), primary_key=True)
    read_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class InboxUnread(db.Model):
    """How many letters of an organisation one user has not read, per category ('' = none).

    Kept up to date as letters are issued and read (portal/letters/unread.py), so the inbox
    and the dashboard show exact unread counts without counting 50,000 letters per page.
    """

    __tablename__ = "inbox_unread"

    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), primary_key=True)
    category: Mapped[str] = mapped_column(String(40), primary_key=True)
    unread: Mapped[int] = mapped_column(default=0)


class LetterImmutable(Exception):
    pass


def refuse_letter_update(_mapper, connection, target) -> None:
    raise LetterImmutable(f"letter {target.id} was issued and cannot change")
