"""Due process in the back office (issue 25): extending the decision period with notice
(portal/cases/extension.py); intended decisions — a refusal on the case page, a sanction on
the sponsor account — with the sponsor's response (portal/oversight/intended.py). The notice
of default is the sponsor's; the reviewer sees it on the case page and on top of the queue."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal import audit, clock, reference
from portal.audit import AuditAction
from portal.blueprints.backoffice import bp
from portal.blueprints.backoffice.cases import _act
from portal.blueprints.backoffice.due_process_forms import (
    IntendedRefusalForm,
    IntendedSanctionForm,
    extend_form,
)
from portal.blueprints.backoffice.organisations import get_organisation_or_404
from portal.cases import casework, extension
from portal.extensions import db
from portal.formatting import date_text
from portal.models import Category, IntendedKind
from portal.models.application import DECIDABLE_STATUSES
from portal.oversight import intended
from portal.permissions import Permission, staff_has, staff_requires


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
            date=date_text(refused.deadline),
        )
    return _("The decision period cannot be extended in the case's current state.")


@bp.post("/cases/<int:application_id>/intended-refusal")
@staff_requires(Permission.STAFF_CASE_DECIDE)
def intended_refusal(application_id: int):
    def action(application, form):
        if application.status not in DECIDABLE_STATUSES:
            raise casework.NotAllowedNow(application.status)
        intended.issue(
            application.organisation,
            current_user,
            IntendedKind.REFUSAL,
            form.grounds.data.strip(),
            application=application,
        )

    return _act(
        application_id,
        "intended",
        IntendedRefusalForm(prefix="intended"),
        action,
        _("The intended refusal has been sent. The sponsor can respond until the date in it."),
    )


@bp.route("/organisations/<int:organisation_id>/intended-decision", methods=["GET", "POST"])
@staff_requires(Permission.STAFF_SANCTION_RECORD)
def intended_sanction(organisation_id: int):
    """Send an intended fine, suspension or withdrawal (the latter two: supervisors)."""
    organisation = get_organisation_or_404(organisation_id)
    form = IntendedSanctionForm()
    if not staff_has(current_user, Permission.STAFF_SANCTION_SUSPEND):
        form.kind.choices = [c for c in form.kind.choices if c.value == "fine"]
    if request.method == "POST" and form.validate_on_submit():
        intended.issue(
            organisation,
            current_user,
            IntendedKind(form.kind.data),
            form.grounds.data.strip(),
            category=Category(form.category.data) if form.category.data else None,
        )
        db.session.commit()
        flash(
            _(
                "The intended decision has been sent. The organisation can respond until the "
                "date in it."
            ),
            "success",
        )
        return redirect(
            url_for("backoffice.organisation", organisation_id=organisation.id, _anchor="intended")
        )
    if request.method == "GET":
        audit.record(
            AuditAction.STAFF_ORGANISATION_VIEWED,
            actor=current_user,
            organisation=organisation,
            target=organisation,
        )
        db.session.commit()
    return render_template(
        "backoffice/intended_decision.html",
        organisation=organisation,
        form=form,
        term=reference.intended_decision_response(clock.today()),
    ), (400 if request.method == "POST" else 200)
