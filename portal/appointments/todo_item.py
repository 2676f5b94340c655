"""The to-do item "Appointment needed" (portal/todo/): one per person whose decision needs an
appointment at an IND desk that is not booked (or was missed or cancelled)."""

from flask_babel import gettext as _
from flask_babel import ngettext

from portal.appointments.needs import needs_query
from portal.models import Application, Person
from portal.todo import Group, Item, provider


def _needs(scope, today):
    # The appointments page's rule (needs_query), read as the to-do statement's slots.
    return needs_query(scope.organisation.id, scope.in_scope).with_only_columns(
        Application.id.label("id"),
        Person.given_names.label("text"),
        Person.surname.label("other"),
        Application.decided_at.label("at"),
    )


@provider(
    "appointment",
    Group(
        lambda n: ngettext(
            "%(num)d person needs an appointment at an IND desk",
            "%(num)d people need an appointment at an IND desk",
            n,
        ),
        "appointments.index",
    ),
    rows=_needs,
)
def appointments_needed(scope, today, rows):
    return [
        Item(
            "appointment",
            _(
                "Appointment needed: book a desk visit for %(name)s",
                name=Person.name_from(row.text, row.other),
            ),
            None,
            "appointments.new",
            {"application_id": row.id},
        )
        for row in rows
    ]
