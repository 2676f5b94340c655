"""Back office: staff write a letter to an organisation from a template, preview it, then send."""

from datetime import timedelta

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import select

from portal import audit
from portal.audit import AuditAction
from portal.blueprints.backoffice import bp
from portal.blueprints.backoffice.compose_forms import ComposeForm
from portal.extensions import db
from portal.formatting import before_full_stop
from portal.letters.issuing import extension_window_opens, issue_letter, render_letter
from portal.models import Application, LetterKind, Organisation
from portal.organisations import kvk
from portal.permissions import Permission, staff_requires

REPORT_PERIOD = timedelta(weeks=4)


def _letter_arguments(form: ComposeForm, organisation: Organisation) -> dict:
    kind = LetterKind(form.template.data)
    arguments = {"respond_by": form.respond_by.data}
    if form.case_reference.data:
        arguments["application"] = db.session.scalar(
            select(Application).where(
                Application.reference == form.case_reference.data.upper(),
                Application.organisation_id == organisation.id,
            )
        )
    if form.person_name.data or form.v_number.data:
        arguments["person"] = {"name": form.person_name.data, "v_number": form.v_number.data}
    if kind == LetterKind.GENERAL_MESSAGE:
        arguments.update(title=form.title.data, message=form.message.data)
    elif kind == LetterKind.EXTENSION_REMINDER:
        arguments.update(
            expires_on=form.expires_on.data,
            apply_from=extension_window_opens(form.expires_on.data),
        )
    else:
        arguments.update(
            report_subject=form.report_subject.data,
            event_date=form.event_date.data,
            due_date=form.event_date.data + REPORT_PERIOD,
        )
    return arguments


def _load_targets(form: ComposeForm) -> Organisation | None:
    """The addressed organisation (and check the case reference belongs to it)."""
    organisation = kvk.find(form.kvk_number.data)
    if organisation is None:
        form.kvk_number.errors.append(_("No organisation has this KvK number"))
        return None
    if form.case_reference.data:
        found = db.session.scalar(
            select(Application.id).where(
                Application.reference == form.case_reference.data.upper(),
                Application.organisation_id == organisation.id,
            )
        )
        if found is None:
            form.case_reference.errors.append(
                _("This organisation has no case with this reference")
            )
            return None
    return organisation


@bp.route("/letters/new", methods=["GET", "POST"])
@staff_requires(Permission.STAFF_LETTER_SEND)
def compose():
    form = ComposeForm()
    if not form.is_submitted():
        form.template.data = "general_message"
        return render_template("backoffice/compose.html", form=form)
    action = request.form.get("action")
    organisation = _load_targets(form) if form.validate() else None
    if organisation is None or action == "change":
        status = 200 if action == "change" and not form.errors else 400
        return render_template("backoffice/compose.html", form=form), status
    kind = LetterKind(form.template.data)
    arguments = _letter_arguments(form, organisation)
    if action != "send":
        _language, module, html = render_letter(organisation, kind, **arguments)
        audit.record(
            AuditAction.STAFF_ORGANISATION_VIEWED,
            actor=current_user,
            organisation=organisation,
            details={"purpose": "letter preview"},
        )
        db.session.commit()
        return render_template(
            "backoffice/compose_preview.html",
            form=form,
            organisation=organisation,
            subject=str(module.subject).strip(),
            text=Markup(html).striptags(),  # noqa: S704 - our own rendered template
        )
    letter = issue_letter(organisation, kind, actor=current_user, **arguments)
    audit.record(
        AuditAction.STAFF_LETTER_SENT,
        actor=current_user,
        organisation=organisation,
        target=letter,
        details={"kind": kind.value, "reference": letter.reference},
    )
    db.session.commit()
    flash(
        _(
            "Letter %(reference)s has been sent to %(organisation)s.",
            reference=letter.reference,
            organisation=before_full_stop(organisation.legal_name),
        ),
        "success",
    )
    return redirect(url_for("backoffice.compose"))
