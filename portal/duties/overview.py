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
    Report,
    ReportKind,
    StudyProgressDeclaration,
    User,
)
from portal.people import permits
from portal.reference.residence import extension_window_months
from portal.residence.rules import add_months


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


def extension_candidates(organisation_id: int, in_scope, today: date):
    """The query extension_duties starts from (the to-do list asks whether any rows exist)."""
    return permits.permits_query(organisation_id, in_scope, _ending_by(today))


def extension_duties(organisation_id: int, in_scope, today: date) -> list[ExtensionDuty]:
    rows = [
        r
        for r in permits.current_permits(organisation_id, in_scope, today, _ending_by(today))
        if r.window_state != "valid"
    ]
    if not rows:
        return []
    submitted = dict(
        db.session.execute(
            select(Application.person_id, func.max(Application.submitted_at))
            .where(
                Application.organisation_id == organisation_id,
                Application.person_id.in_([r.person.id for r in rows]),
                Application.submitted_at.is_not(None),
            )
            .group_by(Application.person_id)
        ).all()
    )
    result = []
    for row in rows:
        last = submitted.get(row.person.id)
        done_on = clock.local_date(last) if last is not None else None
        if done_on is not None and done_on < row.window_opens:
            done_on = None
        stay_ended = row.person_status.ended
        if stay_ended:
            done_on = row.person_status.reported_on
        result.append(
            ExtensionDuty(row, duties.duty_status(row.permit.ends_on, today, done_on), stay_ended)
        )
    return result


def study_progress_applies(organisation: Organisation, scope) -> bool:
    return Category.STUDY in reports.organisation_categories(organisation) and (
        scope is None or Category.STUDY in scope
    )


def study_progress_duty(organisation: Organisation, today: date) -> StudyProgressDuty:
    year = today.year
    due = duties.study_progress_due_in(year)
    declaration = db.session.scalar(
        select(StudyProgressDeclaration).where(
            StudyProgressDeclaration.organisation_id == organisation.id,
            StudyProgressDeclaration.year == year,
        )
    )
    report = db.session.scalar(
        select(Report)
        .where(
            Report.organisation_id == organisation.id,
            Report.kind == ReportKind.INSUFFICIENT_STUDY_PROGRESS,
            Report.filed_on >= date(year, 1, 1),
            Report.filed_on <= date(year, 12, 31),
        )
        .order_by(Report.filed_on, Report.id)
        .limit(1)
    )
    done = [d for d in (declaration and declaration.checked_on, report and report.filed_on) if d]
    return StudyProgressDuty(
        year, duties.duty_status(due, today, min(done) if done else None), declaration, report
    )


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
