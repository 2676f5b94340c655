"""Withdrawing a submitted application: a confirmation page, then the compare-and-set move
(portal/cases/withdrawal.py). Losing a race with a reviewer's decision is told, never a 500."""

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.blueprints.applications import bp
from portal.blueprints.applications.forms import WithdrawForm
from portal.cases import withdrawal
from portal.extensions import db
from portal.labels import STATUS
from portal.models import Application, ApplicationStatus
from portal.permissions import Permission, requires, scoped_or_404
from portal.residence.presentation import person_of


@bp.route("/<int:application_id>/withdraw", methods=["GET", "POST"])
@requires(Permission.APPLICATION_SUBMIT)
def withdraw(application_id: int):
    application = scoped_or_404(Application, application_id)
    if application.status not in withdrawal.WITHDRAWABLE:
        flash(_not_withdrawable(application.status), "info")
        return redirect(url_for("applications.show", application_id=application.id))
    form = WithdrawForm()
    if form.validate_on_submit():
        person = person_of(application) if application.kind.is_residence else None
        try:
            withdrawal.withdraw(application, current_user, person=person)
        except withdrawal.NotWithdrawable as lost:
            db.session.rollback()
            flash(_not_withdrawable(lost.status), "error")
        else:
            db.session.commit()
            flash(
                _(
                    "Application %(reference)s is withdrawn. A letter confirming it is in your "
                    "inbox.",
                    reference=application.reference,
                ),
                "success",
            )
        return redirect(url_for("applications.show", application_id=application.id))
    status = 400 if form.is_submitted() else 200
    return render_template("applications/withdraw.html", form=form, application=application), status


def _not_withdrawable(status: ApplicationStatus) -> str:
    if status == ApplicationStatus.WITHDRAWN:
        return _("This application has already been withdrawn. Nothing was changed.")
    if status == ApplicationStatus.DRAFT:
        return _("A draft has not been sent: there is nothing to withdraw.")
    return _(
        "The IND decided on this application before your withdrawal arrived (%(status)s). "
        "Nothing was withdrawn.",
        status=STATUS[status],
    )
