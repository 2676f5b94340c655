"""The appointment letter: booked, moved, cancelled (by the sponsor, or because the person
left, the decision was revoked or the desk closed). One letter kind; `change` picks the words.
The letter says what to bring; the calendar file is downloaded from the portal, since the
e-mail notice carries no personal data."""

from portal import clock
from portal.appointments.calendar import local
from portal.letters.issuing import issue_letter
from portal.models import LetterKind
from portal.reference.appointments import appointment_rules

CHANGES = ("booked", "rescheduled", "cancelled", "person_left", "decision_revoked", "desk_closed")


def issue(appointment, change: str, actor):
    assert change in CHANGES, change
    start = local(appointment.starts_at)
    return issue_letter(
        appointment.organisation,
        LetterKind.APPOINTMENT,
        actor=actor,
        person=appointment.person,
        application=appointment.application,
        category=appointment.category.value,
        change=change,
        appointment_kind=appointment.kind.value,
        desk=appointment.desk,
        start_day=start.date(),
        start_time=start.strftime("%H:%M"),
        cutoff_hours=appointment_rules(clock.today()).cutoff_hours,
    )
