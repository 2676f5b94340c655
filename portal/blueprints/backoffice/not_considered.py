"""Setting an application aside as "not considered" when its fee is not paid after the
reminder's term (portal/fees/not_considered.py): a confirmation page, then the decision."""

from flask import render_template
from flask_babel import gettext as _
from flask_login import current_user

from portal.blueprints.backoffice import bp
from portal.blueprints.backoffice.cases import _act, get_case_or_404
from portal.blueprints.backoffice.forms import CaseForm
from portal.fees import not_considered
from portal.fees import records as fee_records
from portal.formatting import date_text
from portal.permissions import Permission, staff_requires


def obstacle_message(found) -> str:
    day = date_text(found.possible_from)
    return {
        "closed": _("This case is no longer open: it cannot be set aside."),
        "no_fee": _("This case has no fee: it cannot be set aside for not paying."),
        "paid": _("The fee has been paid: the case cannot be set aside."),
        "amount_not_set": _("The amount of the fee has not been set yet: set it first."),
        "no_reminder": _(
            "No reminder has been sent for this fee yet. The case can be set aside after the "
            "reminder's term: on %(date)s at the earliest.",
            date=day,
        ),
        "term_running": _(
            "The reminder's term has not passed yet. The case can be set aside from %(date)s.",
            date=day,
        ),
    }[found.code]


def _render(application, form=None, status=200):
    found = not_considered.obstacle(application)
    return render_template(
        "backoffice/not_considered.html",
        application=application,
        form=form or CaseForm(formdata=None, data={"version": application.version}),
        obstacle=found,
        obstacle_message=obstacle_message(found) if found else "",
        fee_state=fee_records.state_of(application.fee),
    ), status


@bp.get("/cases/<int:application_id>/not-considered")
@staff_requires(Permission.STAFF_CASE_DECIDE)
def confirm_not_considered(application_id: int):
    return _render(get_case_or_404(application_id))


@bp.post("/cases/<int:application_id>/not-considered")
@staff_requires(Permission.STAFF_CASE_DECIDE)
def not_considered_decision(application_id: int):
    application = get_case_or_404(application_id)
    form = CaseForm()
    if not form.validate_on_submit():
        return _render(application, form, 400)
    found = not_considered.obstacle(application)
    if found and found.code != "closed" and application.version == form.expected_version:
        return _render(application, form, 400)  # refused, with the date it becomes possible
    done = _(
        "%(reference)s is not considered. The letter has been sent.",
        reference=application.reference,
    )
    return _act(
        application_id,
        "not_considered",
        form,
        lambda app, form: not_considered.set_aside(app, current_user, form.expected_version),
        done,
    )
