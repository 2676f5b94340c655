"""The to-do list's family items: a family member's application still pending after its main
application ended (portal/family/reactions.py flagged it)."""

from flask_babel import gettext as _
from sqlalchemy import select

from portal import clock
from portal.extensions import db
from portal.models import Application, FamilyLink
from portal.models.application import OPEN_STATUSES
from portal.residence.presentation import person_name
from portal.todo import Item, provider


def _flagged(scope, today):
    return (
        select(FamilyLink, Application)
        .join(Application, Application.id == FamilyLink.application_id)
        .where(
            FamilyLink.organisation_id == scope.organisation.id,
            FamilyLink.flagged_at.is_not(None),
            Application.status.in_(OPEN_STATUSES),
            scope.in_scope(Application.category),
        )
        .order_by(FamilyLink.flagged_at, FamilyLink.id)
    )


# Computed in Python (the person's name): asked in the to-do statement only whether any exist.
@provider("family", gate=_flagged)
def family_after_main_ended(scope, today):
    rows = db.session.execute(_flagged(scope, today)).all()
    return [
        Item(
            "family",
            _(
                "The main application ended: decide about the application of %(name)s",
                name=person_name(application) or application.person.full_name,
            ),
            clock.local_date(link.flagged_at),
            "applications.show",
            {"application_id": application.id},
            date_label="since",
        )
        for link, application in rows
    ]
