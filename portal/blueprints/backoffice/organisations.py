"""Sponsor accounts as staff see them: search, profile, history, team; sanctions."""

from flask import abort, render_template, request
from flask_login import current_user
from sqlalchemy import select

from portal.blueprints.backoffice import bp
from portal.extensions import db
from portal.models import Membership, Organisation
from portal.permissions import Permission, staff_has, staff_requires
from portal.services import audit, oversight


@bp.get("/organisations")
@staff_requires(Permission.STAFF_ORGANISATION_READ)
def organisations():
    text = request.args.get("q", "")[:200]
    results = oversight.search_organisations(text) if text.strip() else []
    return render_template("backoffice/organisations.html", q=text, results=results)


def get_organisation_or_404(organisation_id: int) -> Organisation:
    organisation = db.session.get(Organisation, organisation_id)
    if organisation is None:
        abort(404)
    return organisation


def render_organisation(organisation: Organisation, status: int = 200, **forms):
    team = db.session.scalars(
        select(Membership)
        .where(Membership.organisation_id == organisation.id)
        .order_by(Membership.id)
    ).all()
    return render_template(
        "backoffice/organisation.html",
        organisation=organisation,
        team=team,
        mandates=oversight.mandates(organisation),
        history=oversight.history(organisation),
        forms=forms,
        may=lambda permission: staff_has(current_user, Permission(permission)),
    ), status


@bp.get("/organisations/<int:organisation_id>")
@staff_requires(Permission.STAFF_ORGANISATION_READ)
def organisation(organisation_id: int):
    organisation = get_organisation_or_404(organisation_id)
    audit.record(
        "staff.organisation.viewed",
        actor=current_user,
        organisation=organisation,
        target=organisation,
    )
    db.session.commit()
    return render_organisation(organisation)
