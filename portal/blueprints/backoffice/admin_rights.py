"""Requests for administrator rights (issue 25): a supervisor checks with the organisation —
by its contact details in the trade register, never by those in the request — and grants or
refuses."""

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import RadioField, SelectChoice, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from portal import audit
from portal.audit import AuditAction
from portal.blueprints.backoffice import bp
from portal.extensions import db
from portal.forms import BaseForm
from portal.models import AdminRightsRequest, AdminRightsStatus
from portal.organisations import continuity, team
from portal.permissions import Permission, staff_requires


class DecideAdminRightsForm(BaseForm):
    decision = RadioField(
        _l("Decision"),
        choices=[
            SelectChoice("grant", _l("Grant administrator rights")),
            SelectChoice("refuse", _l("Refuse")),
        ],
        validators=[InputRequired(_l("Choose grant or refuse"))],
    )
    note = TextAreaField(
        _l("How you checked, or why you refuse"),
        validators=[Optional(), Length(max=1000, message=_l("Enter at most 1000 characters"))],
    )


@bp.get("/administrator-rights")
@staff_requires(Permission.STAFF_ADMIN_RIGHTS_DECIDE)
def admin_rights_requests():
    return render_template(
        "backoffice/admin_rights_requests.html",
        pending=continuity.pending_requests(),
        decided=continuity.recently_decided(),
    )


@bp.route("/administrator-rights/<int:request_id>", methods=["GET", "POST"])
@staff_requires(Permission.STAFF_ADMIN_RIGHTS_DECIDE)
def admin_rights_request(request_id: int):
    request = db.session.get(AdminRightsRequest, request_id)
    if request is None:
        abort(404)
    form = DecideAdminRightsForm()
    if not form.is_submitted():
        # The page shows the requester's and the administrators' names and e-mail addresses.
        audit.record(
            AuditAction.STAFF_ADMIN_RIGHTS_VIEWED,
            actor=current_user,
            organisation=request.organisation,
            target=request,
        )
        db.session.commit()
    if request.status != AdminRightsStatus.PENDING or not form.validate_on_submit():
        return render_template(
            "backoffice/admin_rights_request.html",
            rights_request=request,
            form=form,
            members=team.members(request.organisation),
        ), (400 if form.is_submitted() else 200)
    grant = form.decision.data == "grant"
    try:
        continuity.decide(request, current_user, grant=grant, note=form.note.data)
    except continuity.AlreadyDecided:
        db.session.rollback()
        flash(
            _("This request has already been decided, or its member left. Nothing changed."),
            "error",
        )
    else:
        db.session.commit()
        flash(
            _("Administrator rights granted.") if grant else _("The request has been refused."),
            "success",
        )
    return redirect(url_for("backoffice.admin_rights_requests"))
