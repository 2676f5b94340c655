"""When a desk is open and which slots it offers, in Europe/Amsterdam local time.

A day's hours come from, in order: a one-off day (DeskDay), a Dutch public holiday (closed,
from the `holidays` package), the regular hours of that weekday. Slots are cut from the local
opening hours with the kind's slot length and turned into UTC with zoneinfo, so a desk that
opens at 09:00 opens at 09:00 local time on both sides of a daylight-saving change."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import cache

import holidays
from sqlalchemy import func, select

from portal.clock import AMSTERDAM
from portal.extensions import db
from portal.models import Appointment, AppointmentKind, AppointmentStatus, Desk, DeskDay


@cache
def _dutch_holidays(year: int) -> dict:
    return dict(holidays.country_holidays("NL", years=year, language="en_US"))


def public_holiday(day: date) -> str | None:
    """The name of the Dutch public holiday on `day`, or None."""
    return _dutch_holidays(day.year).get(day)


@dataclass(frozen=True)
class DayHours:
    opens: time | None  # None: closed
    closes: time | None
    counters_cap: int | None  # a one-off limit on counters
    reason: str | None  # why closed or changed (a holiday's name, a one-off's reason)

    @property
    def open(self) -> bool:
        return self.opens is not None


def one_off_days(desk_ids, start: date, end: date) -> dict[tuple[int, date], DeskDay]:
    rows = db.session.scalars(
        select(DeskDay).where(DeskDay.desk_id.in_(list(desk_ids)), DeskDay.day.between(start, end))
    )
    return {(row.desk_id, row.day): row for row in rows}


def hours_on(desk: Desk, day: date, one_offs: dict) -> DayHours:
    one_off = one_offs.get((desk.id, day))
    regular = next((h for h in desk.hours if h.weekday == day.weekday()), None)
    if one_off is not None:
        if one_off.closed:
            return DayHours(None, None, None, one_off.reason)
        opens = one_off.opens or (regular.opens if regular else None)
        closes = one_off.closes or (regular.closes if regular else None)
        if opens is None or closes is None:
            return DayHours(None, None, None, one_off.reason)
        return DayHours(opens, closes, one_off.counters, one_off.reason)
    holiday = public_holiday(day)
    if holiday is not None:
        return DayHours(None, None, None, holiday)
    if regular is None or not desk.active:
        return DayHours(None, None, None, None)
    return DayHours(regular.opens, regular.closes, None, None)


def local(moment: datetime) -> datetime:
    return moment.astimezone(AMSTERDAM)


def at_local(day: date, clock_time: time) -> datetime:
    """A local wall-clock time on a day, in UTC (zoneinfo picks the offset of that day)."""
    return datetime.combine(day, clock_time, tzinfo=AMSTERDAM).astimezone(UTC)


@dataclass(frozen=True)
class Slot:
    desk: Desk
    kind: AppointmentKind
    starts_at: datetime  # UTC
    ends_at: datetime
    capacity: int
    booked: int

    @property
    def free(self) -> int:
        return max(self.capacity - self.booked, 0)

    @property
    def local_start(self) -> datetime:
        return local(self.starts_at)

    @property
    def key(self) -> str:
        """How a form names the slot: desk id and UTC start."""
        return f"{self.desk.id}:{self.starts_at.strftime('%Y%m%dT%H%M')}"


def parse_key(key: str) -> tuple[int, datetime] | None:
    try:
        desk_id, start = key.split(":", 1)
        return int(desk_id), datetime.strptime(start, "%Y%m%dT%H%M").replace(tzinfo=UTC)
    except (ValueError, AttributeError):
        return None


def capacity(desk: Desk, kind: AppointmentKind, hours: DayHours) -> int:
    counters = desk.counters(kind)
    return counters if hours.counters_cap is None else min(counters, hours.counters_cap)


def _starts(desk: Desk, kind: AppointmentKind, day: date, hours: DayHours):
    step = timedelta(minutes=desk.minutes(kind))
    start = datetime.combine(day, hours.opens)
    end = datetime.combine(day, hours.closes)
    while start + step <= end:
        yield at_local(day, start.time()), step
        start += step


def booked_counts(desk_ids, kind, start: datetime, end: datetime) -> dict:
    rows = db.session.execute(
        select(Appointment.desk_id, Appointment.starts_at, func.count())
        .where(
            Appointment.desk_id.in_(list(desk_ids)),
            Appointment.kind == kind,
            Appointment.status != AppointmentStatus.CANCELLED,
            Appointment.starts_at >= start,
            Appointment.starts_at < end,
        )
        .group_by(Appointment.desk_id, Appointment.starts_at)
    )
    return {(desk_id, starts_at): count for desk_id, starts_at, count in rows}


def slots(desks, kind: AppointmentKind, first: date, last: date) -> list[Slot]:
    """Every slot of the desks for `kind` on the local days first..last, in time order."""
    desks = list(desks)
    if not desks:
        return []
    ids = [d.id for d in desks]
    one_offs = one_off_days(ids, first, last)
    counts = booked_counts(
        ids, kind, at_local(first, time(0)), at_local(last + timedelta(days=1), time(0))
    )
    found = []
    day = first
    while day <= last:
        for desk in desks:
            hours = hours_on(desk, day, one_offs)
            if not hours.open:
                continue
            seats = capacity(desk, kind, hours)
            for starts_at, step in _starts(desk, kind, day, hours):
                booked = counts.get((desk.id, starts_at), 0)
                found.append(Slot(desk, kind, starts_at, starts_at + step, seats, booked))
        day += timedelta(days=1)
    return sorted(found, key=lambda s: (s.starts_at, s.desk.name))


def find_slot(desk: Desk, kind: AppointmentKind, starts_at: datetime) -> Slot | None:
    """The desk's slot starting at that moment, or None (closed, not a slot start)."""
    day = local(starts_at).date()
    return next((s for s in slots([desk], kind, day, day) if s.starts_at == starts_at), None)
