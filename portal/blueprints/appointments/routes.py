"""Sponsors book, move and cancel appointments at IND desks for their people (issue 23)."""

from flask import Response, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from portal import clock
from portal.appointments import booking, calendar, ical, messages, needs
from portal.blueprints.appointments import bp
from portal.blueprints.appointments.forms import SlotForm
from portal.extensions import db
from portal.forms import EmptyForm
from portal.models import Application, Appointment, AppointmentKind, AppointmentStatus, Desk
from portal.permissions import Permission, requires, scoped_or_404
from portal.reference.appointments import appointment_rules


@bp.get("")
@requires(Permission.APPLICATION_READ)
def index():
    return render_template(
        "appointments/index.html",
        needed=needs.needs(g.organisation.id, g.context.in_scope),
        upcoming=needs.upcoming(g.organisation.id, g.context.in_scope),
        can_book=g.context.can(Permission.APPLICATION_SUBMIT),
        kinds=messages.KIND,
    )


def _need_or_404(application_id: int) -> needs.Need:
    application = scoped_or_404(Application, application_id)
    found = needs.needs(g.organisation.id, g.context.in_scope, application.person_id)
    need = next((n for n in found if n.application.id == application.id), None)
    if need is None:
        abort(404)
    return need


def _choices(kind: AppointmentKind):
    """The desk filter and the free slots shown, earliest first (after `after` for later ones)."""
    desks = booking.active_desks()
    desk = next((d for d in desks if str(d.id) == request.args.get("desk")), None)
    after = calendar.parse_key(request.args.get("after", ""))
    shown = booking.free_slots(kind, desk, after=after[1] if after else None)
    return desks, desk, shown


def _book_page(template, form, kind, status=200, **context):
    desks, desk, shown = _choices(kind)
    if context.get("next_slots") is not None:
        shown = context.pop("next_slots")
    form.slot.choices = [(s.key, s.key) for s in shown]
    later = {"desk": desk.id if desk else None, "after": shown[-1].key} if shown else None
    return (
        render_template(
            template,
            form=form,
            desks=desks,
            desk=desk,
            slots=shown,
            kind_label=messages.KIND[kind.value],
            rules=appointment_rules(clock.today()),
            later_url=url_for(request.endpoint, **request.view_args, **later) if later else None,
            **context,
        ),
        status,
    )


def _chosen(form) -> tuple[Desk, object] | None:
    parsed = calendar.parse_key(form.slot.data or "")
    desk = db.session.get(Desk, parsed[0]) if parsed else None
    if desk is None or not desk.active:
        form.slot.errors = [messages.REFUSED["closed"]]
        return None
    return desk, parsed[1]


@bp.route("/book/<int:application_id>", methods=["GET", "POST"])
@requires(Permission.APPLICATION_SUBMIT)
def new(application_id: int):
    need = _need_or_404(application_id)
    form = SlotForm()
    page = "appointments/book.html"
    if not form.validate_on_submit():
        status = 400 if request.method == "POST" else 200
        return _book_page(page, form, need.kind, status, need=need)
    chosen = _chosen(form)
    if chosen is None:
        return _book_page(page, form, need.kind, 400, need=need)
    try:
        appointment = booking.book(
            need.person, need.kind, chosen[0], chosen[1], current_user, application=need.application
        )
    except booking.BookingRefused as refused:
        form.slot.errors = [messages.REFUSED[refused.code]]
        return _book_page(page, form, need.kind, 400, need=need)
    except booking.SlotFull as full:
        form.slot.errors = [messages.SLOT_FULL]
        return _book_page(page, form, need.kind, 409, need=need, next_slots=full.next_slots)
    db.session.commit()
    flash(_("The appointment is booked. The confirmation is in your inbox."), "success")
    return redirect(url_for("appointments.show", appointment_id=appointment.id))


def _appointment_or_404(appointment_id: int) -> Appointment:
    return scoped_or_404(Appointment, appointment_id)


