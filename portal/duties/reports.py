"""Reports of changes under the duty to inform: filed, dated, acknowledged by letter.

The due date is the event date plus the reporting period (duties.report_due_date); a report
filed after it is kept and acknowledged like any other, and says how many days late it was.
"""

from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select

from portal import audit
from portal.appointments import departures
from portal.audit import AuditAction
from portal.duties import deadlines as duties
from portal.extensions import db
from portal.labels import CATEGORY
from portal.letters.issuing import issue_letter
from portal.models import (
    Category,
    LetterKind,
    Organisation,
    Person,
    Report,
    ReportKind,
    User,
)
from portal.models.duty import ORGANISATION_REPORTS, PERSON_REPORT_CATEGORIES, about_person
from portal.models.recognition import RecognitionStatus
from portal.reference import ReferenceDataMissing

PAGE_SIZE = 50


class ReportRefused(ValueError):
    """The report cannot be filed as given; `field` names the form field at fault."""

    def __init__(self, field: str, code: str):
        super().__init__(code)
        self.field = field
        self.code = code


REFUSALS = {
    "future": lambda p: _("The date of the event cannot be in the future"),
    "no_period": lambda p: _(
        "The portal knows no reporting period for a change on that date. Check the year."
    ),
    "person_required": lambda p: _("Choose the person this report is about"),
    "person_not_expected": lambda p: _(
        "A report about the organisation is not about a person: choose 'None' as the person"
    ),
    "kind_not_for_category": lambda p: _(
        "This report does not apply to %(name)s, who is sponsored under %(category)s",
        name=p.full_name if p else "",
        category=str(CATEGORY[p.category]).lower() if p else "",
    ),
}


def refusal_message(code: str, person: Person | None) -> str:
    """The words for a ReportRefused code, as the report form and the API show them."""
    return REFUSALS[code](person)


def organisation_categories(organisation: Organisation) -> set[Category]:
    """The categories the organisation is (or was) recognised in: granted or suspended."""
    return {
        r.category
        for r in organisation.recognitions
        if r.status in (RecognitionStatus.GRANTED, RecognitionStatus.SUSPENDED)
    }


def kinds_offered(
    organisation: Organisation, scope: frozenset[Category] | None, person: Person | None = None
) -> list[ReportKind]:
    """The kinds of report this organisation may file (within a mandate's scope).

    About a person: the kinds for the categories of the organisation's recognitions (for one
    person: that person's category). About the organisation: only when acting without a
    mandate limited to categories, and never when a person is chosen.
    """
    categories = organisation_categories(organisation)
    if person is not None:
        categories = {person.category}
    if scope is not None:
        categories &= set(scope)
    kinds = [k for k, cats in PERSON_REPORT_CATEGORIES.items() if cats & categories]
    if scope is None and person is None:
        kinds.extend(ORGANISATION_REPORTS)
    return kinds


def file_report(
    organisation: Organisation,
    actor: User,
    *,
    kind: ReportKind,
    event_date: date,
    details: str,
    person: Person | None,
    today: date,
) -> Report:
    """File a report and issue its acknowledgement letter (flushes, never commits)."""
    if event_date > today:
        raise ReportRefused("event_date", "future")
    try:
        due_on = duties.report_due_date(event_date)
    except ReferenceDataMissing as error:
        raise ReportRefused("event_date", "no_period") from error
    category = None
    if person is not None and not about_person(kind):
        raise ReportRefused("person", "person_not_expected")
    if about_person(kind):
        if person is None:
            raise ReportRefused("person", "person_required")
        if person.category not in PERSON_REPORT_CATEGORIES[kind]:
            raise ReportRefused("kind", "kind_not_for_category")
        category = person.category
    report = Report(
        organisation_id=organisation.id,
        kind=kind,
        category=category,
        person_id=person.id if person else None,
        event_date=event_date,
        filed_on=today,
        due_on=due_on,
        details=details,
        filed_by_id=actor.id,
    )
    db.session.add(report)
    db.session.flush()
    letter = issue_letter(
        organisation,
        LetterKind.REPORT_ACKNOWLEDGEMENT,
        actor=actor,
        person=person,
        category=category.value if category else None,
        report=report,
    )
    report.letter_id = letter.id
    departures.after_report(report, person, actor)  # appointments of a person who left (#23)
    audit.record(
        AuditAction.REPORT_FILED,
        actor=actor,
        organisation=organisation,
        target=report,
        details={
            "kind": kind.value,
            "event_date": event_date.isoformat(),
            "due_on": report.due_on.isoformat(),
            "days_late": report.days_late,
            "person_id": report.person_id,
        },
    )
    db.session.flush()
    return report


def reports_query(organisation_id: int, in_scope):
    return (
        select(Report)
        .where(Report.organisation_id == organisation_id, in_scope(Report.category))
        .order_by(Report.id.desc())
    )


@dataclass
class ReportPage:
    reports: list[Report]
    next_before: int | None


def report_page(organisation_id: int, in_scope, before: int | None = None) -> ReportPage:
    """Newest first, keyset-paginated on id."""
    query = reports_query(organisation_id, in_scope)
    if before is not None:
        query = query.where(Report.id < before)
    rows = db.session.scalars(query.limit(PAGE_SIZE + 1)).all()
    more = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    return ReportPage(rows, rows[-1].id if more else None)


def reports_of_person(person: Person) -> list[Report]:
    return db.session.scalars(
        select(Report)
        .where(Report.person_id == person.id, Report.organisation_id == person.organisation_id)
        .order_by(Report.id.desc())
    ).all()
