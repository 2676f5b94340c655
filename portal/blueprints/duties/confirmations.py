"""The pages a sponsor lands on after filing a report or declaring the study-progress check:
what was recorded, what happens next (portal/todo/after.py) and what is still on the to-do
list (portal/todo/)."""

from flask import abort, g, redirect, render_template, url_for

from portal import clock, todo
from portal.blueprints.duties import bp
from portal.duties import overview as duty_overview
from portal.letters import visibility
from portal.models import Report
from portal.permissions import Permission, requires, scoped_or_404
from portal.todo import after


def get_report_or_404(report_id: int) -> Report:
    """A report of the organisation acted for, within the mandate's scope; else 404."""
    return scoped_or_404(Report, report_id)


@bp.get("/reports/<int:report_id>")
@requires(Permission.APPLICATION_READ)
def report(report_id: int):
    found = get_report_or_404(report_id)
    today = clock.today()
    return render_template(
        "duties/report.html",
        report=found,
        today=today,
        next_steps=after.after_report(found, today),
        todo_items=_todo_items(today),
        can_read_letters=bool(found.letter_id)
        and g.context.can(Permission.LETTER_READ)
        and visibility.may_see(visibility.of_context(g.context), found.letter_id),
    )


@bp.get("/duties/study-progress/done")
@requires(Permission.APPLICATION_SUBMIT)
def study_progress_done():
    """The confirmation of this year's declaration, with what happens next."""
    if not duty_overview.study_progress_applies(g.organisation, g.context.categories):
        abort(404)
    today = clock.today()
    duty = duty_overview.study_progress_duty(g.organisation, today)
    if duty.declaration is None:
        return redirect(url_for("duties.study_progress"))
    return render_template(
        "duties/study_progress_done.html",
        duty=duty,
        today=today,
        next_steps=after.after_declaration(duty, today),
        todo_items=_todo_items(today),
    )


def _todo_items(today):
    """What is still on the to-do list, for those who may see it (portal/todo/)."""
    if not g.context.can(Permission.ORGANISATION_READ):
        return None
    return todo.items(todo.scope_of(g.context), today)