@bp.get("/<int:appointment_id>")
@requires(Permission.APPLICATION_READ)
def show(appointment_id: int):
    appointment = _appointment_or_404(appointment_id)
    return render_template(
        "appointments/show.html",
        appointment=appointment,
        start=calendar.local(appointment.starts_at),
        late=booking.cutoff_passed(appointment),
        can_change=g.context.can(Permission.APPLICATION_SUBMIT)
        and appointment.status == AppointmentStatus.BOOKED,
        form=EmptyForm(),
        kinds=messages.KIND,
        statuses=messages.STATUS,
        rules=appointment_rules(clock.today()),
    )


@bp.route("/<int:appointment_id>/move", methods=["GET", "POST"])
@requires(Permission.APPLICATION_SUBMIT)
def move(appointment_id: int):
    appointment = _appointment_or_404(appointment_id)
    if appointment.status != AppointmentStatus.BOOKED:
        abort(404)
    page = "appointments/move.html"
    form = SlotForm()
    late = booking.cutoff_passed(appointment)
    start = calendar.local(appointment.starts_at)
    context = {"appointment": appointment, "late": late, "start": start}
    if late or not form.validate_on_submit():
        status = 400 if request.method == "POST" else 200
        return _book_page(page, form, appointment.kind, status, **context)
    chosen = _chosen(form)
    if chosen is None:
        return _book_page(page, form, appointment.kind, 400, **context)
    try:
        moved = booking.reschedule(appointment, chosen[0], chosen[1], current_user)
    except booking.BookingRefused as refused:
        db.session.rollback()
        appointment = _appointment_or_404(appointment_id)
        form.slot.errors = [messages.REFUSED[refused.code]]
        return _book_page(
            page, form, appointment.kind, 400, **context | {"appointment": appointment}
        )
    except booking.SlotFull as full:
        db.session.rollback()
        appointment = _appointment_or_404(appointment_id)
        form.slot.errors = [messages.SLOT_FULL]
        context |= {"appointment": appointment, "next_slots": full.next_slots}
        return _book_page(page, form, appointment.kind, 409, **context)
    db.session.commit()
    flash(_("The appointment is moved. The new confirmation is in your inbox."), "success")
    return redirect(url_for("appointments.show", appointment_id=moved.id))


@bp.post("/<int:appointment_id>/cancel")
@requires(Permission.APPLICATION_SUBMIT)
def cancel(appointment_id: int):
    appointment = _appointment_or_404(appointment_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        booking.cancel(appointment, current_user)
    except booking.BookingRefused as refused:
        flash(messages.REFUSED[refused.code], "error")
        return redirect(url_for("appointments.show", appointment_id=appointment.id))
    db.session.commit()
    flash(_("The appointment is cancelled. The confirmation is in your inbox."), "success")
    return redirect(url_for("appointments.index"))


@bp.get("/<int:appointment_id>/calendar.ics")
@requires(Permission.APPLICATION_READ)
def calendar_file(appointment_id: int):
    appointment = _appointment_or_404(appointment_id)
    body = ical.calendar_file(appointment, str(get_locale()), request.host)
    return Response(
        body,
        mimetype="text/calendar",
        headers={"Content-Disposition": f'attachment; filename="appointment-{appointment.id}.ics"'},
    )


@bp.app_template_filter("amsterdam")
def amsterdam(moment):
    """A stored UTC moment in Dutch local time (appointment pages, desk week view, day list)."""
    return calendar.local(moment)


@bp.app_template_global("case_appointments")
def case_appointments(application) -> list[dict]:
    """The case's desk visits, for the case pages (the caller has already scoped the case)."""
    return [
        {
            "kind": messages.KIND[a.kind.value],
            "status": messages.STATUS[a.status.value],
            "start": calendar.local(a.starts_at),
            "desk": a.desk.name,
        }
        for a in needs.of_application(application.id)
    ]
