from flask import g, render_template
from flask_login import current_user

from portal import clock, todo
from portal.blueprints.dashboard import bp
from portal.cases import listing
from portal.cases import status as case_status
from portal.cases.lifecycle import category_states
from portal.letters import visibility
from portal.models import ApplicationStatus
from portal.notices import bounces
from portal.organisations import kvk
from portal.permissions import Permission, requires


@bp.get("/dashboard")
@requires(Permission.ORGANISATION_READ)
def index():
    organisation = g.organisation
    rows, _more = listing.page(
        visibility.case_clause(visibility.of_context(g.context)), listing.ListFilter(), None
    )
    applications = [row.application for row in rows]
    today = clock.today()
    todo_items = todo.items(_scope(), today)
    return render_template(
        "dashboard/index.html",
        todo_items=todo_items,
        today=today,
        organisation=organisation,
        categories=category_states(organisation),
        rows=rows,
        unread=_unread(),
        # The to-do list's letters to answer are the letters that need action (the same rule
        # and visibility: portal/todo/providers.py), so they are not counted a second time.
        needing_action=sum(item.count for item in todo_items if item.kind == "letter")
        if g.context.can(Permission.LETTER_READ)
        else 0,
        clocks={a.id: case_status.clock_of(a, today) for a in applications},
        draft=ApplicationStatus.DRAFT,
        bounced=bounces.count_of_organisation(organisation)
        if not g.context.on_behalf and g.context.can(Permission.PROFILE_EDIT)
        else 0,
        frozen_peers=(
            kvk.frozen_with_number(organisation.kvk_number)
            if organisation.is_verified and g.context.can(Permission.ORGANISATION_TAKE_OVER)
            else []
        ),
    )


def _scope() -> todo.Scope:
    return todo.scope_of(g.context)


@bp.get("/todo")
@requires(Permission.ORGANISATION_READ)
def todo_page():
    today = clock.today()
    return render_template(
        "dashboard/todo.html", todo_items=todo.items(_scope(), today), today=today
    )


def _unread() -> int:
    """The acting user's unread letters, as far as they may see letters at all."""
    if not g.context.can(Permission.LETTER_READ):
        return 0
    viewer = visibility.of_context(g.context)
    return sum(visibility.unread_by_category(viewer, current_user.id).values())
