"""Automatic cancellation: a person reported as having left (a report that the stay or the
employment ended, or the person archived) keeps no booked appointment; each is cancelled with
a letter. Called with one line from portal/duties/reports.py and portal/people/register.py."""

from sqlalchemy import select

from portal.extensions import db
from portal.models import Appointment, AppointmentStatus, ReportKind

LEAVING_REPORTS = frozenset(
    {
        ReportKind.EMPLOYMENT_NOT_STARTED,
        ReportKind.EMPLOYMENT_ENDED,
        ReportKind.LEFT_NETHERLANDS,
        ReportKind.STUDENT_DEREGISTERED,
    }
)


def person_left(person, actor) -> list[Appointment]:
    from portal.appointments import booking

    booked = db.session.scalars(
        select(Appointment).where(
            Appointment.person_id == person.id,
            Appointment.status == AppointmentStatus.BOOKED,
        )
    ).all()
    for appointment in booked:
        booking.cancel(appointment, actor, "person_left")
    return list(booked)


def after_report(report, person, actor) -> None:
    if person is not None and report.kind in LEAVING_REPORTS:
        person_left(person, actor)
