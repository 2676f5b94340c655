"""Group booking (universities): a block of slots at one desk on one day, each student named;
all or nothing, or the next days where the group fits are offered."""

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.appointments import booking, groups, messages, needs
from portal.blueprints.appointments import bp
from portal.blueprints.appointments.forms import GroupForm
from portal.extensions import db
from portal.formatting import date_text
from portal.models import AppointmentKind
from portal.permissions import Permission, requires


@bp.route("/group/<kind>", methods=["GET", "POST"])
@requires(Permission.APPLICATION_SUBMIT)
def group(kind: str):
    try:
        kind = AppointmentKind(kind)
    except ValueError:
        abort(404)
    waiting = [n for n in needs.needs(g.organisation.id, g.context.in_scope) if n.kind == kind]
    desks = booking.active_desks()
    form = GroupForm()
    form.desk.choices = [("", _("Choose a desk"))] + [(str(d.id), d.name) for d in desks]
    desk = next(
        (d for d in desks if str(d.id) == (form.desk.data or request.args.get("desk"))), None
    )
    days = groups.open_days(desk, kind) if desk is not None else []
    form.day.choices = [("", _("Choose a day"))] + [(d.isoformat(), date_text(d)) for d in days]
    form.people.choices = [(str(n.application.id), n.person.full_name) for n in waiting]
    context = {"kind": kind, "kind_label": messages.KIND[kind.value], "waiting": waiting}
    if request.method == "GET" or not form.validate_on_submit() or desk is None:
        if request.method == "POST" and desk is None and not form.desk.errors:
            form.desk.errors = [_("Choose a desk")]
        status = 400 if request.method == "POST" else 200
        return render_template("appointments/group.html", form=form, **context), status
    chosen = [n for n in waiting if str(n.application.id) in form.people.data]
    day = next((d for d in days if d.isoformat() == form.day.data), None)
    if day is None:
        form.day.errors = [messages.REFUSED["closed"]]
        return render_template("appointments/group.html", form=form, **context), 400
    try:
        booked = groups.book_group(chosen, desk, kind, day, current_user)
    except groups.GroupDoesNotFit as refused:
        form.day.errors = [messages.REFUSED["group_does_not_fit"]]
        context["next_days"] = refused.next_days
        return render_template("appointments/group.html", form=form, **context), 409
    db.session.commit()
    flash(
        _(
            "%(count)d appointments are booked. The confirmations are in your inbox.",
            count=len(booked),
        ),
        "success",
    )
    return redirect(url_for("appointments.index"))
