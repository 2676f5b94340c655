"""The to-do list's family items: a family member's application still pending after its main
application ended (portal/family/reactions.py flagged it)."""

from flask_babel import gettext as _
from sqlalchemy import select

from portal import clock
from portal.models import Application, FamilyLink, Person
from portal.models.application import OPEN_STATUSES
from portal.todo import Item, provider


def _flagged(scope, today):
    # Read in the to-do statement: the family member's name from their people record.
    return (
        select(
            Application.id.label("id"),
            Application.reference.label("reference"),
            Person.given_names.label("given_names"),
            Person.surname.label("surname"),
            FamilyLink.flagged_at.label("at"),
        )
        .select_from(FamilyLink)
        .join(Application, Application.id == FamilyLink.application_id)
        .outerjoin(Person, Person.id == Application.person_id)
        .where(
            FamilyLink.organisation_id == scope.organisation.id,
            FamilyLink.flagged_at.is_not(None),
            Application.status.in_(OPEN_STATUSES),
            scope.in_scope(Application.category),
        )
    )


@provider("family", rows=_flagged)
def family_after_main_ended(scope, today, rows):
    return [
        Item(
            "family",
            _(
                "The main application ended: decide about the application of %(name)s",
                name=Person.name_from(row.given_names or "", row.surname or "") or row.reference,
            ),
            clock.local_date(row.at),
            "applications.show",
            {"application_id": row.id},
            date_label="since",
        )
        for row in rows
    ]
