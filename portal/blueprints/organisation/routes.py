"""The organisation profile: everyone reads, administrators edit, history shown; legal identity
locked once recognised and changed by a change report to the IND."""

from flask import flash, g, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal import clock, history
from portal.blueprints.organisation import bp
from portal.extensions import db
from portal.forms import EmptyForm
from portal.models import ChangeSubject
from portal.models.organisation import LEGAL_IDENTITY_FIELDS, PROFILE_FIELDS
from portal.organisations import profile as service
from portal.organisations import profile_check
from portal.organisations.forms import ChangeReportForm, ProfileForm
from portal.organisations.profile_fields import FIELD_LABELS, display_value
from portal.permissions import Permission, requires


def _form_data(form: ProfileForm, organisation) -> dict:
    data = {}
    for name in (*PROFILE_FIELDS, *LEGAL_IDENTITY_FIELDS):
        if name not in form:
            continue
        value = form[name].data
        if name == "code_of_conduct_registered":
            value = {"yes": True, "no": False}.get(value)
        elif isinstance(value, str):
            value = value or None
        data[name] = value
    if "email" in data and data["email"]:
        data["email"] = data["email"].lower()
    return data


@bp.get("/")
@requires(Permission.ORGANISATION_READ)
def profile():
    organisation = g.organisation
    return render_template(
        "organisation/profile.html",
        organisation=organisation,
        locked=service.is_locked(organisation),
        kvk_locked="kvk_number" in service.locked_fields(organisation),
        pending=service.pending_change_report(organisation),
        display=display_value,
        labels_for=FIELD_LABELS,
        can_edit=g.context.can(Permission.PROFILE_EDIT),
        check=profile_check.check_of(organisation, clock.today()),
        confirm_form=EmptyForm(),
        today=clock.today(),
        can_manage_team=g.context.can(Permission.MEMBER_MANAGE),
        can_manage_mandates=g.context.can(Permission.MANDATE_MANAGE),
        can_take_over=g.context.can(Permission.ORGANISATION_TAKE_OVER),
    )


@bp.post("/confirm")
@requires(Permission.PROFILE_EDIT)
def confirm_profile():
    if not EmptyForm().validate_on_submit():
        return redirect(url_for("organisation.profile"))
    profile_check.confirm(g.organisation, current_user)
    db.session.commit()
    flash(_("Thank you. You confirmed that the details are correct."), "success")
    return redirect(url_for("organisation.profile"))


@bp.route("/edit", methods=["GET", "POST"])
@requires(Permission.PROFILE_EDIT)
def edit():
    organisation = g.organisation
    locked_fields = service.locked_fields(organisation)
    locked = service.is_locked(organisation)
    form = ProfileForm(obj=organisation)
    if not form.is_submitted():
        form.legal_form.data = organisation.legal_form.value if organisation.legal_form else ""
        registered = organisation.code_of_conduct_registered
        form.code_of_conduct_registered.data = (
            None if registered is None else ("yes" if registered else "no")
        )
        form.postal_country.data = organisation.postal_country or ""
    for name in locked_fields:
        delattr(form, name)
    if form.validate_on_submit():
        try:
            rows = service.update_profile(
                organisation, _form_data(form, organisation), current_user
            )
        except service.KvkNumberTaken:
            db.session.rollback()
            form.kvk_number.errors.append(
                _("Another organisation already has an account with this KvK number.")
            )
        else:
            # Saving the form counts as the yearly confirmation: every field was seen.
            profile_check.confirm(organisation, current_user, through="edit")
            db.session.commit()
            if rows:
                flash(_("The organisation profile has been saved."), "success")
            else:
                flash(_("Nothing was changed."), "info")
            return redirect(url_for("organisation.profile"))
    status = 400 if form.is_submitted() else 200
    return render_template(
        "organisation/edit.html",
        form=form,
        organisation=organisation,
        locked=locked,
        kvk_locked="kvk_number" in locked_fields,
    ), status


@bp.route("/change-report", methods=["GET", "POST"])
@requires(Permission.PROFILE_EDIT)
def change_report():
    organisation = g.organisation
    if not service.locked_fields(organisation):
        flash(_("Your organisation is not recognised yet: change these details here."), "info")
        return redirect(url_for("organisation.edit"))
    pending = service.pending_change_report(organisation)
    form = ChangeReportForm(obj=organisation)
    if not form.is_submitted():
        form.legal_form.data = organisation.legal_form.value if organisation.legal_form else ""
    if pending is None and form.validate_on_submit():
        changes = {name: form[name].data or None for name in LEGAL_IDENTITY_FIELDS}
        try:
            service.report_change(organisation, changes, form.explanation.data, current_user)
        except service.NothingChanged:
            form.legal_name.errors.append(_("Change at least one of the details below, or cancel."))
        except service.KvkNumberTaken:
            form.kvk_number.errors.append(
                _("Another organisation already has an account with this KvK number.")
            )
        except service.ChangeReportPending:
            db.session.rollback()
            flash(_("A change report is already waiting for the IND."), "info")
            return redirect(url_for("organisation.profile"))
        else:
            db.session.commit()
            flash(
                _(
                    "Your change report has been sent to the IND. The details change once "
                    "the IND has accepted it."
                ),
                "success",
            )
            return redirect(url_for("organisation.profile"))
    status = 400 if form.is_submitted() else 200
    return render_template(
        "organisation/change_report.html",
        form=form,
        organisation=organisation,
        pending=pending,
        display=display_value,
    ), status


@bp.get("/history")
@requires(Permission.ORGANISATION_READ)
def profile_history():
    organisation = g.organisation
    entries = history.history_of(ChangeSubject.ORGANISATION, organisation.id, organisation.id)
    return render_template(
        "organisation/history.html",
        organisation=organisation,
        entries=entries,
        display=display_value,
        labels_for=FIELD_LABELS,
    )
