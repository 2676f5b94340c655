"""Group booking: a block of appointments at one desk on one day for students arriving
together, each named. All or nothing: when the day has too few free places for the whole
group nothing is booked and the next days where the group fits are offered."""

import secrets
from datetime import date, timedelta

from portal import clock
from portal.appointments import booking, calendar
from portal.extensions import db


class GroupDoesNotFit(Exception):
    def __init__(self, next_days: list[date]):
        super().__init__("group_does_not_fit")
        self.next_days = next_days


def open_days(desk, kind) -> list[date]:
    """The days from tomorrow to the horizon on which the desk has any free place."""
    slots = booking.free_slots(kind, desk, limit=10_000)
    return sorted({calendar.local(s.starts_at).date() for s in slots})


def _places(desk, kind, day: date) -> list:
    """The free places on the day, earliest first: one entry per free counter."""
    now = clock.now()
    return [
        slot
        for slot in calendar.slots([desk], kind, day, day)
        if slot.starts_at > now
        for _ in range(slot.free)
    ]


def days_that_fit(desk, kind, size: int, after: date, limit: int = 3) -> list[date]:
    return [d for d in open_days(desk, kind) if d > after and len(_places(desk, kind, d)) >= size][
        :limit
    ]


def book_group(needs, desk, kind, day: date, actor) -> list:
    """Book each need into the earliest free places of the day; all or none."""
    places = _places(desk, kind, day)
    if len(places) < len(needs):
        raise GroupDoesNotFit(days_that_fit(desk, kind, len(needs), day))
    group_ref = "G-" + secrets.token_hex(4).upper()
    booked = []
    savepoint = db.session.begin_nested()
    try:
        for need, slot in zip(needs, places, strict=False):
            booked.append(
                booking.book(
                    need.person,
                    kind,
                    desk,
                    slot.starts_at,
                    actor,
                    application=need.application,
                    group_ref=group_ref,
                )
            )
    except (booking.SlotFull, booking.BookingRefused):
        savepoint.rollback()
        raise GroupDoesNotFit(
            days_that_fit(desk, kind, len(needs), day - timedelta(days=1))
        ) from None
    savepoint.commit()
    return booked
