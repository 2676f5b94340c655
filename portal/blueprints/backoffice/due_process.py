"""Due process on the back-office case page (issue 25): extending the decision period with
notice (portal/cases/extension.py). The notice of default is the sponsor's; the reviewer sees
it on the case page and on top of the queue."""

from flask import flash, redirect, url_for
from flask_babel import format_date
from flask_babel import gettext as _
from flask_login import current_user

from portal import clock
from portal.blueprints.backoffice import bp
from portal.blueprints.backoffice.cases import _act
from portal.blueprints.backoffice.due_process_forms import extend_form
from portal.cases import extension
from portal.extensions import db
from portal.permissions import Permission, staff_requires


@bp.post("/cases/<int:application_id>/extend")
@staff_requires(Permission.STAFF_CASE_DECIDE)
def extend_period(application_id: int):
    today = clock.today()

    def action(application, form):
        extension.extend(
            application,
            current_user,
            days=form.day_count,
            reason=form.reason.data.strip(),
            expected_version=form.expected_version,
            today=today,
        )

    try:
        return _act(
            application_id,
            "extend",
            extend_form(formdata=True),
            action,
            _("The decision period has been extended and the letter sent to the sponsor."),
        )
    except extension.ExtensionRefused as refused:
        db.session.rollback()
        flash(refusal_message(refused), "error")
        return redirect(url_for("backoffice.case", application_id=application_id))


def refusal_message(refused: extension.ExtensionRefused) -> str:
    if isinstance(refused, extension.AlreadyExtended):
        return _("The decision period of this case has already been extended once.")
    if isinstance(refused, extension.PeriodEnded):
        return _(
            "The decision period ended on %(date)s: it can only be extended before it ends. "
            "Nothing was changed.",
            date=format_date(refused.deadline, "long"),
        )
    return _("The decision period cannot be extended in the case's current state.")
