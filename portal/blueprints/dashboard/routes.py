from flask import g, render_template
from flask_login import current_user
from sqlalchemy import exists, literal, select

from portal import clock, todo
from portal.blueprints.dashboard import bp
from portal.cases import listing
from portal.cases import status as case_status
from portal.cases.lifecycle import category_states
from portal.extensions import db
from portal.letters import visibility
from portal.models import Application, ApplicationStatus, Category
from portal.notices import bounces
from portal.organisations import kvk
from portal.oversight.status import applied_clause
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
    counters = _counters(organisation)
    return render_template(
        "dashboard/index.html",
        todo_items=todo_items,
        today=today,
        organisation=organisation,
        categories=category_states(
            organisation, applied=[c for c in Category if counters[f"applied_{c.value}"]]
        ),
        rows=rows,
        unread=counters["unread"],
        # The to-do list's letters to answer are the letters that need action (the same rule
        # and visibility: portal/todo/providers.py), so they are not counted a second time.
        needing_action=sum(item.count for item in todo_items if item.kind == "letter")
        if g.context.can(Permission.LETTER_READ)
        else 0,
        clocks={a.id: case_status.clock_of(a, today) for a in applications},
        draft=ApplicationStatus.DRAFT,
        bounced=counters["bounced"],
        frozen_peers=counters["frozen"],
    )


def _counters(organisation) -> dict:
    """The overview's numbers in one statement: the acting user's unread letters (as far as
    they may see letters), addresses whose mail bounced (for the organisation's own
    administrators), frozen organisations with the same KvK number (for whoever may take them
    over) and the categories of recognition applied for. Each expression is its domain's."""
    context = g.context
    none = literal(0)
    columns = {
        "unread": visibility.unread_total_expression(
            visibility.of_context(context), current_user.id
        )
        if context.can(Permission.LETTER_READ)
        else none,
        "bounced": bounces.count_expression(organisation)
        if not context.on_behalf and context.can(Permission.PROFILE_EDIT)
        else none,
        "frozen": kvk.frozen_count_expression(organisation.kvk_number)
        if organisation.is_verified and context.can(Permission.ORGANISATION_TAKE_OVER)
        else none,
    }
    for category in Category:
        applied = exists().where(applied_clause(organisation), Application.category == category)
        columns[f"applied_{category.value}"] = applied
    row = db.session.execute(select(*(c.label(name) for name, c in columns.items()))).one()
    return row._asdict()


def _scope() -> todo.Scope:
    return todo.scope_of(g.context)


@bp.get("/todo")
@requires(Permission.ORGANISATION_READ)
def todo_page():
    today = clock.today()
    return render_template(
        "dashboard/todo.html", todo_items=todo.items(_scope(), today), today=today
    )
