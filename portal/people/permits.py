"""Residence permits held by sponsored people: recorded when granted, shown with their end date.

A permit is in the extension window from N months before its end (residence_rules.
extension_window, from reference data) up to and including its last day; past it, expired.
Whatever its dates, it has *ended* once the sponsor reported that the person's stay ended or
that they left (portal/people/state.py): no extension is offered for it.
"""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, func, select

from portal.extensions import db
from portal.models import Application, ApplicationKind, Permit, Person
from portal.models.application import OPEN_STATUSES
from portal.people import state as person_state
from portal.residence import rules as residence_rules

STATES = ("valid", "extension", "expired", "ended")


class NotAboutAPerson(ValueError):
    """A permit is for a person; the application names none."""


def record_grant(
    application: Application, start: date, end: date, permit_number: str | None = None
) -> Permit:
    """The permit a granted residence application gives (for the back office's grant path).

    Flushes, never commits. Call it where a residence application is granted, with the
    validity decided on.
    """
    if application.person_id is None:
        raise NotAboutAPerson(application.id)
    if end < start:
        raise ValueError("a permit cannot end before it starts")
    permit = Permit(
        organisation_id=application.organisation_id,
        person_id=application.person_id,
        application_id=application.id,
        kind=application.kind,
        category=application.category,
        permit_number=permit_number,
        starts_on=start,
        ends_on=end,
    )
    db.session.add(permit)
    db.session.flush()
    return permit


def window_state(ends_on: date, today: date) -> str:
    """By the dates alone: "valid", "extension" (in the window) or "expired"."""
    opens, closes = residence_rules.extension_window(ends_on, today)
    if today > closes:
        return "expired"
    if today >= opens:
        return "extension"
    return "valid"


@dataclass(frozen=True)
class PermitRow:
    permit: Permit
    person: Person
    state: str  # one of STATES: "ended" when the person's stay ended, else by the dates
    window_opens: date
    window_state: str  # by the dates alone: "valid", "extension" or "expired"
    person_status: person_state.PersonStatus = person_state.CURRENT


def permits_query(organisation_id: int, in_scope, ending_by: date | None = None, columns=None):
    """Each current (non-archived) sponsored person's latest permit (by end date, then id) with
    the facts of the person's state (`person_state.with_status_facts`); by default the rows are
    (Permit, Person, facts…), or the `columns` given.

    With `ending_by`, only people whose latest permit ends on or before that day (the duties
    and the to-do list need only permits in or past their extension window: at a university
    with thousands of students most are not, and are left in the database)."""
    ranked = (
        select(
            Permit.id,
            func.row_number()
            .over(partition_by=Permit.person_id, order_by=(Permit.ends_on.desc(), Permit.id.desc()))
            .label("rank"),
        )
        .where(Permit.organisation_id == organisation_id)
        .subquery("ranked_permit")
    )
    query = (
        select(*(columns or (Permit, Person)))
        .select_from(Permit)
        .join(ranked, and_(ranked.c.id == Permit.id, ranked.c.rank == 1))
        .join(Person, Person.id == Permit.person_id)
        .where(
            Person.organisation_id == organisation_id,
            Person.archived_at.is_(None),
            in_scope(Person.category),
        )
    )
    if ending_by is not None:
        query = query.where(Permit.ends_on <= ending_by)
    return person_state.with_status_facts(query, organisation_id, Person)


def permit_row(permit: Permit, person: Person, status, today: date) -> PermitRow:
    window = window_state(permit.ends_on, today)
    return PermitRow(
        permit,
        person,
        "ended" if status.ended else window,
        residence_rules.extension_window(permit.ends_on, today)[0],
        window,
        status,
    )


def current_permits(
    organisation_id: int, in_scope, today: date, ending_by: date | None = None
) -> list[PermitRow]:
    """Every current sponsored person's latest permit (`permits_query`), sorted by end date."""
    rows = db.session.execute(permits_query(organisation_id, in_scope, ending_by)).all()
    result = [
        permit_row(row.Permit, row.Person, person_state.status_from(row), today) for row in rows
    ]
    result.sort(key=lambda row: (row.permit.ends_on, row.permit.id))
    return result


def current_permit_of(person: Person) -> Permit | None:
    return db.session.scalar(
        select(Permit)
        .where(Permit.person_id == person.id, Permit.organisation_id == person.organisation_id)
        .order_by(Permit.ends_on.desc(), Permit.id.desc())
        .limit(1)
    )


def open_applications(organisation_id: int, person_ids) -> dict[int, Application]:
    """The latest open residence application (a draft included) about each of these people:
    where one is under way, the overview links it rather than offering to start another."""
    if not person_ids:
        return {}
    found = db.session.scalars(
        select(Application)
        .where(
            Application.organisation_id == organisation_id,
            Application.person_id.in_(sorted(person_ids)),
            Application.kind != ApplicationKind.RECOGNITION,
            Application.status.in_(OPEN_STATUSES),
        )
        .order_by(Application.created_at, Application.id)
    )
    return {application.person_id: application for application in found}
