from flask import g, render_template
from flask_login import current_user
from sqlalchemy import select

from portal.blueprints.dashboard import bp
from portal.cases.lifecycle import category_states
from portal.extensions import db
from portal.letters.issuing import unread_count
from portal.models import Application, ApplicationStatus
from portal.permissions import Permission, requires


@bp.get("/dashboard")
@requires(Permission.ORGANISATION_READ)
def index():
    organisation = g.organisation
    applications = db.session.scalars(
        select(Application)
        .where(
            Application.organisation_id == organisation.id,
            g.context.in_scope(Application.category),
        )
        .order_by(Application.created_at.desc(), Application.id.desc())
        .limit(20)
    ).all()
    return render_template(
        "dashboard/index.html",
        organisation=organisation,
        categories=category_states(organisation),
        applications=applications,
        unread=unread_count(organisation.id, current_user.id),
        draft=ApplicationStatus.DRAFT,
    )
