"""Staff manage desks (desk-planning permission): the desk, its weekly hours, slot lengths and
counters per kind, and one-off days (closed, other hours, fewer counters). A change that leaves
booked appointments without a place shows who is affected first; once confirmed, those are
cancelled and each sponsor gets a letter offering rebooking (the to-do item re-opens)."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from portal import audit, clock
from portal.appointments import booking, calendar
from portal.audit import AuditAction
from portal.extensions import db
from portal.models import Appointment, AppointmentKind, AppointmentStatus, Desk, DeskDay, DeskHours

DESK_FIELDS = (
    "name",
    "address",
    "contact",
    "biometrics_minutes",
    "collection_minutes",
    "biometrics_counters",
    "collection_counters",
    "active",
)


@dataclass(frozen=True)
class Affected:
    appointment_id: int
    starts_at: datetime
    kind: AppointmentKind
    person_name: str
    organisation_name: str


def _booked_from(desk: Desk, start: datetime, end: datetime | None = None) -> list[Appointment]:
    query = select(Appointment).where(
        Appointment.desk_id == desk.id,
        Appointment.status == AppointmentStatus.BOOKED,
        Appointment.starts_at >= start,
    )
    if end is not None:
        query = query.where(Appointment.starts_at < end)
    return list(db.session.scalars(query.order_by(Appointment.starts_at)))


def _without_place(desk: Desk, appointments) -> list[Affected]:
    lost = []
    for appointment in appointments:
        slot = calendar.find_slot(desk, appointment.kind, appointment.starts_at)
        if slot is None or appointment.counter > slot.capacity:
            lost.append(
                Affected(
                    appointment.id,
                    appointment.starts_at,
                    appointment.kind,
                    appointment.person.full_name,
                    appointment.organisation.legal_name,
                )
            )
    return lost


def _apply(desk: Desk, change, start: datetime, end: datetime | None, confirm: bool, actor):
    """Make `change`; return who loses their place. Without `confirm` and with someone
    affected, the change is undone (a preview); with it, they are cancelled with a letter."""
    savepoint = db.session.begin_nested()
    change()
    db.session.flush()
    lost = _without_place(desk, _booked_from(desk, start, end))
    if lost and not confirm:
        savepoint.rollback()
        db.session.expire_all()
        return lost, False
    savepoint.commit()
    for item in lost:
        booking.cancel(db.session.get(Appointment, item.appointment_id), actor, "desk_closed")
    return lost, True


def save_desk(desk: Desk | None, values: dict, hours: dict, actor, confirm: bool = False):
    """Create or change a desk; `hours` maps weekday → (opens, closes) or None (closed).
    Returns (desk, affected, saved)."""
    desk = desk or Desk()

    def change():
        for name in DESK_FIELDS:
            setattr(desk, name, values[name])
        db.session.add(desk)
        db.session.flush()
        desk.hours = [
            DeskHours(desk_id=desk.id, weekday=weekday, opens=span[0], closes=span[1])
            for weekday, span in sorted(hours.items())
            if span is not None
        ]

    lost, saved = _apply(desk, change, clock.now(), None, confirm, actor)
    if saved:
        audit.record(
            AuditAction.STAFF_DESK_SAVED,
            actor=actor,
            target=desk,
            details={"name": desk.name, "cancelled": len(lost)},
        )
    return desk, lost, saved


def set_day(desk: Desk, day: date, actor, *, closed, opens, closes, counters, reason, confirm):
    """A one-off day at the desk (replaces an earlier one for that day)."""

    def change():
        row = db.session.get(DeskDay, (desk.id, day)) or DeskDay(desk_id=desk.id, day=day)
        row.closed, row.opens, row.closes = closed, opens, closes
        row.counters, row.reason, row.created_by_id = counters, reason, actor.id
        db.session.add(row)

    start = calendar.at_local(day, time(0))
    end = calendar.at_local(day + timedelta(days=1), time(0))
    lost, saved = _apply(desk, change, start, end, confirm, actor)
    if saved:
        audit.record(
            AuditAction.STAFF_DESK_DAY_SET,
            actor=actor,
            target=desk,
            details={"day": day.isoformat(), "closed": closed, "cancelled": len(lost)},
        )
    return lost, saved


def one_off_list(desk: Desk, today: date) -> list[DeskDay]:
    return list(
        db.session.scalars(
            select(DeskDay)
            .where(DeskDay.desk_id == desk.id, DeskDay.day >= today)
            .order_by(DeskDay.day)
        )
    )


@dataclass(frozen=True)
class WeekDay:
    day: date
    hours: calendar.DayHours
    taken: dict  # kind → (booked, capacity)


def week(desk: Desk, monday: date) -> list[WeekDay]:
    sunday = monday + timedelta(days=6)
    one_offs = calendar.one_off_days([desk.id], monday, sunday)
    per_kind = {kind: calendar.slots([desk], kind, monday, sunday) for kind in AppointmentKind}
    days = []
    for offset in range(7):
        day = monday + timedelta(days=offset)
        taken = {}
        for kind, slots in per_kind.items():
            todays = [s for s in slots if calendar.local(s.starts_at).date() == day]
            taken[kind.value] = (sum(s.booked for s in todays), sum(s.capacity for s in todays))
        days.append(WeekDay(day, calendar.hours_on(desk, day, one_offs), taken))
    return days


def day_list(desk: Desk, day: date) -> list[Appointment]:
    start = calendar.at_local(day, time(0))
    end = calendar.at_local(day + timedelta(days=1), time(0))
    return list(
        db.session.scalars(
            select(Appointment)
            .where(
                Appointment.desk_id == desk.id,
                Appointment.status != AppointmentStatus.CANCELLED,
                Appointment.starts_at >= start,
                Appointment.starts_at < end,
            )
            .order_by(Appointment.starts_at, Appointment.counter)
        )
    )
