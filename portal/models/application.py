from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.models.base import UTCDateTime, enum_type, trigram_index, utcnow
from portal.models.recognition import Category


class ApplicationKind(StrEnum):
    RECOGNITION = "recognition"
    # Residence applications a sponsor files for a person (portal/residence/types.py).
    HSM_ENTRY = "hsm_entry"
    HSM_RESIDENCE = "hsm_residence"
    HSM_EXTENSION = "hsm_extension"
    HSM_CHANGE_EMPLOYER = "hsm_change_employer"
    EU_BLUE_CARD = "eu_blue_card"
    RESEARCHER = "researcher"
    STUDENT = "student"
    AU_PAIR = "au_pair"
    CULTURAL_EXCHANGE = "cultural_exchange"
    # Work permits (issue 22, items 1-3): portal/residence/work_types.py.
    ICT = "ict"  # intra-corporate transfer (Directive 2014/66/EU)
    GVVA = "gvva"  # single permit for paid employment, with UWV's labour-market advice
    SEASONAL_WORK = "seasonal_work"  # Directive 2014/36/EU, stays over 90 days
    HSM_CHANGE_PURPOSE = "hsm_change_purpose"  # student / orientation year -> HSM
    # Family members filed with a main application (portal/family/).
    FAMILY_PARTNER = "family_partner"
    FAMILY_CHILD = "family_child"

    @property
    def is_residence(self) -> bool:
        return self is not ApplicationKind.RECOGNITION


class ApplicationStatus(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    IN_REVIEW = "in_review"
    INFORMATION_REQUESTED = "information_requested"
    GRANTED = "granted"
    REFUSED = "refused"
    WITHDRAWN = "withdrawn"
    # Set aside: the fee was not paid after the reminder's term (portal/fees/not_considered.py).
    NOT_CONSIDERED = "not_considered"


OPEN_STATUSES = (
    ApplicationStatus.DRAFT,
    ApplicationStatus.SUBMITTED,
    ApplicationStatus.IN_REVIEW,
    ApplicationStatus.INFORMATION_REQUESTED,
)
DECIDABLE_STATUSES = (ApplicationStatus.SUBMITTED, ApplicationStatus.IN_REVIEW)


class Application(db.Model):
    """A case: recognition now; residence applications join later."""

    __tablename__ = "application"
    __table_args__ = (
        # The applications list's keyset pages (portal/cases/listing.py).
        Index("ix_application_organisation_created", "organisation_id", "created_at", "id"),
        Index("ix_application_queue", "status", "decision_deadline"),
        # Reference search in the applications list (portal/cases/listing.py): ILIKE '%part%'.
        trigram_index("ix_application_reference_trgm", "reference", within="organisation_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str | None] = mapped_column(String(20), unique=True)
    kind: Mapped[ApplicationKind] = mapped_column(enum_type(ApplicationKind, "application_kind"))
    category: Mapped[Category] = mapped_column(enum_type(Category, "category"))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    # The person the case is about (none for recognition): see portal/models/person.py.
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"), index=True)
    status: Mapped[ApplicationStatus] = mapped_column(
        enum_type(ApplicationStatus, "application_status"), default=ApplicationStatus.DRAFT
    )
    fee_cents: Mapped[int | None] = mapped_column(Integer)
    fee_reduced: Mapped[bool | None] = mapped_column(Boolean)
    snapshot: Mapped[dict | None] = mapped_column(JSON)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decision_deadline: Mapped[date | None] = mapped_column(Date)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decision_reason: Mapped[str | None] = mapped_column(Text)
    # Residence applications: the answers as typed (a draft), and the target date.
    answers: Mapped[dict | None] = mapped_column(JSON)
    target_date: Mapped[date | None] = mapped_column(Date)
    # Back office: optimistic concurrency, assignment, a refusal awaiting a second reviewer.
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    assigned_to_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    assigned_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    refusal_proposed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    refusal_proposed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    refusal_proposed_reason: Mapped[str | None] = mapped_column(Text)
    # The intermediary whose user started the case under a mandate: it keeps reading the case's
    # letters after the mandate ends (portal/letters/visibility.py).
    intermediary_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"), index=True)
    # The student import that made this draft (the import result links to its drafts).
    import_batch_id: Mapped[int | None] = mapped_column(ForeignKey("import_batch.id"), index=True)

    organisation = relationship("Organisation", lazy="joined", foreign_keys=[organisation_id])
    person = relationship("Person")
    created_by = relationship("User", foreign_keys=[created_by_id])
    submitted_by = relationship("User", foreign_keys=[submitted_by_id])
    decided_by = relationship("User", foreign_keys=[decided_by_id])
    assigned_to = relationship("User", foreign_keys=[assigned_to_id])
    refusal_proposed_by = relationship("User", foreign_keys=[refusal_proposed_by_id])
    clock_suspensions = relationship(
        "ClockSuspension", back_populates="application", order_by="ClockSuspension.id"
    )
    events = relationship("StatusEvent", back_populates="application", order_by="StatusEvent.id")
    fee = relationship("Fee", back_populates="application", uselist=False)

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class StatusEvent(db.Model):
    """One step in a case's life: the sponsor's timeline and the process-mining log."""

    __tablename__ = "status_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("application.id"), index=True)
    from_status: Mapped[ApplicationStatus | None] = mapped_column(
        enum_type(ApplicationStatus, "from_status")
    )
    to_status: Mapped[ApplicationStatus] = mapped_column(enum_type(ApplicationStatus, "to_status"))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    note: Mapped[str | None] = mapped_column(Text)

    application = relationship("Application", back_populates="events")
    actor = relationship("User")


def stamp_status_event(target, args, kwargs) -> None:
    """An event's time is when the step was taken, not when the session happened to flush it:
    a draft started and submitted in one transaction keeps its steps in order."""
    kwargs.setdefault("occurred_at", utcnow())
