"""The to-do item "Appointment needed" (portal/todo/): one per person whose decision needs an
appointment at an IND desk that is not booked (or was missed or cancelled)."""

from flask_babel import gettext as _
from flask_babel import ngettext

from portal.appointments.needs import needs, needs_query
from portal.todo import Group, Item, provider


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
    # Computed in Python (the kind per application): the to-do statement asks whether any exist.
    gate=lambda scope, today: needs_query(scope.organisation.id, scope.in_scope),
)
def appointments_needed(scope, today):
    return [
        Item(
            "appointment",
            _("Appointment needed: book a desk visit for %(name)s", name=need.person.full_name),
            None,
            "appointments.new",
            {"application_id": need.application.id},
        )
        for need in needs(scope.organisation.id, scope.in_scope)
    ]
