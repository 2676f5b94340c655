from flask import g, render_template
from flask_login import current_user

from portal import clock, todo
from portal.blueprints.dashboard import bp
from portal.cases import listing
from portal.cases import status as case_status
from portal.cases.lifecycle import category_states
from portal.letters import status as letter_status
from portal.letters import visibility
from portal.models import ApplicationStatus
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
    return render_template(
        "dashboard/index.html",
        todo_items=todo.items(_scope(), today),
        today=today,
        organisation=organisation,
        categories=category_states(organisation),
        rows=rows,
        unread=_unread(),
        needing_action=letter_status.count_needing_action(
            organisation.id, today, visibility.clause(visibility.of_context(g.context))
        )
        if g.context.can(Permission.LETTER_READ)
        else 0,
        clocks={a.id: case_status.clock_of(a, today) for a in applications},
        draft=ApplicationStatus.DRAFT,
        frozen_peers=(
            kvk.frozen_with_number(organisation.kvk_number)
            if organisation.is_verified and g.context.can(Permission.ORGANISATION_TAKE_OVER)
            else []
        ),
    )


def _scope() -> todo.Scope:
    return todo.Scope(
        g.organisation, g.context.categories, g.context.in_scope, g.context.permissions
    )


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
