"""The work queue and the review of a case: claim, assign, ask, check, decide (four eyes)."""

from datetime import timedelta

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select

from portal import audit, clock, reference
from portal.audit import AuditAction
from portal.blueprints.backoffice import bp
from portal.blueprints.backoffice.due_process_forms import IntendedRefusalForm, extend_form
from portal.blueprints.backoffice.fee_forms import FeeAmountForm
from portal.blueprints.backoffice.forms import (
    AssignForm,
    ClaimForm,
    DecisionForm,
    QueueFilterForm,
    RefusalReviewForm,
    RequestInformationForm,
    ResumeClockForm,
    checklist_form_class,
)
from portal.blueprints.backoffice.uwv_advice_forms import uwv_forms
from portal.cases import advice, casework, default_notice, due_process, extension, work_queue
from portal.cases import checklist as review_checklist
from portal.cases import clock as statutory_clock
from portal.cases import lifecycle as service
from portal.cases import status as case_status
from portal.cases.lifecycle import NotAwaitingReply, NotDecidable, StaleCase
from portal.extensions import db
from portal.fees import records as fee_records
from portal.models import Application, ApplicationStatus, CheckOutcome, Letter, User
from portal.organisations.kvk import KvkNumberTaken
from portal.oversight import intended
from portal.oversight import status as oversight
from portal.permissions import Permission, staff_has, staff_requires
from portal.reference import work as work_reference
from portal.residence.documents import document_label
from portal.residence.filing import residence_type
from portal.residence.presentation import (
    display_value,
    person_name,
    person_of,
    requested_until,
)
from portal.triage import settings as triage_settings

QUEUE_LIMIT = 200


@bp.get("/")
@staff_requires(Permission.STAFF_QUEUE_READ)
def queue():
    today = clock.today()
    form = QueueFilterForm(request.args)
    status = 200
    filters = work_queue.QueueFilter()
    if request.args and not form.validate():
        status = 400
    elif request.args:
        filters = work_queue.QueueFilter(
            kind=form.kind.data or None,
            category=form.category.data or None,
            status=form.status.data or None,
            assigned=form.assigned.data or None,
            due=form.due.data or None,
            reply=form.reply.data or None,
            order=form.order.data or None,
            search=form.q.data or None,
        )
    query = work_queue.queue_query(filters, current_user, today)
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    cases = db.session.scalars(query.limit(QUEUE_LIMIT)).all()
    exposures = {case.id: work_queue.penalty_exposure(case, today) for case in cases}
    notices = default_notice.notices_for({case.id for case in cases})
    penalties = {
        case.id: default_notice.penalty(notices[case.id], case, today)
        for case in cases
        if case.id in notices
    }
    replies = work_queue.replies_received({case.id for case in cases})
    return render_template(
        "backoffice/queue.html",
        form=form,
        cases=cases,
        total=total,
        limit=QUEUE_LIMIT,
        exposures=exposures,
        penalties=penalties,
        replies=replies,
        unpaid=work_queue.waiting_for_payment(QUEUE_LIMIT, filters.search),
        today=today,
    ), status


def get_case_or_404(application_id: int) -> Application:
    application = db.session.get(Application, application_id)
    if application is None or application.submitted_at is None:
        abort(404)
    return application


def _assign_choices():
    return [("", _("No one (back to the queue)"))] + [
        (str(user.id), f"{user.name} ({user.email})") for user in work_queue.case_handlers()
    ]


def checklist_form(application, checks=None, formdata=None):
    """The checklist form of the case's kind, filled with the latest answers."""
    checks = casework.checklist(application) if checks is None else checks
    data = {"version": application.version}
    for item, check in checks.items():
        data[f"{item}_outcome"] = check.outcome.value if check and check.outcome else ""
        data[f"{item}_note"] = check.note if check and check.note else ""
    form_class = checklist_form_class(tuple(checks))
    if formdata is None:
        return form_class(formdata=None, data=data, prefix="checklist")
    return form_class(prefix="checklist")


