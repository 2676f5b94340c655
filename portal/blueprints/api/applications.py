"""Residence applications over the API: start one for a person of the register (every type
the web offers, the same filing rules), get it (status and clock from portal/cases/status.py,
with an ETag), its timeline, and the check before submitting (the rules `submit` applies,
as problems with stable codes)."""

from flask import g, jsonify
from flask_babel import force_locale
from sqlalchemy import select

from portal import clock
from portal.api import applications as views
from portal.api import openapi
from portal.api.problems import Problem, language
from portal.api.scopes import Scope
from portal.blueprints.api import bp
from portal.blueprints.api import family as family_api
from portal.blueprints.api.guard import api_route, in_scope, viewer
from portal.blueprints.api.writes import (
    WRITE_HEADERS,
    actor,
    answer,
    idempotent,
    json_request,
    object_body,
    ok,
    problems,
)
from portal.extensions import db
from portal.inputs import MAX_ID
from portal.letters import visibility
from portal.models import Application, ApplicationKind, Person
from portal.people import state as person_state
from portal.residence import filing, submission
from portal.residence.types import TYPES

APPLICATIONS = "/api/v1/organisations/{kvk}/applications"
APPLICATION_ID = {
    "name": "application_id",
    "in": "path",
    "required": True,
    "schema": {"type": "integer"},
}
_DAY = {"type": ["string", "null"], "format": "date"}

openapi.schema(
    "Application",
    {
        "type": "object",
        "required": ["id", "kind", "status", "sections", "documents"],
        "properties": {
            "id": {"type": "integer"},
            "kind": {"enum": [k.value for k in TYPES]},
            "status": {"type": "string"},
            "reference": {"type": ["string", "null"]},
            "person_id": {"type": ["integer", "null"]},
            "created_at": {"type": "string", "format": "date-time"},
            "submitted_at": {"type": ["string", "null"], "format": "date-time"},
            "fee_cents": {"type": ["integer", "null"]},
            "clock": {
                "type": ["object", "null"],
                "properties": {
                    "deadline": _DAY,
                    "running": {"type": "boolean"},
                    "stopped_since": _DAY,
                    "respond_by": _DAY,
                    "days_left": {"type": ["integer", "null"]},
                    "waiting_for_payment": {"type": "boolean"},
                },
            },
            "expected_decision": {
                "type": ["object", "null"],
                "description": "When the case will most likely be decided (docs/forecast.md), or"
                " why there is no date: clock_stopped, waiting_for_payment, nothing_comparable."
                " Only on a single case; null in lists and for drafts and decided cases.",
                "required": ["state", "computed_on", "window_weeks"],
                "properties": {
                    "state": {
                        "enum": [
                            "date",
                            "clock_stopped",
                            "waiting_for_payment",
                            "nothing_comparable",
                        ]
                    },
                    "computed_on": {"type": "string", "format": "date"},
                    "window_weeks": {"type": "integer"},
                    "most_likely": {"type": "string", "format": "date"},
                    "earliest": {"type": "string", "format": "date"},
                    "latest": {"type": "string", "format": "date"},
                    "range_percent": {"type": "integer"},
                    "cases_ahead": {"type": "integer"},
                },
            },
            "sections": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["key", "status"],
                    "properties": {
                        "key": {"type": "string"},
                        "status": {"enum": ["not_started", "in_progress", "completed"]},
                    },
                },
            },
            "documents": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "id": {"type": "integer"},
                        "purpose": {"type": ["string", "null"]},
                        "filename": {"type": "string"},
                        "content_type": {"type": "string"},
                        "size_bytes": {"type": "integer"},
                    },
                },
            },
        },
    },
)
openapi.schema(
    "Timeline",
    {
        "type": "object",
        "required": ["items"],
        "properties": {
            "items": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["occurred_at", "activity", "to_status"],
                    "properties": {
                        "occurred_at": {"type": "string", "format": "date-time"},
                        "activity": {"type": "string"},
                        "title": {"type": "string"},
                        "from_status": {"type": ["string", "null"]},
                        "to_status": {"type": "string"},
                    },
                },
            }
        },
    },
)
openapi.schema(
    "SubmitProblem",
    {
        "type": "object",
        "required": ["code", "detail", "pointer"],
        "properties": {
            "code": {
                "enum": [
                    "not_a_draft",
                    "not_allowed",
                    "answer_invalid",
                    "section_not_complete",
                    "document_missing",
                ]
            },
            "detail": {"type": "string"},
            "pointer": {"type": "string"},
            "document": {"type": ["string", "null"]},
        },
    },
)
openapi.schema(
    "Check",
    {
        "type": "object",
        "required": ["submittable", "problems"],
        "properties": {
            "submittable": {"type": "boolean"},
            "problems": {"type": "array", "items": {"$ref": "#/components/schemas/SubmitProblem"}},
        },
    },
)


def get_application_or_404(application_id: int) -> Application:
    application = db.session.scalar(
        select(Application).where(
            Application.id == application_id,
            Application.organisation_id == g.organisation.id,
            Application.kind.in_(list(TYPES)),
            visibility.case_clause(viewer()),
        )
    )
    if application is None:
        raise Problem(404, "not_found")
    return application


def _pointer(problem: submission.Problem) -> str:
    if problem.document:
        return f"/documents/{problem.document}"
    if problem.section is None:
        return ""
    return "/answers/" + "/".join(filter(None, (problem.section, problem.field)))


