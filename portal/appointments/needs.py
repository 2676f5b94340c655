"""Who needs an appointment: a person with a positive decision on a case whose kind needs one
(reference data), not archived, with no appointment of that kind booked or attended for that
case. A no-show or a cancellation therefore puts the need back (the to-do item re-opens)."""

from dataclasses import dataclass

from sqlalchemy import and_, exists, select

from portal import clock
from portal.extensions import db
from portal.models import (
    Application,
    ApplicationStatus,
    Appointment,
    AppointmentKind,
    AppointmentStatus,
    Person,
)
from portal.reference.appointments import needed_kinds


@dataclass(frozen=True)
class Need:
    person: Person
    application: Application
    kind: AppointmentKind


def needs_query(organisation_id: int, in_scope):
    """The (application, person) rows `needs` reads: the to-do list asks whether any exist."""
    kinds = needed_kinds(clock.today())
    served = exists().where(
        Appointment.application_id == Application.id,
        Appointment.status.in_((AppointmentStatus.BOOKED, AppointmentStatus.ATTENDED)),
    )
    return (
        select(Application, Person)
        .join(Person, Person.id == Application.person_id)
        .where(
            Application.organisation_id == organisation_id,
            Application.status == ApplicationStatus.GRANTED,
            Application.kind.in_(sorted(kinds)),
            Person.archived_at.is_(None),
            in_scope(Application.category),
            ~served,
        )
        .order_by(Application.decided_at, Application.id)
    )


def needs(organisation_id: int, in_scope, person_id: int | None = None) -> list[Need]:
    kinds = needed_kinds(clock.today())
    query = needs_query(organisation_id, in_scope)
    if person_id is not None:
        query = query.where(Person.id == person_id)
    return [
        Need(person, application, AppointmentKind(kinds[application.kind.value]))
        for application, person in db.session.execute(query)
    ]


def upcoming(organisation_id: int, in_scope) -> list[Appointment]:
    return list(
        db.session.scalars(
            select(Appointment)
            .where(
                and_(
                    Appointment.organisation_id == organisation_id,
                    Appointment.status == AppointmentStatus.BOOKED,
                    in_scope(Appointment.category),
                )
            )
            .order_by(Appointment.starts_at)
        )
    )


def of_application(application_id: int) -> list[Appointment]:
    """A case's desk visits, newest first: booked, attended, missed or cancelled (shown on the
    sponsor's case page and the back office's)."""
    return list(
        db.session.scalars(
            select(Appointment)
            .where(Appointment.application_id == application_id)
            .order_by(Appointment.starts_at.desc(), Appointment.id.desc())
        )
    )
