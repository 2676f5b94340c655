"""Booking, moving and cancelling appointments (flushes, never commits).

Capacity is the database's word: a booking takes the first free counter of its slot inside a
savepoint, and `uq_appointment_seat` refuses a counter someone else took in the meantime; then
the next counter is tried. When every counter is taken the booking is refused with SlotFull,
which carries the next free slots to offer."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from portal import audit, clock
from portal.appointments import calendar, letters
from portal.audit import AuditAction
from portal.extensions import db
from portal.models import Appointment, AppointmentKind, AppointmentStatus, Desk
from portal.reference.appointments import appointment_rules


class BookingRefused(Exception):
    """A booking or change the rules refuse; `code` names the message (portal/appointments/
    messages.py)."""

    def __init__(self, code: str, **facts):
        super().__init__(code)
        self.code = code
        self.facts = facts


@dataclass
class SlotFull(Exception):
    """Every counter of the slot was taken (perhaps a moment ago)."""

    next_slots: list = field(default_factory=list)


def horizon_end(now: datetime) -> datetime:
    rules = appointment_rules(clock.local_date(now))
    return now + timedelta(days=rules.horizon_days)


def cutoff_passed(appointment: Appointment, now: datetime | None = None) -> bool:
    now = now or clock.now()
    rules = appointment_rules(clock.local_date(now))
    return appointment.starts_at - now < timedelta(hours=rules.cutoff_hours)


def free_slots(kind: AppointmentKind, desk: Desk | None = None, after=None, limit: int = 12):
    """The earliest free slots from now (or `after`) to the booking horizon, at one desk or at
    every active desk."""
    now = clock.now()
    start = max(after or now, now)
    end = horizon_end(now)
    desks = [desk] if desk is not None else active_desks()
    found = calendar.slots(desks, kind, calendar.local(start).date(), calendar.local(end).date())
    return [s for s in found if s.free and start < s.starts_at <= end][:limit]


def active_desks() -> list[Desk]:
    return list(db.session.scalars(select(Desk).where(Desk.active).order_by(Desk.name)))


def check_slot(desk: Desk, kind: AppointmentKind, starts_at: datetime) -> calendar.Slot:
    now = clock.now()
    if starts_at <= now:
        raise BookingRefused("past")
    if starts_at > horizon_end(now):
        raise BookingRefused("beyond_horizon")
    slot = calendar.find_slot(desk, kind, starts_at)
    if slot is None:
        raise BookingRefused("closed")
    return slot


def _seat(appointment: Appointment, slot: calendar.Slot) -> None:
    """Give the appointment the first counter nobody holds; SlotFull when none is left."""
    for counter in range(1, slot.capacity + 1):
        appointment.counter = counter
        try:
            with db.session.begin_nested():
                db.session.add(appointment)
                db.session.flush()
            return
        except IntegrityError as error:
            if "person_kind" in str(error.orig):
                raise BookingRefused("already_booked") from error
    raise SlotFull(free_slots(slot.kind, after=slot.starts_at))


def book(person, kind, desk, starts_at, actor, *, application=None, group_ref=None, quiet=False):
    """Book `person` into the slot; issues the confirmation letter unless `quiet`."""
    slot = check_slot(desk, kind, starts_at)
    open_one = db.session.scalar(
        select(Appointment.id).where(
            Appointment.person_id == person.id,
            Appointment.kind == kind,
            Appointment.status == AppointmentStatus.BOOKED,
        )
    )
    if open_one is not None:
        raise BookingRefused("already_booked")
    appointment = Appointment(
        organisation_id=person.organisation_id,
        person_id=person.id,
        application_id=application.id if application else None,
        category=person.category,
        desk_id=desk.id,
        kind=kind,
        starts_at=slot.starts_at,
        ends_at=slot.ends_at,
        status=AppointmentStatus.BOOKED,
        group_ref=group_ref,
        booked_by_id=getattr(actor, "id", None),
        booked_at=clock.now(),
    )
    _seat(appointment, slot)
    appointment.desk = desk
    appointment.person = person
    _record(AuditAction.APPOINTMENT_BOOKED, appointment, actor)
    if not quiet:
        letters.issue(appointment, "booked", actor)
    return appointment


def reschedule(appointment: Appointment, desk: Desk, starts_at: datetime, actor) -> Appointment:
    if cutoff_passed(appointment):
        raise BookingRefused("cutoff")
    check_slot(desk, appointment.kind, starts_at)
    _close(appointment, AppointmentStatus.CANCELLED, "rescheduled")
    db.session.flush()
    moved = book(
        appointment.person,
        appointment.kind,
        desk,
        starts_at,
        actor,
        application=appointment.application,
        group_ref=appointment.group_ref,
        quiet=True,
    )
    _record(AuditAction.APPOINTMENT_RESCHEDULED, moved, actor, {"from": appointment.id})
    letters.issue(moved, "rescheduled", actor)
    return moved


def cancel(appointment: Appointment, actor, reason: str = "sponsor", *, letter=True) -> None:
    """Cancel a booked appointment: by the sponsor (until the cut-off), or for a reason the
    portal or the desk gives (the person left, the decision revoked, the desk closed)."""
    if appointment.status != AppointmentStatus.BOOKED:
        raise BookingRefused("not_booked")
    if reason == "sponsor" and cutoff_passed(appointment):
        raise BookingRefused("cutoff")
    _close(appointment, AppointmentStatus.CANCELLED, reason)
    _record(AuditAction.APPOINTMENT_CANCELLED, appointment, actor, {"reason": reason})
    if letter:
        letters.issue(appointment, reason if reason != "sponsor" else "cancelled", actor)
    db.session.flush()


def record_outcome(appointment: Appointment, attended: bool, staff) -> None:
    if appointment.status not in (
        AppointmentStatus.BOOKED,
        AppointmentStatus.ATTENDED,
        AppointmentStatus.NO_SHOW,
    ):
        raise BookingRefused("not_booked")
    if clock.local_date(appointment.starts_at) > clock.today():
        raise BookingRefused("not_yet")
    appointment.status = AppointmentStatus.ATTENDED if attended else AppointmentStatus.NO_SHOW
    appointment.outcome_by_id = staff.id
    appointment.outcome_at = clock.now()
    _record(
        AuditAction.APPOINTMENT_OUTCOME_RECORDED,
        appointment,
        staff,
        {"status": appointment.status.value},
    )
    db.session.flush()


def _close(appointment: Appointment, status: AppointmentStatus, reason: str) -> None:
    appointment.status = status
    appointment.cancel_reason = reason
    appointment.cancelled_at = clock.now()


def _record(action, appointment: Appointment, actor, extra: dict | None = None) -> None:
    audit.record(
        action,
        actor=actor,
        organisation=appointment.organisation,
        target=appointment,
        details={
            "kind": appointment.kind.value,
            "desk": appointment.desk.name,
            "starts_at": appointment.starts_at.isoformat(),
            "person_id": appointment.person_id,
            **(extra or {}),
        },
    )
