"""A sponsor's duties: reports of changes (duty to inform), permits held by sponsored people,
and the yearly study-progress check declaration.

`Report` is the duty-to-inform record: a fact with its event date, filed within 4 weeks.
It is not `ChangeReport` (portal/models/change_report.py), which asks staff to change the
organisation's registered legal identity; a report of a new legal form or a merger is the
notification of the fact, and the profile change still goes through a change report.
"""

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.models.application import ApplicationKind
from portal.models.base import UTCDateTime, enum_type, utcnow
from portal.models.recognition import Category


class ReportKind(StrEnum):
    # About a person
    EMPLOYMENT_NOT_STARTED = "employment_not_started"
    EMPLOYMENT_ENDED = "employment_ended"
    SALARY_BELOW_CRITERION = "salary_below_criterion"
    JOB_CHANGED = "job_changed"
    LEFT_NETHERLANDS = "left_netherlands"
    STUDENT_DEREGISTERED = "student_deregistered"
    INSUFFICIENT_STUDY_PROGRESS = "insufficient_study_progress"
    NO_LONGER_FULL_TIME = "no_longer_full_time"
    # About the organisation
    DIRECTORS_CHANGED = "directors_changed"
    LEGAL_FORM_CHANGED = "legal_form_changed"
    MERGER = "merger"
    BANKRUPTCY = "bankruptcy"


_ALL = frozenset(Category)
# The categories a report about a person applies to; absent = about the organisation.
PERSON_REPORT_CATEGORIES: dict[ReportKind, frozenset[Category]] = {
    ReportKind.EMPLOYMENT_NOT_STARTED: frozenset({Category.LABOUR, Category.RESEARCH}),
    ReportKind.EMPLOYMENT_ENDED: frozenset({Category.LABOUR, Category.RESEARCH}),
    ReportKind.SALARY_BELOW_CRITERION: frozenset({Category.LABOUR}),
    ReportKind.JOB_CHANGED: frozenset({Category.LABOUR, Category.RESEARCH}),
    ReportKind.LEFT_NETHERLANDS: _ALL,
    ReportKind.STUDENT_DEREGISTERED: frozenset({Category.STUDY}),
    ReportKind.INSUFFICIENT_STUDY_PROGRESS: frozenset({Category.STUDY}),
    ReportKind.NO_LONGER_FULL_TIME: frozenset({Category.STUDY}),
}
ORGANISATION_REPORTS = (
    ReportKind.DIRECTORS_CHANGED,
    ReportKind.LEGAL_FORM_CHANGED,
    ReportKind.MERGER,
    ReportKind.BANKRUPTCY,
)


def about_person(kind: ReportKind) -> bool:
    return kind in PERSON_REPORT_CATEGORIES


class Report(db.Model):
    """A change reported under the duty to inform (within 4 weeks of the event)."""

    __tablename__ = "report"
    __table_args__ = (Index("ix_report_organisation", "organisation_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    kind: Mapped[ReportKind] = mapped_column(enum_type(ReportKind, "report_kind"))
    # The person's category for a report about a person; none for the organisation.
    category: Mapped[Category | None] = mapped_column(enum_type(Category, "report_category"))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"), index=True)
    event_date: Mapped[date] = mapped_column(Date)
    filed_on: Mapped[date] = mapped_column(Date)
    due_on: Mapped[date] = mapped_column(Date)
    details: Mapped[str] = mapped_column(Text, default="")
    letter_id: Mapped[int | None] = mapped_column(ForeignKey("letter.id"))
    filed_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    filed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    organisation = relationship("Organisation")
    person = relationship("Person")
    letter = relationship("Letter")
    filed_by = relationship("User")

    @property
    def days_late(self) -> int:
        return max(0, (self.filed_on - self.due_on).days)

    @property
    def late(self) -> bool:
        return self.filed_on > self.due_on


class Permit(db.Model):
    """A residence permit held by a sponsored person (granted on a residence application)."""

    __tablename__ = "permit"
    __table_args__ = (Index("ix_permit_organisation_end", "organisation_id", "ends_on", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    application_id: Mapped[int | None] = mapped_column(ForeignKey("application.id"))
    kind: Mapped[ApplicationKind] = mapped_column(enum_type(ApplicationKind, "permit_kind"))
    category: Mapped[Category] = mapped_column(enum_type(Category, "permit_category"))
    permit_number: Mapped[str | None] = mapped_column(String(20))
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    person = relationship("Person")
    application = relationship("Application")


class StudyProgressDeclaration(db.Model):
    """The organisation declares it completed the yearly study-progress check for a year."""

    __tablename__ = "study_progress_declaration"
    __table_args__ = (UniqueConstraint("organisation_id", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    year: Mapped[int] = mapped_column(Integer)
    checked_on: Mapped[date] = mapped_column(Date)
    declared_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    declared_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
