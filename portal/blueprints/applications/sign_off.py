"""Internal sign-off (issue 25): an administrator approves a colleague's application — it is
then submitted — or sends it back with a reason; administrators switch the rule on or off."""

from flask import flash, g, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal import audit, clock
from portal.audit import AuditAction
from portal.blueprints.applications import bp
from portal.blueprints.applications.forms import SignOffForm, SignOffSettingForm
from portal.cases import lifecycle, sign_off
from portal.extensions import db
from portal.models import Application
from portal.permissions import Permission, requires, scoped_or_404
from portal.residence import filing, submission


@bp.route("/<int:application_id>/sign-off", methods=["GET", "POST"])
@requires(Permission.APPLICATION_APPROVE)
def sign_off_page(application_id: int):
    application = scoped_or_404(Application, application_id)
    step = sign_off.pending(application)
    if step is None:
        flash(_("Nothing waits for your approval on this application."), "info")
        return redirect(url_for("dashboard.index"))
    form = SignOffForm()
    problem = None
    if form.validate_on_submit():
        try:
            if form.decision.data == "approve":
                sign_off.approve(application, current_user, clock.today())
            else:
                sign_off.send_back(application, current_user, form.reason.data.strip())
        except (sign_off.NothingToApprove, lifecycle.NotADraft):
            db.session.rollback()
            flash(_("Nothing waits for your approval on this application."), "info")
            return redirect(url_for("dashboard.index"))
        except (submission.Incomplete, filing.NotAllowed, lifecycle.KvkExtractMissing):
            db.session.rollback()
            problem = _(
                "The application cannot be submitted as it is: send it back so that it can be "
                "completed."
            )
        else:
            db.session.commit()
            if form.decision.data == "approve":
                flash(
                    _(
                        "Approved and submitted. The reference is %(reference)s.",
                        reference=application.reference,
                    ),
                    "success",
                )
                return redirect(url_for("applications.show", application_id=application.id))
            flash(_("The application was sent back with your reason."), "success")
            return redirect(url_for("dashboard.index"))
    if problem:
        form.decision.errors = [*form.decision.errors, problem]
    return render_template(
        "applications/sign_off.html", form=form, application=application, step=step
    ), (400 if form.is_submitted() else 200)


@bp.post("/sign-off-setting")
@requires(Permission.MEMBER_MANAGE)
def sign_off_setting():
    form = SignOffSettingForm()
    if form.validate_on_submit():
        g.organisation.sign_off_required = bool(form.required.data)
        audit.record(
            AuditAction.ORGANISATION_SIGN_OFF_SET,
            actor=current_user,
            organisation=g.organisation,
            target=g.organisation,
            details={"required": g.organisation.sign_off_required},
        )
        db.session.commit()
        flash(_("The sign-off setting has been saved."), "success")
    return redirect(url_for("organisation.team", _anchor="sign-off"))
