"""Management figures for appointments (issue 23), as charts with tables (portal/charts.py):
utilisation per desk and ISO week (seats taken of seats offered), the lead time to the first
free slot per desk and kind (now), and the no-show rate per ISO week (of appointments whose
outcome was recorded)."""

from datetime import date, time, timedelta

from flask_babel import gettext as _
from sqlalchemy import select

from portal import charts, clock
from portal.appointments import booking, calendar
from portal.extensions import db
from portal.formatting import date_text
from portal.models import Appointment, AppointmentKind, AppointmentStatus

WEEKS_BACK = 4
WEEKS_AHEAD = 4


def _mondays(today: date) -> list[date]:
    monday = today - timedelta(days=today.weekday())
    return [monday + timedelta(weeks=n) for n in range(-WEEKS_BACK, WEEKS_AHEAD + 1)]


def _week_categories(mondays) -> list[charts.Category]:
    return [
        charts.Category(
            f"W{m.isocalendar().week:02d}", f"W{m.isocalendar().week:02d} ({date_text(m)})"
        )
        for m in mondays
    ]


def utilisation_chart(today: date) -> charts.Chart:
    mondays = _mondays(today)
    desks = booking.active_desks()
    first, last = mondays[0], mondays[-1] + timedelta(days=6)
    taken: dict = {}
    for kind in AppointmentKind:
        for slot in calendar.slots(desks, kind, first, last):
            local_day = calendar.local(slot.starts_at).date()
            key = (slot.desk.id, local_day - timedelta(days=local_day.weekday()))
            booked, seats = taken.get(key, (0, 0))
            taken[key] = (booked + min(slot.booked, slot.capacity), seats + slot.capacity)
    series = []
    for desk in desks:
        values = []
        for monday in mondays:
            booked, seats = taken.get((desk.id, monday), (0, 0))
            values.append(round(100 * booked / seats, 1) if seats else None)
        series.append(charts.Series(desk.name, values))
    return charts.lines(
        _("Utilisation per desk and week"),
        _(
            "Places booked as a share of places offered per ISO week, per desk, from %(start)s"
            " up to and including %(end)s.",
            start=date_text(first),
            end=date_text(last),
        ),
        categories=_week_categories(mondays),
        series=series,
        unit="%",
    )


def lead_time_chart() -> charts.Chart:
    """Days from now to each desk's first free slot, per kind (no free slot within the
    horizon: no value)."""
    desks = booking.active_desks()
    today = clock.today()
    series = []
    kinds = (
        (AppointmentKind.BIOMETRICS, _("Biometrics")),
        (AppointmentKind.COLLECTION, _("Collection")),
    )
    for kind, label in kinds:
        values = []
        for desk in desks:
            free = booking.free_slots(kind, desk, limit=1)
            values.append((calendar.local(free[0].starts_at).date() - today).days if free else None)
        series.append(charts.Series(label, values))
    return charts.bars(
        _("Lead time to the first free slot"),
        _("Days from today to the first free slot at each desk, per kind of appointment."),
        categories=[charts.Category(d.name[:10], d.name) for d in desks],
        series=series,
        unit=_("days"),
    )


def no_show_chart(today: date) -> charts.Chart:
    mondays = _mondays(today)[: WEEKS_BACK + 1]
    start = calendar.at_local(mondays[0], time(0))
    end = calendar.at_local(mondays[-1] + timedelta(days=7), time(0))
    rows = db.session.execute(
        select(Appointment.starts_at, Appointment.status).where(
            Appointment.status.in_((AppointmentStatus.ATTENDED, AppointmentStatus.NO_SHOW)),
            Appointment.starts_at >= start,
            Appointment.starts_at < end,
        )
    ).all()
    counts: dict = {}
    for starts_at, status in rows:
        day = calendar.local(starts_at).date()
        monday = day - timedelta(days=day.weekday())
        missed, total = counts.get(monday, (0, 0))
        counts[monday] = (missed + (status == AppointmentStatus.NO_SHOW), total + 1)
    values = [round(100 * counts[m][0] / counts[m][1], 1) if m in counts else None for m in mondays]
    return charts.lines(
        _("No-show rate per week"),
        _(
            "Appointments where the person did not come, as a share of appointments whose outcome"
            " was recorded, per ISO week from %(start)s.",
            start=date_text(mondays[0]),
        ),
        categories=_week_categories(mondays),
        series=[charts.Series(_("No-show rate"), values)],
        unit="%",
    )
