"""Sponsor accounts as staff see them: search, profile, history, team; sanctions."""

from datetime import timedelta

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from portal import audit, clock, reference
from portal.audit import AuditAction
from portal.blueprints.backoffice import bp
from portal.blueprints.backoffice.sanction_forms import FineForm, RecognitionActionForm, WarningForm
from portal.extensions import db
from portal.models import Category, Membership, Organisation
from portal.organisations import kvk, profile_check
from portal.oversight import disclosures, intended, sanction_obstacles, sanction_preview, sanctions
from portal.oversight import status as oversight
from portal.permissions import Permission, staff_has, staff_requires


@bp.get("/organisations")
@staff_requires(Permission.STAFF_ORGANISATION_READ)
def organisations():
    text = request.args.get("q", "")[:200]
    results = oversight.search_organisations(text) if text.strip() else []
    return render_template(
        "backoffice/organisations.html",
        q=text,
        results=results,
        unchecked=[] if text.strip() else profile_check.flagged(clock.today()),
    )


def get_organisation_or_404(organisation_id: int) -> Organisation:
    organisation = db.session.get(Organisation, organisation_id)
    if organisation is None:
        abort(404)
    return organisation


def render_organisation(organisation: Organisation, status: int = 200, **forms):
    team = db.session.scalars(
        select(Membership)
        .where(Membership.organisation_id == organisation.id)
        .order_by(Membership.id)
    ).all()
    return render_template(
        "backoffice/organisation.html",
        organisation=organisation,
        team=team,
        mandates=oversight.mandates(organisation),
        same_kvk=[o for o in kvk.with_number(organisation.kvk_number) if o.id != organisation.id],
        history=oversight.history(organisation),
        forms=forms,
        today=clock.today(),
        effective_status=oversight.effective_status,
        obstacle=sanction_obstacles.obstacle,
        may=lambda permission: staff_has(current_user, Permission(permission)),
        check=profile_check.check_of(organisation, clock.today()),
        disclosures=disclosures.of(organisation),
        sanction_ref=sanctions.sanction_reference,
        intentions=intended.of_organisation(organisation, clock.today()),
    ), status


@bp.get("/organisations/<int:organisation_id>")
@staff_requires(Permission.STAFF_ORGANISATION_READ)
def organisation(organisation_id: int):
    organisation = get_organisation_or_404(organisation_id)
    audit.record(
        AuditAction.STAFF_ORGANISATION_VIEWED,
        actor=current_user,
        organisation=organisation,
        target=organisation,
    )
    db.session.commit()
    return render_organisation(organisation)


# --- sanctions: each a confirmation page with a required reason, then its letter -----------

RECOGNITION_ACTIONS = {
    "suspend": sanctions.suspend,
    "extend": sanctions.extend,
    "lift": sanctions.lift,
    "withdraw": sanctions.withdraw,
}


def _done_message(action: str) -> str:
    return {
        "warning": _("The warning was recorded and the letter sent."),
        "fine": _("The fine was recorded and the letter sent."),
        "suspend": _(
            "The recognition was suspended and the letter sent. The organisation is off the "
            "public register for this category."
        ),
        "extend": _("The suspension was extended and the letter sent."),
        "lift": _(
            "The suspension was lifted and the letter sent. The organisation is back on the "
            "public register for this category."
        ),
        "withdraw": _("The recognition was withdrawn and the letter sent."),
    }[action]


def _back(organisation: Organisation):
    return redirect(url_for("backoffice.organisation", organisation_id=organisation.id))


def _sanction_page(organisation, form, action, status=200, **context):
    return render_template(
        "backoffice/sanction.html",
        organisation=organisation,
        form=form,
        action=action,
        today=clock.today(),
        periods=reference.sanction_periods(clock.today()),
        suspension_end=sanctions.suspension_end,
        one_day=timedelta(days=1),
        **context,
    ), status


