"""Listing residence applications over the API: newest first, keyset pages (the web list's
query, portal/cases/listing.py), filters by status and kind in the URL; a search by
reference or the person's name or passport goes in a POST body, never in a URL."""

from flask import jsonify, request
from sqlalchemy import and_

from portal.api import applications as views
from portal.api import openapi
from portal.api.problems import Problem
from portal.api.scopes import Scope
from portal.blueprints.api import bp
from portal.blueprints.api.applications import APPLICATIONS, get_application_or_404
from portal.blueprints.api.guard import api_route, viewer
from portal.blueprints.api.writes import json_request, object_body, ok, problems
from portal.cases import listing
from portal.inputs import MAX_ID, parse_whole
from portal.letters import visibility
from portal.models import Application, ApplicationKind, ApplicationStatus
from portal.residence.types import TYPES

STATUSES = [s.value for s in ApplicationStatus]
KINDS = [k.value for k in TYPES]

openapi.schema(
    "ApplicationPage",
    {
        "type": "object",
        "required": ["items", "next_after"],
        "properties": {
            "items": {"type": "array", "items": {"$ref": "#/components/schemas/Application"}},
            "next_after": {"type": ["integer", "null"]},
        },
    },
)
PAGE = {"200": ok("A page of applications", "ApplicationPage"), **problems(("400", "Bad input"))}


def _page(filters: listing.ListFilter, after_id: int | None):
    after = get_application_or_404(after_id) if after_id is not None else None
    visible = and_(Application.kind.in_(list(TYPES)), visibility.case_clause(viewer()))
    rows, more = listing.page(visible, filters, after)
    items = [views.application_json(row.application) for row in rows]
    return jsonify(items=items, next_after=items[-1]["id"] if more and items else None)


def _enum(name: str, value, allowed: list[str]):
    if value is not None and value not in allowed:
        raise Problem(400, "validation_failed", [{"pointer": name, "code": "enum"}])
    return value


openapi.operation(
    APPLICATIONS,
    "get",
    scope=Scope.APPLICATIONS_READ,
    summary="List residence applications, newest first (keyset pages)",
    parameters=[
        {"name": "status", "in": "query", "schema": {"enum": STATUSES}},
        {"name": "kind", "in": "query", "schema": {"enum": KINDS}},
        {"name": "after", "in": "query", "schema": openapi.CURSOR},
    ],
    responses=PAGE,
)


@bp.get("/organisations/<kvk>/applications")
@api_route(Scope.APPLICATIONS_READ)
def list_applications():
    status = _enum("#/query/status", request.args.get("status"), STATUSES)
    kind = _enum("#/query/kind", request.args.get("kind"), KINDS)
    after = request.args.get("after")
    if after is not None and parse_whole(after, MAX_ID) is None:
        raise Problem(400, "validation_failed", [{"pointer": "#/query/after", "code": "integer"}])
    filters = listing.ListFilter(
        status=ApplicationStatus(status) if status else None,
        kind=ApplicationKind(kind) if kind else None,
    )
    return _page(filters, int(after) if after else None)


openapi.operation(
    APPLICATIONS + "/search",
    "post",
    scope=Scope.APPLICATIONS_READ,
    summary="Search applications by reference, name or passport (in the body: never in a URL)",
    requestBody=json_request(
        {
            "type": "object",
            "properties": {
                "text": {"type": "string", "maxLength": 200, "pattern": openapi.NO_NUL},
                "status": {"enum": STATUSES},
                "kind": {"enum": KINDS},
                "after": openapi.CURSOR,
            },
            "additionalProperties": False,
        }
    ),
    responses=PAGE,
)


@bp.post("/organisations/<kvk>/applications/search")
@api_route(Scope.APPLICATIONS_READ)
def search_applications():
    body = object_body({"text": str, "status": str, "kind": str, "after": int})
    if len(body.get("text", "")) > 200:
        raise Problem(400, "invalid_body", [{"pointer": "/text", "code": "too_long"}])
    status = _enum("/status", body.get("status"), STATUSES)
    kind = _enum("/kind", body.get("kind"), KINDS)
    filters = listing.ListFilter(
        text=body.get("text", ""),
        status=ApplicationStatus(status) if status else None,
        kind=ApplicationKind(kind) if kind else None,
    )
    return _page(filters, body.get("after"))
