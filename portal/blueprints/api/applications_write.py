"""Changing a residence application over the API: answers per section (the web form's answer
rules, portal/residence/answers.py), document uploads (the web's upload checks), submitting
(portal/residence/submission.py: reference, snapshot, fee record, letters) and withdrawing
(portal/cases/withdrawal.py). Changes require If-Match with the application's ETag; every
write takes an Idempotency-Key."""

from flask import request
from flask_babel import force_locale

from portal import clock
from portal.api import applications as views
from portal.api import openapi
from portal.api.problems import Problem, language
from portal.api.scopes import Scope
from portal.blueprints.api import bp
from portal.blueprints.api.applications import (
    APPLICATION_ID,
    APPLICATIONS,
    application_answer,
    get_application_or_404,
    submit_problems,
)
from portal.blueprints.api.guard import api_route
from portal.blueprints.api.writes import (
    MATCH,
    WRITE_HEADERS,
    actor,
    answer,
    idempotent,
    json_request,
    match,
    object_body,
    ok,
    only_parts,
    problems,
)
from portal.cases import withdrawal
from portal.cases.lifecycle import NotADraft
from portal.extensions import db
from portal.models import ApplicationStatus
from portal.residence import answers as residence_answers
from portal.residence import documents as residence_documents
from portal.residence import drafts, filing, submission
from portal.residence.presentation import person_of

WRITE_PROBLEMS = problems(
    ("400", "Malformed body"),
    ("409", "Not a draft, or no longer open"),
    ("412", "Stale ETag"),
    ("413", "Body too large"),
    ("422", "Refused"),
    ("428", "If-Match missing"),
)

openapi.schema(
    "SectionAnswers",
    {
        "type": "object",
        "required": ["key", "status", "errors"],
        "properties": {
            "key": {"type": "string"},
            "status": {"enum": ["not_started", "in_progress", "completed"]},
            "errors": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["pointer", "code", "detail"],
                    "properties": {
                        "pointer": {"type": "string"},
                        "code": {"enum": ["missing", "invalid"]},
                        "detail": {"type": "string"},
                    },
                },
            },
        },
    },
)


def _draft(application_id: int):
    application = get_application_or_404(application_id)
    match(views.etag(application))
    if application.status != ApplicationStatus.DRAFT:
        raise Problem(409, "not_a_draft")
    return application


openapi.operation(
    APPLICATIONS + "/{application_id}/sections/{key}",
    "put",
    scope=Scope.APPLICATIONS_WRITE,
    summary=(
        "Set a section's answers, as typed on the web form (dates day-month-year or ISO). "
        "They are kept even when not valid, as the web keeps a draft; the section's problems "
        "are in the answer."
    ),
    parameters=[
        APPLICATION_ID,
        {"name": "key", "in": "path", "required": True, "schema": {"type": "string"}},
        MATCH,
        *WRITE_HEADERS,
    ],
    requestBody=json_request(
        {
            "type": "object",
            "additionalProperties": {"type": "string", "maxLength": 500, "pattern": openapi.NO_NUL},
        }
    ),
    responses={"200": ok("Saved, with the section's problems", "SectionAnswers"), **WRITE_PROBLEMS},
)


@bp.put("/organisations/<kvk>/applications/<int:application_id>/sections/<key>")
@api_route(Scope.APPLICATIONS_WRITE)
def set_answers(application_id: int, key: str):
    def write():
        application = _draft(application_id)
        rtype = filing.residence_type(application)
        section = next(
            (s for s in rtype.applicable_sections(application.answers or {}) if s.key == key),
            None,
        )
        if section is None:
            raise Problem(404, "not_found")
        typed = object_body({f.name: str for f in section.fields})
        drafts.save_section(application, section, typed, actor())
        db.session.commit()
        today = clock.today()
        with force_locale(language()):
            errors = residence_answers.check(rtype, application.answers, today)
            errors = errors.section_errors(key)
            found = [
                {
                    "pointer": f"/{name}",
                    "code": "invalid" if str(typed.get(name) or "").strip() else "missing",
                    "detail": str(message),
                }
                for name, message in sorted(errors.items())
            ]
        statuses = {
            s.key: status
            for s, status in drafts.section_statuses(rtype, application.answers, today)
        }
        body = {"key": key, "status": statuses.get(key, drafts.IN_PROGRESS), "errors": found}
        return answer(body, 200, views.etag(application))

    return idempotent(write)


openapi.operation(
    APPLICATIONS + "/{application_id}/documents",
    "post",
    scope=Scope.APPLICATIONS_WRITE,
    summary="Upload a document (PDF, JPEG or PNG) for a purpose the application type asks for",
    parameters=[APPLICATION_ID, {**MATCH, "required": False}, *WRITE_HEADERS],
    requestBody={
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["purpose", "file"],
                    "properties": {
                        "purpose": {"type": "string", "pattern": openapi.NO_NUL},
                        "file": {"type": "string", "format": "binary"},
                    },
                    # Only these fields: a NUL in any field's name is refused (portal/inputs.py).
                    "additionalProperties": False,
                }
            }
        },
    },
    responses={"201": ok("The application with the document", "Application"), **WRITE_PROBLEMS},
)