def _forms(application, **given):
    """Every action form on the case page, bound to the case's current version."""
    today = clock.today()
    period = reference.information_request_period(today)
    checks = casework.checklist(application)
    version = {"version": application.version}
    forms = {
        "claim": ClaimForm(formdata=None, data=version, prefix="claim"),
        "assign": AssignForm(
            formdata=None,
            data={**version, "assignee": str(application.assigned_to_id or "")},
            prefix="assign",
        ),
        "request": RequestInformationForm(
            formdata=None,
            data={**version, "respond_by": today + timedelta(days=period.default_days)},
            prefix="request",
        ),
        "resume": ResumeClockForm(formdata=None, data=version, prefix="resume"),
        "checklist": checklist_form(application, checks),
        "decision": DecisionForm(formdata=None, data=version, prefix="decision"),
        "refusal": RefusalReviewForm(formdata=None, data=version, prefix="refusal"),
        "fee": FeeAmountForm(formdata=None, prefix="fee"),
    }
    if "extend" not in given:  # due process (issue 25): blueprints/backoffice/due_process.py
        forms["extend"] = extend_form(application)
    if "intended" not in given:
        forms["intended"] = IntendedRefusalForm(formdata=None, data=version, prefix="intended")
    forms.update(uwv_forms(application, advice.advice_of(application)))  # GVVA (issue 22)
    forms.update(given)
    forms["assign"].assignee.choices = _assign_choices()
    if application.kind.is_residence:
        forms["refusal"].verdict.choices = [
            ("approve", _("Approve: refuse the application and send the letter")),
            ("reject", _("Reject: the case goes back for review")),
        ]
    return forms, checks


def _render_case(application: Application, status: int = 200, **given):
    forms, checks = _forms(application, **given)
    letters = db.session.scalars(
        select(Letter).where(Letter.application_id == application.id).order_by(Letter.id)
    ).all()
    today = clock.today()
    suspension = statutory_clock.open_clock_suspension(application)
    return render_template(
        "backoffice/case.html",
        answers=review_checklist.answers(application),
        blockers=review_checklist.grant_blockers(application, current_user),
        residence=_residence_view(application),
        display=display_value,
        document_label=document_label,
        application=application,
        forms=forms,
        checks=checks,
        letters=letters,
        today=today,
        suspension=suspension,
        projected_deadline=statutory_clock.projected_deadline(application, suspension, today),
        exposure=work_queue.penalty_exposure(application, today),
        due=due_process.of_case(application, today),
        extension_obstacle=extension.obstacle(application, today),
        intentions=intended.of_case(application, today),
        response_term=reference.intended_decision_response(today),
        fee_state=fee_records.state_of(application.fee, today),
        documents=case_status.case_documents(application),
        reply_received_on=case_status.reply_received_on(application),
        history=oversight.history(application.organisation, exclude=application),
        decidable=application.status in service.DECIDABLE_STATUSES,
        open=application.status in work_queue.QUEUE_STATUSES,
        triage=triage_settings.triage(application, today),
        uwv=advice.advice_of(application),
        uwv_rules=work_reference.uwv_advice(today),
        may=lambda permission: staff_has(current_user, Permission(permission)),
    ), status


def _residence_view(application: Application) -> dict | None:
    """What a residence case shows besides the common case data: the answers as sent, the
    person, the documents. None for a recognition case."""
    if not application.kind.is_residence:
        return None
    rtype = residence_type(application)
    answers = (application.snapshot or {}).get("answers") or {}
    person = person_of(application)
    return {
        "rtype": rtype,
        "answers": answers,
        "sections": rtype.applicable_sections(answers),
        "person_name": person_name(application),
        "v_number": person.get("v_number"),
        "requested_until": requested_until(application),
    }


@bp.get("/cases/<int:application_id>")
@staff_requires(Permission.STAFF_CASE_READ)
def case(application_id: int):
    application = get_case_or_404(application_id)
    audit.record(
        AuditAction.STAFF_CASE_VIEWED,
        actor=current_user,
        organisation=application.organisation,
        target=application,
    )
    db.session.commit()
    return _render_case(application)


