"""The duties dashboard: what is due, overdue and done, derived from the portal's data.

- Extensions: a permit in its extension window (or past its end) is a duty due on its end
  date; done once a residence application about the person was submitted from the day the
  window opened, or once the person's stay ended (portal/people/state.py: reported).
- The yearly study-progress check (organisations recognised for study): due by the date in
  the reference data; done by a declaration, or by a report of insufficient study progress
  filed that year.
- Reports: each filed report, in time or late.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, select

from portal import audit, clock
from portal.audit import AuditAction
from portal.duties import deadlines as duties
from portal.duties import reports
from portal.duties.deadlines import DutyStatus
from portal.extensions import db
from portal.models import (
    Application,
    Category,
    Organisation,
    Permit,
    Person,
    Report,
    ReportKind,
    StudyProgressDeclaration,
    User,
)
from portal.people import permits
from portal.people import state as person_state
from portal.reference.residence import extension_window_months
from portal.residence.rules import add_months, extension_window


@dataclass(frozen=True)
class ExtensionDuty:
    row: permits.PermitRow
    status: DutyStatus
    stay_ended: bool = False


@dataclass(frozen=True)
class StudyProgressDuty:
    year: int
    status: DutyStatus
    declaration: StudyProgressDeclaration | None
    report: Report | None


def _ending_by(today: date) -> date:
    # Only permits that may be in their window are loaded (a week's margin for month ends);
    # the window itself is decided per permit in extension_duties.
    return add_months(today, extension_window_months(today)) + timedelta(days=7)


def extension_query(organisation_id: int, in_scope, today: date, columns=None):
    """The latest permits that may be in their window (`permits.permits_query`) with each
    person's last submitted application to the organisation (`last_submitted`: per candidate,
    by the index on the person, not an aggregate over all the organisation's applications)."""
    last_submitted = (
        select(func.max(Application.submitted_at))
        .where(
            Application.organisation_id == organisation_id,
            Application.person_id == Person.id,
            Application.submitted_at.is_not(None),
        )
        .correlate(Person)
        .scalar_subquery()
        .label("last_submitted")
    )
    return permits.permits_query(organisation_id, in_scope, _ending_by(today), columns).add_columns(
        last_submitted
    )


def extension_facts(organisation_id: int, in_scope, today: date):
    """`extension_query` as plain columns: the to-do list reads them in its one statement."""
    return extension_query(
        organisation_id,
        in_scope,
        today,
        (
            Person.id.label("person_id"),
            Person.given_names.label("given_names"),
            Person.surname.label("surname"),
            Permit.ends_on.label("ends_on"),
        ),
    )


def extension_duty(ends_on: date, last_submitted, status, today: date) -> DutyStatus | None:
    """The rule, from `extension_query`'s facts: None while the permit is valid; else due on
    its end date, done once an application was submitted from the day the window opened or
    once the person's stay ended (the day it was reported)."""
    if permits.window_state(ends_on, today) == "valid":
        return None
    done_on = clock.local_date(last_submitted) if last_submitted is not None else None
    if done_on is not None and done_on < extension_window(ends_on, today)[0]:
        done_on = None
    if status.ended:
        done_on = status.reported_on
    return duties.duty_status(ends_on, today, done_on)


def extension_duties(organisation_id: int, in_scope, today: date) -> list[ExtensionDuty]:
    result = []
    for row in db.session.execute(extension_query(organisation_id, in_scope, today)):
        status = person_state.status_from(row)
        duty = extension_duty(row.Permit.ends_on, row.last_submitted, status, today)
        if duty is not None:
            permit_row = permits.permit_row(row.Permit, row.Person, status, today)
            result.append(ExtensionDuty(permit_row, duty, status.ended))
    result.sort(key=lambda duty: (duty.row.permit.ends_on, duty.row.permit.id))
    return result


def study_progress_applies(organisation: Organisation, scope) -> bool:
    return Category.STUDY in reports.organisation_categories(organisation) and (
        scope is None or Category.STUDY in scope
    )


def _counting_reports(organisation_id: int, year: int):
    """Reports of insufficient study progress filed in the year: each also does the check."""
    return (
        Report.organisation_id == organisation_id,
        Report.kind == ReportKind.INSUFFICIENT_STUDY_PROGRESS,
        Report.filed_on >= date(year, 1, 1),
        Report.filed_on <= date(year, 12, 31),
    )


def study_progress_facts(organisation_id: int, year: int):
    """The facts the year's check is computed from, as one row: the day the declaration says
    it was checked (`checked_on`) and the day the first counting report was filed
    (`reported_on`); the to-do list reads them in its one statement."""
    return select(
        select(StudyProgressDeclaration.checked_on)
        .where(
            StudyProgressDeclaration.organisation_id == organisation_id,
            StudyProgressDeclaration.year == year,
        )
        .scalar_subquery()
        .label("checked_on"),
        select(func.min(Report.filed_on))
        .where(*_counting_reports(organisation_id, year))
        .scalar_subquery()
        .label("reported_on"),
    )


def study_progress_status(today: date, checked_on: date | None, reported_on: date | None):
    """The rule: due by the year's date; done on the earlier of the declaration's check and
    the first report of insufficient progress filed that year."""
    done = [day for day in (checked_on, reported_on) if day is not None]
    due = duties.study_progress_due_in(today.year)
    return duties.duty_status(due, today, min(done) if done else None)


def study_progress_duty(organisation: Organisation, today: date) -> StudyProgressDuty:
    year = today.year
    declaration = db.session.scalar(
        select(StudyProgressDeclaration).where(
            StudyProgressDeclaration.organisation_id == organisation.id,
            StudyProgressDeclaration.year == year,
        )
    )
    report = db.session.scalar(
        select(Report)
        .where(*_counting_reports(organisation.id, year))
        .order_by(Report.filed_on, Report.id)
        .limit(1)
    )
    status = study_progress_status(
        today, declaration and declaration.checked_on, report and report.filed_on
    )
    return StudyProgressDuty(year, status, declaration, report)


class AlreadyDeclared(ValueError):
    pass


def declare_study_progress_checked(
    organisation: Organisation, actor: User, year: int, checked_on: date, today: date
) -> StudyProgressDeclaration:
    if checked_on > today:
        raise ValueError("future")
    exists = db.session.scalar(
        select(StudyProgressDeclaration.id).where(
            StudyProgressDeclaration.organisation_id == organisation.id,
            StudyProgressDeclaration.year == year,
        )
    )
    if exists is not None:
        raise AlreadyDeclared(year)
    declaration = StudyProgressDeclaration(
        organisation_id=organisation.id, year=year, checked_on=checked_on, declared_by_id=actor.id
    )
    db.session.add(declaration)
    db.session.flush()
    audit.record(
        AuditAction.STUDY_PROGRESS_DECLARED,
        actor=actor,
        organisation=organisation,
        target=declaration,
        details={"year": year, "checked_on": checked_on.isoformat()},
    )
    return declaration


def recent_reports(organisation_id: int, in_scope, limit: int = 10) -> list[Report]:
    return db.session.scalars(reports.reports_query(organisation_id, in_scope).limit(limit)).all()
