"""Reports of changes over the API: file one (the web's rules, portal/duties/reports.py:
kinds offered within the mandate, the event date, the person's category; acknowledged by
letter) and list them (newest first, keyset pages). Scope reports:write."""

from flask import g, jsonify, request
from flask_babel import force_locale
from sqlalchemy import select

from portal import clock
from portal.api import openapi
from portal.api.problems import Problem, language
from portal.api.scopes import Scope
from portal.blueprints.api import bp
from portal.blueprints.api.guard import api_route, in_scope
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
from portal.dates import DateNotUnderstood, parse_date_text
from portal.duties import reports
from portal.extensions import db
from portal.inputs import MAX_ID, parse_whole
from portal.models import Person, Report, ReportKind
from portal.validators import control_characters_message

REPORTS = "/api/v1/organisations/{kvk}/reports"
MAX_DETAILS = 2000  # as the web form

openapi.schema(
    "Report",
    {
        "type": "object",
        "required": ["id", "kind", "event_date", "filed_on", "due_on", "days_late"],
        "properties": {
            "id": {"type": "integer"},
            "kind": {"enum": [k.value for k in ReportKind]},
            "category": {"type": ["string", "null"]},
            "person_id": {"type": ["integer", "null"]},
            "event_date": {"type": "string", "format": "date"},
            "filed_on": {"type": "string", "format": "date"},
            "due_on": {"type": "string", "format": "date"},
            "days_late": {"type": "integer"},
            "details": {"type": "string"},
            "letter_id": {"type": ["integer", "null"]},
        },
    },
)
openapi.schema(
    "ReportPage",
    {
        "type": "object",
        "required": ["items", "next_before"],
        "properties": {
            "items": {"type": "array", "items": {"$ref": "#/components/schemas/Report"}},
            "next_before": {"type": ["integer", "null"]},
        },
    },
)


def report_json(report: Report) -> dict:
    return {
        "id": report.id,
        "kind": report.kind.value,
        "category": report.category.value if report.category else None,
        "person_id": report.person_id,
        "event_date": report.event_date.isoformat(),
        "filed_on": report.filed_on.isoformat(),
        "due_on": report.due_on.isoformat(),
        "days_late": report.days_late,
        "details": report.details,
        "letter_id": report.letter_id,
    }


openapi.operation(
    REPORTS,
    "get",
    scope=Scope.REPORTS_WRITE,
    summary="The reports filed, newest first (keyset pages on id)",
    parameters=[{"name": "before", "in": "query", "schema": openapi.ID}],
    responses={"200": ok("A page of reports", "ReportPage"), **problems(("400", "Bad query"))},
)


@bp.get("/organisations/<kvk>/reports")
@api_route(Scope.REPORTS_WRITE)
def list_reports():
    before = request.args.get("before")
    if before is not None and parse_whole(before, MAX_ID, minimum=1) is None:
        raise Problem(400, "validation_failed", [{"pointer": "#/query/before", "code": "integer"}])
    page = reports.report_page(g.organisation.id, in_scope, int(before) if before else None)
    return jsonify(items=[report_json(r) for r in page.reports], next_before=page.next_before)


openapi.operation(
    REPORTS,
    "post",
    scope=Scope.REPORTS_WRITE,
    summary="File a report of a change (acknowledged by letter)",
    parameters=WRITE_HEADERS,
    requestBody=json_request(
        {
            "type": "object",
            "required": ["kind", "event_date"],
            "properties": {
                "kind": {"enum": [k.value for k in ReportKind]},
                "event_date": {
                    "type": "string",
                    "description": "day-month-year or ISO",
                    "pattern": openapi.NO_NUL,
                },
                "person_id": {"type": ["integer", "null"]},
                "details": {"type": "string", "maxLength": MAX_DETAILS, "pattern": openapi.NO_NUL},
            },
            "additionalProperties": False,
        }
    ),
    responses={
        "201": ok("Filed", "Report"),
        **problems(("400", "Malformed body"), ("413", "Body too large"), ("422", "Refused")),
    },
)


def _refused(pointer: str, code: str, detail) -> Problem:
    return Problem(
        422, "report_refused", [{"pointer": pointer, "code": code, "detail": str(detail)}]
    )


@bp.post("/organisations/<kvk>/reports")
@api_route(Scope.REPORTS_WRITE)
def file_report():
    def write():
        body = object_body(
            {"kind": str, "event_date": str, "person_id": int, "details": str},
            nullable=("person_id",),
            required=("kind", "event_date"),
        )
        scope = g.mandate.category_set if g.mandate is not None else None
        offered = {k.value for k in reports.kinds_offered(g.organisation, scope)}
        if body["kind"] not in {k.value for k in ReportKind}:
            raise Problem(400, "invalid_body", [{"pointer": "/kind", "code": "enum"}])
        details = body.get("details", "").replace("\x00", "")
        person = None
        with force_locale(language()):
            if body["kind"] not in offered:
                raise Problem(422, "report_refused", [{"pointer": "/kind", "code": "not_offered"}])
            try:
                event_date = parse_date_text(body["event_date"])
            except DateNotUnderstood as error:
                raise _refused("/event_date", "invalid", error) from None
            if len(details) > MAX_DETAILS:
                raise Problem(400, "invalid_body", [{"pointer": "/details", "code": "too_long"}])
            refused = control_characters_message(details)
            if refused is not None:
                raise _refused("/details", "invalid", refused)
            if body.get("person_id") is not None:
                person = db.session.scalar(
                    select(Person).where(
                        Person.id == body["person_id"],
                        Person.organisation_id == g.organisation.id,
                        in_scope(Person.category),
                    )
                )
                if person is None:
                    raise Problem(
                        422, "report_refused", [{"pointer": "/person_id", "code": "unknown"}]
                    )
            try:
                report = reports.file_report(
                    g.organisation,
                    actor(),
                    kind=ReportKind(body["kind"]),
                    event_date=event_date,
                    details=details,
                    person=person,
                    today=clock.today(),
                )
            except reports.ReportRefused as no:
                db.session.rollback()
                pointer = "/person_id" if no.field == "person" else f"/{no.field}"
                raise _refused(pointer, no.code, reports.refusal_message(no.code, person)) from None
        db.session.commit()
        return answer(report_json(report), 201)

    return idempotent(write)