def _record_sanction(organisation_id: int, form_class, action: str, record):
    """Warning and fine: the page with the form, then `record(organisation, form, category)`
    (the category is optional: a warning or fine may concern the organisation as a whole)."""
    organisation = get_organisation_or_404(organisation_id)
    form = form_class()
    open_disclosures = {str(d.id): d for d in disclosures.open_for(organisation)}
    form.mitigating.choices = [(key, key) for key in open_disclosures]
    if request.method == "GET" or not form.validate_on_submit():
        status = 200 if request.method == "GET" else 400
        return _sanction_page(
            organisation, form, action, status, disclosures=list(open_disclosures.values())
        )
    form.chosen_disclosures = tuple(open_disclosures[key] for key in form.mitigating.data or ())
    category = Category(form.category.data) if form.category.data else None
    try:
        if not _send_now(form):
            letters = sanction_preview.preview(
                organisation.id, lambda: record(organisation, form, category)
            )
            return _previewed(
                organisation, form, action, letters, disclosures=list(open_disclosures.values())
            )
        record(organisation, form, category)
    except sanction_obstacles.SanctionRefused as refused:  # e.g. no intended decision yet
        db.session.rollback()
        flash(str(refused.message), "error")
        return _back(organisation)
    db.session.commit()
    flash(_done_message(action), "success")
    return _back(organisation)


def _send_now(form) -> bool:
    """Send only the letter the reviewer saw: "send" pressed on the form as previewed."""
    return request.form.get("action") == "send" and form.previewed_as_is()


def _previewed(organisation, form, action, letters, **context):
    """The page again, with the letters the form would send and the button that sends it;
    told so when the form was changed after an earlier preview."""
    changed = request.form.get("action") == "send" and bool(form.previewed.data)
    form.previewed.data = form.digest()
    return _sanction_page(organisation, form, action, previews=letters, changed=changed, **context)


@bp.route("/organisations/<int:organisation_id>/warning", methods=["GET", "POST"])
@staff_requires(Permission.STAFF_SANCTION_RECORD)
def record_warning(organisation_id: int):
    def record(organisation, form, category):
        sanctions.record_warning(
            organisation,
            current_user,
            form.reason.data,
            category=category,
            disclosures=form.chosen_disclosures,
        )

    return _record_sanction(organisation_id, WarningForm, "warning", record)


@bp.route("/organisations/<int:organisation_id>/fine", methods=["GET", "POST"])
@staff_requires(Permission.STAFF_SANCTION_RECORD)
def record_fine(organisation_id: int):
    def record(organisation, form, category):
        sanctions.record_fine(
            organisation,
            current_user,
            form.amount_cents,
            form.reason.data,
            category=category,
            disclosures=form.chosen_disclosures,
        )

    return _record_sanction(organisation_id, FineForm, "fine", record)


@bp.route(
    "/organisations/<int:organisation_id>/recognitions/<category>/<action>",
    methods=["GET", "POST"],
)
@staff_requires(Permission.STAFF_SANCTION_SUSPEND)
def recognition_action(organisation_id: int, category: str, action: str):
    organisation = get_organisation_or_404(organisation_id)
    if action not in RECOGNITION_ACTIONS or category not in {c.value for c in Category}:
        abort(404)
    category = Category(category)
    recognition = sanctions.get_recognition(organisation, category)
    suspension = (
        sanction_obstacles.unlifted_suspension(recognition) if recognition is not None else None
    )
    context = {
        "category": category,
        "recognition": recognition,
        "suspension": suspension,
        "state": oversight.effective_status(recognition) if recognition is not None else None,
        "refused": sanction_obstacles.obstacle(action, recognition),
    }
    if request.method == "GET":
        state = sanctions.state_token(recognition)
        form = RecognitionActionForm(formdata=None, data={"state": state})
        return _sanction_page(organisation, form, action, **context)
    form = RecognitionActionForm()
    if not form.validate_on_submit():
        return _sanction_page(organisation, form, action, 400, **context)

    def act():
        return RECOGNITION_ACTIONS[action](
            organisation, category, current_user, form.reason.data, form.state.data or ""
        )

    try:
        if not _send_now(form):
            letters = sanction_preview.preview(organisation.id, act)
            return _previewed(organisation, form, action, letters, **context)
        act()
    except sanction_obstacles.SanctionRefused as refused:
        db.session.rollback()
        flash(str(refused.message), "error")
    else:
        db.session.commit()
        flash(_done_message(action), "success")
    return _back(organisation)
