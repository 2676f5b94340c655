from flask import abort, flash, g, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from portal import clock, reference
from portal.blueprints.applications import bp
from portal.blueprints.applications.forms import StartRecognitionForm, SubmitForm
from portal.cases import lifecycle as service
from portal.cases import status as case_status
from portal.cases import withdrawal
from portal.cases.documents import UploadRejected, download, max_bytes, store_upload
from portal.cases.next_steps import next_steps
from portal.extensions import db
from portal.fees import records as fee_records
from portal.forecast import expectation as forecast
from portal.letters import status as letter_status
from portal.letters import visibility
from portal.models import Application, ApplicationStatus, Category, Document
from portal.organisations import kvk
from portal.permissions import (
    MANDATE_SCOPE_MESSAGE,
    OutsideMandate,
    Permission,
    requires,
    scoped_or_404,
)
from portal.residence.case_page import case_page


def get_application_or_404(application_id: int) -> Application:
    """Load a case of the current organisation only (and, under a mandate, of its categories);
    anyone else's id is a 404."""
    return scoped_or_404(Application, application_id)


@bp.route("/recognition/new", methods=["GET", "POST"])
@requires(Permission.APPLICATION_CREATE)
def start_recognition():
    organisation = g.organisation
    states = service.category_states(organisation)
    form = StartRecognitionForm()
    if form.validate_on_submit():
        category = Category(form.category.data)
        try:
            if not g.context.category_in_scope(category):
                raise OutsideMandate(category)
            application = service.start_recognition_application(
                organisation, category, current_user
            )
        except OutsideMandate:
            form.category.errors.append(MANDATE_SCOPE_MESSAGE)
        except service.AlreadyRecognised:
            form.category.errors.append(
                _("Your organisation is already recognised for this category.")
            )
        except service.ApplicationAlreadyOpen as open_case:
            form.category.errors.append(
                _(
                    "An application for this category is already being handled (%(reference)s).",
                    reference=open_case.application.reference,
                )
            )
        else:
            db.session.commit()
            return redirect(url_for("applications.check", application_id=application.id))
    status = 400 if form.is_submitted() else 200
    return render_template(
        "applications/start_recognition.html",
        form=form,
        organisation=organisation,
        states=states,
    ), status


@bp.route("/<int:application_id>/check", methods=["GET", "POST"])
@requires(Permission.APPLICATION_SUBMIT)
def check(application_id: int):
    application = get_application_or_404(application_id)
    if application.kind.is_residence:
        return redirect(url_for("residence.check", application_id=application.id), code=307)
    if application.status != ApplicationStatus.DRAFT:
        flash(_("This application has already been submitted."), "info")
        return redirect(url_for("applications.show", application_id=application.id))
    organisation = g.organisation
    form = SubmitForm()
    today = clock.today()
    try:
        fee = fee_records.fee_for(organisation, application.category, today)
        reduced_fee = fee_records.fee_for(organisation, application.category, today, True)
    except fee_records.FeeUnknown:
        fee = reduced_fee = None
    extract = None if organisation.is_verified else kvk.extract_of(application)
    needs_extract = not organisation.is_verified and extract is None
    valid = form.validate_on_submit()
    if valid and needs_extract and not form.kvk_extract.data:
        form.kvk_extract.errors = [
            _("Upload your organisation's KvK extract: your KvK number is not verified yet")
        ]
        valid = False
    if valid and fee is not None:
        try:
            if form.kvk_extract.data and not organisation.is_verified:
                store_upload(
                    form.kvk_extract.data,
                    organisation=organisation,
                    actor=current_user,
                    application=application,
                    purpose=kvk.KVK_EXTRACT,
                )
            service.submit_application(
                application,
                current_user,
                today=today,
                legal_form_change=form.legal_form_change.data,
            )
        except UploadRejected as rejected:
            db.session.rollback()
            form.kvk_extract.errors = [rejected.message]
            return _check_page(
                form, application, organisation, (fee, reduced_fee), today, extract
            ), 400
        except service.NotADraft:
            db.session.rollback()
            flash(_("This application has already been submitted."), "info")
        else:
            db.session.commit()
            flash(
                _(
                    "Application submitted. Your reference is %(reference)s.",
                    reference=application.reference,
                ),
                "success",
            )
        return redirect(url_for("applications.show", application_id=application.id))
    status = 400 if form.is_submitted() else 200
    return _check_page(form, application, organisation, (fee, reduced_fee), today, extract), status


def _check_page(form, application, organisation, fees, today, extract):
    fee, reduced_fee = fees
    return render_template(
        "applications/check.html",
        form=form,
        application=application,
        organisation=organisation,
        fee=fee,
        reduced_fee=reduced_fee,
        year=today.year,
        extract=extract,
        max_mb=max_bytes() // 2**20,
    )


@bp.get("/<int:application_id>")
@requires(Permission.APPLICATION_READ)
def show(application_id: int):
    application = get_application_or_404(application_id)
    if application.kind.is_residence:
        if application.status == ApplicationStatus.DRAFT:
            return redirect(url_for("residence.tasks", application_id=application.id))
        viewer = visibility.of_context(g.context) if g.context.can(Permission.LETTER_READ) else None
        return render_template(
            "residence/show.html",
            **case_page(application, viewer),
            can_withdraw=_can_withdraw(application),
        )
    letters = []
    if g.context.can(Permission.LETTER_READ):
        letters = visibility.letters_of_case(visibility.of_context(g.context), application.id)
    today = clock.today()
    case_clock = case_status.clock_of(application, today)
    return render_template(
        "applications/show.html",
        next_steps=next_steps(application, case_clock, today),
        application=application,
        letters=letters,
        actions=letter_status.states_for(letters, today),
        clock=case_clock,
        expectation=forecast.expectation_of(application, case_clock, today),
        last_step=forecast.last_step(application),
        documents=case_status.case_documents(application),
        today=today,
        fee=fee_records.state_of(application.fee, today),
        bank_account=reference.ind_bank_account(today),
        can_withdraw=_can_withdraw(application),
    )


def _can_withdraw(application: Application) -> bool:
    return application.status in withdrawal.WITHDRAWABLE and g.context.can(
        Permission.APPLICATION_SUBMIT
    )


@bp.get("/<int:application_id>/documents/<int:document_id>")
@requires(Permission.APPLICATION_READ)
def document(application_id: int, document_id: int):
    """A document of the case: sent with the application or with a reply to a letter."""
    application = get_application_or_404(application_id)
    found = db.session.scalar(
        select(Document).where(
            Document.id == document_id,
            Document.application_id == application.id,
            Document.organisation_id == g.organisation.id,
        )
    )
    if found is None:
        abort(404)
    return download(found)
