"""Fees over the API: the organisation's fees (within the mandate), open and paid, each with
where it stands today (portal/fees/records.py `state_of`, the one rule). Scope
applications:read."""

from flask import g, jsonify, request

from portal import clock
from portal.api import openapi
from portal.api.problems import Problem
from portal.api.scopes import Scope
from portal.blueprints.api import bp
from portal.blueprints.api.guard import api_route, in_scope
from portal.blueprints.api.writes import ok, problems
from portal.fees import records

FEES = "/api/v1/organisations/{kvk}/fees"
STATES = ("open", "paid", "all")
_DAY = {"type": ["string", "null"], "format": "date"}

openapi.schema(
    "Fee",
    {
        "type": "object",
        "required": ["id", "application_id", "state"],
        "properties": {
            "id": {"type": "integer"},
            "application_id": {"type": "integer"},
            "application_reference": {"type": ["string", "null"]},
            "payment_reference": {"type": ["string", "null"]},
            "state": {"enum": ["amount_to_be_set", "due", "overdue", "paid"]},
            "amount_cents": {"type": ["integer", "null"]},
            "received_cents": {"type": "integer"},
            "outstanding_cents": {"type": ["integer", "null"]},
            "due_on": _DAY,
            "paid_on": _DAY,
        },
    },
)
openapi.schema(
    "FeeList",
    {
        "type": "object",
        "required": ["items"],
        "properties": {"items": {"type": "array", "items": {"$ref": "#/components/schemas/Fee"}}},
    },
)


def fee_json(row: records.FeeRow) -> dict:
    state = row.state
    return {
        "id": row.fee.id,
        "application_id": row.application.id,
        "application_reference": row.application.reference,
        "payment_reference": row.application.reference,
        "state": state.code,
        "amount_cents": state.amount_cents,
        "received_cents": state.received_cents,
        "outstanding_cents": state.outstanding_cents,
        "due_on": state.due_on.isoformat() if state.due_on else None,
        "paid_on": state.paid_on.isoformat() if state.paid_on else None,
    }


openapi.operation(
    FEES,
    "get",
    scope=Scope.APPLICATIONS_READ,
    summary="The organisation's fees, open first, newest first",
    parameters=[{"name": "state", "in": "query", "schema": {"enum": list(STATES)}}],
    responses={"200": ok("The fees", "FeeList"), **problems(("400", "Bad query"))},
)


@bp.get("/organisations/<kvk>/fees")
@api_route(Scope.APPLICATIONS_READ)
def list_fees():
    wanted = request.args.get("state", "all")
    if wanted not in STATES:
        raise Problem(400, "validation_failed", [{"pointer": "#/query/state", "code": "enum"}])
    rows = records.fees_of_organisation(g.organisation.id, in_scope, clock.today())
    if wanted != "all":
        rows = [r for r in rows if r.state.is_paid == (wanted == "paid")]
    return jsonify(items=[fee_json(r) for r in rows])