def _act(application_id: int, name: str, form, action, done: str, then: str | None = None):
    """Validate → act → commit → tell; on a conflict roll back and tell what happened."""
    application = get_case_or_404(application_id)
    if not form.validate_on_submit():
        return _render_case(application, 400, **{name: form})
    try:
        action(application, form)
    except StaleCase:
        db.session.rollback()
        flash(
            _(
                "Someone else changed this case while you were working on it. Nothing was "
                "changed: check the case as it is now and act again if still needed."
            ),
            "error",
        )
    except NotDecidable:
        db.session.rollback()
        if get_case_or_404(application_id).status == ApplicationStatus.WITHDRAWN:
            flash(_("The sponsor has withdrawn this application. Nothing was changed."), "error")
        else:
            flash(_("This case has already been decided. Nothing was changed."), "error")
    except casework.OwnRefusal:
        db.session.rollback()
        flash(
            _("You proposed this refusal: another reviewer must approve it. Nothing was changed."),
            "error",
        )
    except casework.KvkNotVerified:
        db.session.rollback()
        flash(
            _(
                "The organisation's KvK number is not verified. Check the KvK extract it sent "
                "and mark that checklist item as met before granting recognition. Nothing was "
                "changed."
            ),
            "error",
        )
    except KvkNumberTaken:
        db.session.rollback()
        flash(
            _(
                "Another organisation has already proved this KvK number, so this one cannot be "
                "verified. Nothing was changed."
            ),
            "error",
        )
    except casework.RefusalPending:
        db.session.rollback()
        flash(
            _("A refusal awaits a second reviewer. Approve or reject it first."),
            "error",
        )
    except review_checklist.GrantNotReady:
        db.session.rollback()
        flash(_("This case cannot be granted yet. Nothing was changed."), "error")
    except (casework.NotAllowedNow, casework.NotACaseHandler, NotAwaitingReply):
        db.session.rollback()
        if get_case_or_404(application_id).status in work_queue.DECIDED_STATUSES:
            flash(_("This case has already been decided. Nothing was changed."), "error")
        else:
            flash(
                _("That cannot be done in the case's current state. Nothing was changed."),
                "error",
            )
    else:
        db.session.commit()
        flash(done, "success")
        if then:
            return redirect(then)
    return redirect(url_for("backoffice.case", application_id=application_id))


@bp.post("/cases/<int:application_id>/claim")
@staff_requires(Permission.STAFF_CASE_CLAIM)
def claim(application_id: int):
    return _act(
        application_id,
        "claim",
        ClaimForm(prefix="claim"),
        lambda app, form: casework.claim(app, current_user, form.expected_version),
        _("You are now handling this case."),
    )


@bp.post("/cases/<int:application_id>/assign")
@staff_requires(Permission.STAFF_CASE_ASSIGN)
def assign(application_id: int):
    form = AssignForm(prefix="assign")
    form.assignee.choices = _assign_choices()

    def action(app, form):
        assignee = db.session.get(User, int(form.assignee.data)) if form.assignee.data else None
        casework.assign(app, current_user, assignee, form.expected_version)

    return _act(application_id, "assign", form, action, _("The assignment has been saved."))


@bp.post("/cases/<int:application_id>/request-information")
@staff_requires(Permission.STAFF_CASE_REQUEST_INFORMATION)
def request_information(application_id: int):
    today = clock.today()
    form = RequestInformationForm(
        prefix="request", today=today, period=reference.information_request_period(today)
    )
    return _act(
        application_id,
        "request",
        form,
        lambda app, form: casework.request_information(
            app,
            current_user,
            message=form.message.data,
            respond_by=form.respond_by.data,
            expected_version=form.expected_version,
            today=today,
        ),
        _("The request for information has been sent. The statutory clock has stopped."),
    )


@bp.post("/cases/<int:application_id>/resume")
@staff_requires(Permission.STAFF_CASE_REQUEST_INFORMATION)
def resume_clock(application_id: int):
    return _act(
        application_id,
        "resume",
        ResumeClockForm(prefix="resume"),
        lambda app, form: service.receive_reply(
            app, current_user, form.note.data, expected_version=form.expected_version
        ),
        _("The statutory clock runs again; the deadline has moved by the days it stood still."),
    )


@bp.post("/cases/<int:application_id>/checklist")
@staff_requires(Permission.STAFF_CASE_DECIDE)
def save_checklist(application_id: int):
    form = checklist_form(get_case_or_404(application_id), formdata=request.form)

    def action(app, form):
        entries = {
            item: (CheckOutcome(outcome.data) if outcome.data else None, note.data)
            for item, outcome, note in form.entries()
        }
        casework.save_checklist(app, current_user, entries, form.expected_version)

    return _act(application_id, "checklist", form, action, _("The checklist has been saved."))