def submit_problems(application: Application) -> list[dict]:
    """The rules `submit` applies, in the language asked for, with stable codes and pointers
    (/answers/<section>/<field>)."""
    with force_locale(language()):
        found = submission.problem_list(application, clock.today())
        return [
            {
                "code": p.code,
                "detail": str(p.message),
                "pointer": _pointer(p),
                "document": p.document,
            }
            for p in found
        ]


def application_answer(application: Application, status: int = 200):
    return answer(
        views.application_json(application, expected=True), status, views.etag(application)
    )


# Every type the web form offers, with its sections (PUT .../sections/{key}) and documents.
KIND_DESCRIPTION = (
    "The application type: the same types, questions and rules as the web form (README, "
    "'Application types'). Sections and document purposes per type: "
    + "; ".join(
        f"{kind.value}: sections ({', '.join(s.key for s in rtype.sections)}), "
        f"documents ({', '.join(rtype.documents)})"
        for kind, rtype in TYPES.items()
    )
    + ". The travel section applies only to entry and residence."
)


openapi.operation(
    APPLICATIONS,
    "post",
    scope=Scope.APPLICATIONS_WRITE,
    summary="Start a residence application for a person of the register",
    parameters=WRITE_HEADERS,
    requestBody=json_request(
        {
            "type": "object",
            "required": ["kind", "person_id"],
            "properties": {
                "kind": {"enum": [k.value for k in TYPES], "description": KIND_DESCRIPTION},
                "person_id": openapi.ID,
                # Family members (portal/family/): the main application they are filed with.
                "main_application_id": {
                    **openapi.ID,
                    "description": "Required for family_partner and family_child",
                },
            },
            "additionalProperties": False,
        }
    ),
    responses={
        "201": ok("The draft", "Application"),
        **problems(("400", "Malformed body"), ("413", "Body too large"), ("422", "Refused")),
    },
)


@bp.post("/organisations/<kvk>/applications")
@api_route(Scope.APPLICATIONS_WRITE)
def create_application():
    def write():
        fields = {"kind": str, "person_id": int, "main_application_id": int}
        body = object_body(fields, required=("kind", "person_id"))
        if body["kind"] not in {k.value for k in TYPES}:
            raise Problem(400, "invalid_body", [{"pointer": "/kind", "code": "enum"}])
        kind = ApplicationKind(body["kind"])
        if not 1 <= body["person_id"] <= MAX_ID:  # no id the database could hold
            raise Problem(422, "validation_failed", [{"pointer": "/person_id", "code": "unknown"}])
        person = db.session.scalar(
            select(Person).where(
                Person.id == body["person_id"],
                Person.organisation_id == g.organisation.id,
                Person.archived_at.is_(None),
                in_scope(Person.category),
            )
        )
        if person is None:
            raise Problem(422, "validation_failed", [{"pointer": "/person_id", "code": "unknown"}])
        if "main_application_id" in body and not TYPES[kind].with_main:
            raise Problem(
                400, "invalid_body", [{"pointer": "/main_application_id", "code": "unknown_field"}]
            )
        if TYPES[kind].with_main:  # filed with a main application (portal/family/)
            application = family_api.start(body.get("main_application_id"), kind, person)
            db.session.commit()
            return application_answer(application, 201)
        if g.mandate is not None and TYPES[kind].category not in g.mandate.category_set:
            raise Problem(
                422, "validation_failed", [{"pointer": "/kind", "code": "outside_mandate"}]
            )
        with force_locale(language()):
            reason = filing.filing_options(g.organisation, person_state.state_of(person))[kind]
            if reason is not None:
                raise Problem(422, "not_allowed", detail=str(reason))
        try:
            application = filing.start(g.organisation, kind, actor(), person=person)
        except filing.NotAllowed:
            db.session.rollback()
            raise Problem(422, "not_allowed") from None
        if g.mandate is not None:
            application.intermediary_id = g.mandate.intermediary_id
        db.session.commit()
        return application_answer(application, 201)

    return idempotent(write)


openapi.operation(
    APPLICATIONS + "/{application_id}",
    "get",
    scope=Scope.APPLICATIONS_READ,
    summary="Get an application: status, statutory clock, sections and documents (with ETag)",
    parameters=[APPLICATION_ID],
    responses={"200": ok("The application", "Application")},
)


@bp.get("/organisations/<kvk>/applications/<int:application_id>")
@api_route(Scope.APPLICATIONS_READ)
def get_application(application_id: int):
    return application_answer(get_application_or_404(application_id))


openapi.operation(
    APPLICATIONS + "/{application_id}/timeline",
    "get",
    scope=Scope.APPLICATIONS_READ,
    summary="The application's timeline: each step, oldest first",
    parameters=[APPLICATION_ID],
    responses={"200": ok("The timeline", "Timeline")},
)


@bp.get("/organisations/<kvk>/applications/<int:application_id>/timeline")
@api_route(Scope.APPLICATIONS_READ)
def application_timeline(application_id: int):
    application = get_application_or_404(application_id)
    return jsonify(items=views.timeline_json(application))


openapi.operation(
    APPLICATIONS + "/{application_id}/check",
    "get",
    scope=Scope.APPLICATIONS_READ,
    summary="What stops the draft from being submitted (the rules submitting applies)",
    parameters=[APPLICATION_ID],
    responses={"200": ok("The check", "Check")},
)


@bp.get("/organisations/<kvk>/applications/<int:application_id>/check")
@api_route(Scope.APPLICATIONS_READ)
def check_application(application_id: int):
    found = submit_problems(get_application_or_404(application_id))
    return jsonify(submittable=not found, problems=found)
