"""Choosing whom to act for: one of the user's organisations, or a sponsor under a mandate."""

from flask import abort, flash, redirect, render_template, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import RadioField, SelectChoice
from wtforms.validators import InputRequired

from portal import audit, clock
from portal.audit import AuditAction
from portal.blueprints.organisation import bp
from portal.cases.intermediaries import former_clients
from portal.extensions import db
from portal.formatting import before_full_stop
from portal.forms import BaseForm
from portal.models import OrganisationKind
from portal.permissions import (
    ASSERTED_KVK_SESSION_KEY,
    MANDATE_SESSION_KEY,
    ORG_SESSION_KEY,
    Permission,
    active_mandates_for,
    requires,
    usable_memberships,
)


class SwitchForm(BaseForm):
    context = RadioField(
        _l("Act for"), validators=[InputRequired(_l("Choose the organisation to act for"))]
    )


def _options():
    """(value, membership or None, mandate or None) for everything the user may act for: their
    own organisations, the clients whose mandate is in force, and former clients (the letters
    and cases the intermediary filed stay readable after a mandate ends)."""
    options = [(f"org-{m.organisation_id}", m, None) for m in usable_memberships(current_user)]
    active = active_mandates_for(current_user)
    options += [(f"mandate-{d.id}", None, d) for d in active]
    if session.get(ASSERTED_KVK_SESSION_KEY) is None:
        options += [(f"mandate-{d.id}", None, d) for d in former_clients(current_user, active)]
    return options


@bp.route("/switch", methods=["GET", "POST"])
@requires(Permission.CONTEXT_SWITCH)
def switch():
    options = _options()
    form = SwitchForm()
    form.context.choices = [SelectChoice(value, value) for value, _m, _d in options]
    if form.validate_on_submit():
        chosen = next((o for o in options if o[0] == form.context.data), None)
        if chosen is None:
            abort(400)
        _value, membership, mandate = chosen
        if mandate is not None:
            session[ORG_SESSION_KEY] = mandate.intermediary_id
            session[MANDATE_SESSION_KEY] = mandate.id
            organisation = mandate.sponsor
        else:
            session[ORG_SESSION_KEY] = membership.organisation_id
            session.pop(MANDATE_SESSION_KEY, None)
            organisation = membership.organisation
        audit.record(
            AuditAction.CONTEXT_SWITCHED,
            actor=current_user,
            organisation=organisation,
            details={"to": form.context.data},
        )
        db.session.commit()
        flash(
            _("You now act for %(name)s.", name=before_full_stop(organisation.legal_name)),
            "success",
        )
        if mandate is not None and not mandate.active_on(clock.today()):
            return redirect(url_for("inbox.index"))
        return redirect(url_for("dashboard.index"))
    status = 400 if form.is_submitted() else 200
    return render_template(
        "organisation/switch.html",
        form=form,
        options=options,
        today=clock.today(),
        intermediary=any(
            m.organisation.kind == OrganisationKind.INTERMEDIARY
            for m in usable_memberships(current_user)
        ),
    ), status
