"""IND desks (issue 23, desk-planning permission): desks with hours, slot lengths and counters,
one-off days and public holidays, the week view, the printable day list, attended or no-show."""

from datetime import date, timedelta

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from portal import audit, clock
from portal.appointments import booking, calendar, desks, figures, messages
from portal.audit import AuditAction
from portal.blueprints.backoffice import bp
from portal.blueprints.backoffice.desk_forms import WEEKDAYS, DeskDayForm, DeskForm, parse_time
from portal.extensions import db
from portal.forms import EmptyForm
from portal.models import Appointment, Desk
from portal.permissions import Permission, staff_has, staff_requires

PLANNING = Permission.STAFF_DESK_PLANNING


def _desk_or_404(desk_id: int) -> Desk:
    return db.session.get(Desk, desk_id) or abort(404)


@bp.get("/desks")
@staff_requires(PLANNING)
def desks_index():
    rows = db.session.scalars(select(Desk).order_by(Desk.name)).all()
    can_see_figures = staff_has(current_user, Permission.STAFF_REPORTS_READ)
    return render_template("backoffice/desks/index.html", desks=rows, figures=can_see_figures)


@bp.route("/desks/new", methods=["GET", "POST"])
@staff_requires(PLANNING)
def desk_new():
    return _desk_form(None)


@bp.route("/desks/<int:desk_id>", methods=["GET", "POST"])
@staff_requires(PLANNING)
def desk_edit(desk_id: int):
    return _desk_form(_desk_or_404(desk_id))


def _desk_form(desk: Desk | None):
    data = {name: getattr(desk, name) for name in desks.DESK_FIELDS} if desk else {"active": True}
    for hours in desk.hours if desk else ():
        data[f"opens_{hours.weekday}"] = hours.opens.strftime("%H:%M")
        data[f"closes_{hours.weekday}"] = hours.closes.strftime("%H:%M")
    form = DeskForm(data=data)
    affected = []
    if form.validate_on_submit():
        hours = form.hours()
        if hours is not None:
            values = {name: form[name].data for name in desks.DESK_FIELDS}
            desk, affected, saved = desks.save_desk(
                desk, values, hours, current_user, form.confirm.data
            )
            if saved:
                db.session.commit()
                flash(_("The desk is saved."), "success")
                return redirect(url_for("backoffice.desks_index"))
    status = 400 if request.method == "POST" else 200
    page = render_template(
        "backoffice/desks/edit.html", form=form, desk=desk, weekdays=WEEKDAYS, affected=affected
    )
    return page, status


@bp.route("/desks/<int:desk_id>/days", methods=["GET", "POST"])
@staff_requires(PLANNING)
def desk_days(desk_id: int):
    desk = _desk_or_404(desk_id)
    form = DeskDayForm()
    affected = []
    if form.validate_on_submit():
        opens, closes = parse_time(form.opens.data), parse_time(form.closes.data)
        if (
            (form.opens.data and opens is None)
            or (form.closes.data and closes is None)
            or (opens and closes and opens >= closes)
        ):
            form.opens.errors = [
                _("Enter opening and closing times like 09:00 and 17:00, opening first")
            ]
        else:
            affected, saved = desks.set_day(
                desk,
                form.day.data,
                current_user,
                closed=form.closed.data,
                opens=opens,
                closes=closes,
                counters=form.counters.data,
                reason=form.reason.data,
                confirm=form.confirm.data,
            )
            if saved:
                db.session.commit()
                flash(
                    _("Saved. Cancelled with a rebooking letter: %(count)d.", count=len(affected)),
                    "success",
                )
                return redirect(url_for("backoffice.desk_days", desk_id=desk.id))
    today = clock.today()
    holidays = [
        (today + timedelta(days=n), calendar.public_holiday(today + timedelta(days=n)))
        for n in range(366)
        if calendar.public_holiday(today + timedelta(days=n))
    ]
    return render_template(
        "backoffice/desks/days.html",
        desk=desk,
        form=form,
        affected=affected,
        one_offs=desks.one_off_list(desk, today),
        holidays=holidays,
    ), (400 if request.method == "POST" else 200)


FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(2999, 12, 31)  # plans outside these: none


def _day(text: str) -> date:
    try:
        day = date.fromisoformat(text)
    except ValueError:
        abort(404)
    if not FIRST_DAY <= day <= LAST_DAY:
        abort(404)
    return day


def _day_arg(name: str, default: date) -> date:
    return _day(request.args[name]) if request.args.get(name) else default


@bp.get("/desks/<int:desk_id>/week")
@staff_requires(PLANNING)
def desk_week(desk_id: int):
    desk = _desk_or_404(desk_id)
    start = _day_arg("week", clock.today())
    monday = start - timedelta(days=start.weekday())
    return render_template(
        "backoffice/desks/week.html",
        desk=desk,
        monday=monday,
        days=desks.week(desk, monday),
        previous=monday - timedelta(days=7),
        following=monday + timedelta(days=7),
        kinds=messages.KIND,
    )


@bp.get("/desks/<int:desk_id>/day/<day>")
@staff_requires(PLANNING)
def desk_day(desk_id: int, day: str):
    desk = _desk_or_404(desk_id)
    on = _day(day)
    rows = desks.day_list(desk, on)
    audit.record(
        AuditAction.STAFF_DESK_DAY_LIST_VIEWED,
        actor=current_user,
        target=desk,
        details={"day": on.isoformat(), "count": len(rows)},
    )
    db.session.commit()
    hours = calendar.hours_on(desk, on, calendar.one_off_days([desk.id], on, on))
    return render_template(
        "backoffice/desks/day.html",
        desk=desk,
        day=on,
        hours=hours,
        appointments=rows,
        form=EmptyForm(),
        kinds=messages.KIND,
        statuses=messages.STATUS,
        today=clock.today(),
    )


@bp.post("/appointments/<int:appointment_id>/outcome")
@staff_requires(PLANNING)
def appointment_outcome(appointment_id: int):
    appointment = db.session.get(Appointment, appointment_id) or abort(404)
    outcome = request.form.get("outcome")
    if not EmptyForm().validate_on_submit() or outcome not in ("attended", "no_show"):
        abort(400)
    try:
        booking.record_outcome(appointment, outcome == "attended", current_user)
    except booking.BookingRefused as refused:
        flash(messages.REFUSED[refused.code], "error")
    else:
        db.session.commit()
        flash(_("Recorded."), "success")
    day = calendar.local(appointment.starts_at).date().isoformat()
    return redirect(url_for("backoffice.desk_day", desk_id=appointment.desk_id, day=day))


@bp.get("/desks/figures")
@staff_requires(Permission.STAFF_REPORTS_READ)
def appointment_figures():
    today = clock.today()
    return render_template(
        "backoffice/desks/figures.html",
        utilisation=figures.utilisation_chart(today),
        lead_time=figures.lead_time_chart(),
        no_shows=figures.no_show_chart(today),
    )
