"""An organisation that survives its people: a member asks the IND for administrator rights,
and administrators keep or remove members who have not signed in for a while."""

from flask import abort, flash, g, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import TextAreaField
from wtforms.validators import DataRequired, Length

from portal.blueprints.organisation import bp
from portal.blueprints.organisation.team import get_membership_or_404
from portal.extensions import db
from portal.forms import BaseForm
from portal.models import OrgRole
from portal.organisations import continuity, team_mail
from portal.permissions import Permission, requires


class AdminRightsForm(BaseForm):
    reason = TextAreaField(
        _l("Why do you need administrator rights?"),
        description=_l(
            "For example: the only administrator has left the organisation or can no longer "
            "sign in. The IND checks this with your organisation before it decides."
        ),
        validators=[
            DataRequired(_l("Say why you need administrator rights")),
            Length(max=1000, message=_l("Enter at most 1000 characters")),
        ],
    )


def _own_membership():
    """Only for one's own organisation: never under a mandate."""
    if g.context.on_behalf:
        abort(404)
    return g.membership


@bp.route("/administrator-rights", methods=["GET", "POST"])
@requires(Permission.ORGANISATION_READ)
def administrator_rights():
    membership = _own_membership()
    form = AdminRightsForm()
    status = 200
    if form.is_submitted():
        status = 400
        if membership.role != OrgRole.ADMINISTRATOR and form.validate():
            try:
                continuity.request_rights(membership, form.reason.data, current_user)
            except continuity.RequestPending:
                db.session.rollback()
                flash(_("Your request is already waiting for the IND."), "info")
            else:
                db.session.commit()
                flash(
                    _(
                        "Your request has been sent to the IND. You will get an e-mail when "
                        "it has been decided."
                    ),
                    "success",
                )
            return redirect(url_for("organisation.administrator_rights"))
    return render_template(
        "organisation/administrator_rights.html",
        form=form,
        membership=membership,
        administrators=team_mail.administrator_names(g.organisation),
        working=continuity.working_administrators(g.organisation),
        pending=continuity.pending_request(membership),
    ), status


@bp.post("/team/<int:membership_id>/keep")
@requires(Permission.MEMBER_MANAGE)
def keep_member(membership_id: int):
    membership = get_membership_or_404(membership_id)
    continuity.keep_member(membership, current_user)
    db.session.commit()
    flash(_("%(name)s stays in the team.", name=membership.user.name), "success")
    return redirect(url_for("organisation.team", _anchor="review"))
