"""Deciding a case: a grant through its confirmation page (claimed, checklist answered), a
refusal through four eyes (proposed by one reviewer, approved by another)."""

from flask import render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal import clock
from portal.blueprints.backoffice import bp
from portal.blueprints.backoffice.cases import _act, get_case_or_404
from portal.blueprints.backoffice.forms import DecisionForm, GrantForm, RefusalReviewForm
from portal.cases import casework
from portal.cases import checklist as review_checklist
from portal.fees import records as fee_records
from portal.models.application import DECIDABLE_STATUSES
from portal.permissions import Permission, staff_requires
from portal.residence import presentation as residence


def consequences(application) -> dict:
    """What a grant will do, for the confirmation page (the same facts the services act on)."""
    if application.kind.is_residence:
        return {
            "residence": True,
            "person_name": residence.person_name(application),
            "permit_until": residence.requested_until(application),
            "permit_start": clock.today(),
            "has_person": application.person_id is not None,
        }
    return {"residence": False, "category": application.category}


def _render_grant(application, form=None, status=200):
    blockers = (
        review_checklist.grant_blockers(application, current_user)
        if application.status in DECIDABLE_STATUSES
        else []
    )
    return render_template(
        "backoffice/grant.html",
        application=application,
        form=form or GrantForm(formdata=None, data={"version": application.version}),
        blockers=blockers,
        decidable=application.status in DECIDABLE_STATUSES,
        checks=review_checklist.checklist(application),
        fee_state=fee_records.state_of(application.fee),
        what=consequences(application),
    ), status


@bp.get("/cases/<int:application_id>/grant")
@staff_requires(Permission.STAFF_CASE_DECIDE)
def confirm_grant(application_id: int):
    return _render_grant(get_case_or_404(application_id))


@bp.post("/cases/<int:application_id>/grant")
@staff_requires(Permission.STAFF_CASE_DECIDE)
def grant(application_id: int):
    application = get_case_or_404(application_id)
    form = GrantForm()
    if not form.validate_on_submit():
        return _render_grant(application, form, 400)
    if (
        application.version == form.expected_version
        and application.status in DECIDABLE_STATUSES
        and review_checklist.grant_blockers(application, current_user)
    ):
        # Refused, with what is still open; nothing was changed.
        return _render_grant(application, form, 400)
    return _act(
        application_id,
        "grant",
        form,
        lambda app, form: casework.grant(
            app, current_user, form.reason.data or "", form.expected_version
        ),
        _(
            "Decision recorded for %(reference)s. The letter has been sent.",
            reference=application.reference,
        ),
        then=url_for("backoffice.queue"),
    )


@bp.post("/cases/<int:application_id>/decision")
@staff_requires(Permission.STAFF_CASE_DECIDE)
def decide(application_id: int):
    """Propose a refusal: a second reviewer decides (four eyes)."""
    return _act(
        application_id,
        "decision",
        DecisionForm(prefix="decision"),
        lambda app, form: casework.propose_refusal(
            app, current_user, form.reason.data, form.expected_version
        ),
        _("The refusal has been proposed. A second reviewer must approve it."),
    )


@bp.post("/cases/<int:application_id>/refusal")
@staff_requires(Permission.STAFF_CASE_APPROVE_REFUSAL)
def review_refusal(application_id: int):
    def action(app, form):
        if form.verdict.data == "approve":
            casework.approve_refusal(app, current_user, form.expected_version)
        else:
            casework.reject_refusal(app, current_user, form.expected_version)

    form = RefusalReviewForm(prefix="refusal")
    if form.verdict.data == "approve":
        reference = get_case_or_404(application_id).reference
        done = _(
            "Decision recorded for %(reference)s. The letter has been sent.", reference=reference
        )
        then = url_for("backoffice.queue")
    else:
        done = _("The proposed refusal was rejected. The case is open for review again.")
        then = None
    return _act(application_id, "refusal", form, action, done, then)