@bp.post("/organisations/<kvk>/applications/<int:application_id>/documents")
@api_route(Scope.APPLICATIONS_WRITE)
def upload_document(application_id: int):
    def write():
        application = get_application_or_404(application_id)
        if request.if_match:
            match(views.etag(application))
        if application.status != ApplicationStatus.DRAFT:
            raise Problem(409, "not_a_draft")
        only_parts({"purpose"}, {"file"})
        purpose = request.form.get("purpose", "")
        upload = request.files.get("file")
        errors = []
        choices = residence_documents.document_choices(filing.residence_type(application))
        if purpose not in choices:
            errors.append({"pointer": "/purpose", "code": "enum"})
        if upload is None or not upload.filename:
            errors.append({"pointer": "/file", "code": "required"})
        if errors:
            raise Problem(400, "invalid_body", errors)
        try:
            residence_documents.attach_documents(application, {purpose: upload}, actor())
        except residence_documents.DocumentsRejected as rejected:
            db.session.rollback()
            with force_locale(language()):
                found = [
                    {"pointer": "/file", "code": "rejected", "detail": str(message)}
                    for message in rejected.problems.values()
                ]
            raise Problem(422, "documents_rejected", found) from None
        db.session.commit()
        return application_answer(application, 201)

    return idempotent(write)


openapi.operation(
    APPLICATIONS + "/{application_id}/submit",
    "post",
    scope=Scope.APPLICATIONS_WRITE,
    summary="Submit the draft: the same rules as the web (422 with the check's problems)",
    parameters=[APPLICATION_ID, MATCH, *WRITE_HEADERS],
    responses={"200": ok("Submitted", "Application"), **WRITE_PROBLEMS},
)


@bp.post("/organisations/<kvk>/applications/<int:application_id>/submit")
@api_route(Scope.APPLICATIONS_WRITE)
def submit_application(application_id: int):
    def write():
        application = _draft(application_id)
        found = submit_problems(application)
        if found:
            raise Problem(422, "incomplete", [_as_error(p) for p in found])
        try:
            with force_locale(language()):
                submission.submit(application, actor(), today=clock.today())
        except NotADraft:
            db.session.rollback()
            raise Problem(409, "not_a_draft") from None
        except (submission.Incomplete, filing.NotAllowed):
            db.session.rollback()
            found = [_as_error(p) for p in submit_problems(application)]
            raise Problem(422, "incomplete", found) from None
        db.session.commit()
        return application_answer(application)

    return idempotent(write)


def _as_error(problem: dict) -> dict:
    return {
        "pointer": problem["pointer"] or "",
        "code": problem["code"],
        "detail": problem["detail"],
    }


openapi.operation(
    APPLICATIONS + "/{application_id}/withdraw",
    "post",
    scope=Scope.APPLICATIONS_WRITE,
    summary="Withdraw a submitted application before its decision (a letter confirms it)",
    parameters=[APPLICATION_ID, MATCH, *WRITE_HEADERS],
    responses={"200": ok("Withdrawn", "Application"), **WRITE_PROBLEMS},
)


@bp.post("/organisations/<kvk>/applications/<int:application_id>/withdraw")
@api_route(Scope.APPLICATIONS_WRITE)
def withdraw_application(application_id: int):
    def write():
        application = get_application_or_404(application_id)
        match(views.etag(application))
        try:
            withdrawal.withdraw(application, actor(), person=person_of(application))
        except withdrawal.NotWithdrawable as lost:
            db.session.rollback()
            raise Problem(409, "not_withdrawable", status_now=lost.status.value) from None
        db.session.commit()
        return application_answer(application)

    return idempotent(write)


openapi.operation(
    APPLICATIONS + "/{application_id}/documents/{document_id}",
    "delete",
    scope=Scope.APPLICATIONS_WRITE,
    summary="Remove a document from the draft (a submitted application keeps what was sent)",
    parameters=[
        APPLICATION_ID,
        {"name": "document_id", "in": "path", "required": True, "schema": {"type": "integer"}},
        MATCH,
        *WRITE_HEADERS,
    ],
    responses={"200": ok("The application without the document", "Application"), **WRITE_PROBLEMS},
)


@bp.delete("/organisations/<kvk>/applications/<int:application_id>/documents/<int:document_id>")
@api_route(Scope.APPLICATIONS_WRITE)
def remove_document(application_id: int, document_id: int):
    def write():
        application = _draft(application_id)
        found = next(
            (d for d in residence_documents.documents_of(application) if d.id == document_id),
            None,
        )
        if found is None:
            raise Problem(404, "not_found")
        residence_documents.remove_document(application, found, actor())
        db.session.commit()
        return application_answer(application)

    return idempotent(write)
