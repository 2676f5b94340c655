"""People over the API: create, update (If-Match), archive (If-Match); every write takes an
Idempotency-Key. The same person rules and messages as the web forms (portal/api/person_input)."""

from flask import Response, g
from sqlalchemy.exc import IntegrityError

from portal import clock
from portal.api import openapi, person_input
from portal.api.problems import Problem
from portal.api.scopes import Scope
from portal.blueprints.api import bp
from portal.blueprints.api.guard import api_route
from portal.blueprints.api.people import PEOPLE, get_person_or_404, person_json
from portal.blueprints.api.writes import (
    MATCH,
    WRITE_HEADERS,
    actor,
    answer,
    idempotent,
    json_body,
    match,
    problems,
)
from portal.dates import DateNotUnderstood, parse_date_text
from portal.extensions import db
from portal.people import register as service


def _in_scope(category) -> bool:
    return g.mandate is None or category in g.mandate.category_set


def _answer(person, status: int) -> Response:
    return answer(person_json(person), status, person_input.etag(person))


PERSON_BODY = {
    "required": True,
    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/PersonInput"}}},
}
PERSON_ID = {"name": "person_id", "in": "path", "required": True, "schema": openapi.ID}
PROBLEMS = problems(
    ("400", "Malformed body"),
    ("409", "Duplicate"),
    ("412", "Stale ETag"),
    ("413", "Body too large"),
    ("422", "Refused fields"),
    ("428", "If-Match missing"),
)
PERSON_OK = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Person"}}}}

openapi.operation(
    PEOPLE,
    "post",
    scope=Scope.PEOPLE_WRITE,
    summary="Register a person",
    parameters=WRITE_HEADERS,
    requestBody=PERSON_BODY,
    responses={"201": {"description": "Registered", **PERSON_OK}, **PROBLEMS},
)


@bp.post("/organisations/<kvk>/people")
@api_route(Scope.PEOPLE_WRITE)
def create_person():
    def write():
        values = person_input.read(json_body(), _in_scope)
        try:
            person = service.create_person(g.organisation, values, actor())
        except service.DuplicatePerson as found:
            db.session.rollback()
            raise Problem(409, "duplicate_person", existing_id=found.existing.id) from None
        except IntegrityError:
            db.session.rollback()
            raise Problem(409, "duplicate_person") from None
        db.session.commit()
        return _answer(person, 201)

    return idempotent(write)


openapi.operation(
    PEOPLE + "/{person_id}",
    "patch",
    scope=Scope.PEOPLE_WRITE,
    summary="Change a person (the fields sent)",
    parameters=[PERSON_ID, MATCH, *WRITE_HEADERS],
    requestBody=PERSON_BODY,
    responses={"200": {"description": "Changed", **PERSON_OK}, **PROBLEMS},
)


@bp.patch("/organisations/<kvk>/people/<int:person_id>")
@api_route(Scope.PEOPLE_WRITE)
def update_person(person_id: int):
    def write():
        person = get_person_or_404(person_id)
        match(person_input.etag(person))
        values = person_input.read(json_body(), _in_scope, person)
        try:
            service.update_person(person, values, actor())
        except service.DuplicatePerson as found:
            db.session.rollback()
            raise Problem(409, "duplicate_person", existing_id=found.existing.id) from None
        db.session.commit()
        return _answer(person, 200)

    return idempotent(write)


openapi.operation(
    PEOPLE + "/{person_id}/archive",
    "post",
    scope=Scope.PEOPLE_WRITE,
    summary="Archive a person whose sponsorship ended",
    parameters=[PERSON_ID, MATCH, *WRITE_HEADERS],
    requestBody={
        "required": True,
        "content": {
            "application/json": {
                "schema": {
                    "type": "object",
                    "required": ["sponsorship_ended_on"],
                    "properties": {"sponsorship_ended_on": {"type": "string", "format": "date"}},
                    "additionalProperties": False,
                }
            }
        },
    },
    responses={"200": {"description": "Archived", **PERSON_OK}, **PROBLEMS},
)


@bp.post("/organisations/<kvk>/people/<int:person_id>/archive")
@api_route(Scope.PEOPLE_WRITE)
def archive_person(person_id: int):
    def write():
        person = get_person_or_404(person_id)
        match(person_input.etag(person))
        body = json_body()
        if not isinstance(body, dict) or set(body) != {"sponsorship_ended_on"}:
            raise Problem(
                400, "invalid_body", [{"pointer": "/sponsorship_ended_on", "code": "required"}]
            )
        try:
            ended = parse_date_text(str(body["sponsorship_ended_on"]))
        except DateNotUnderstood:
            ended = None
        if ended is None or ended > clock.today() or ended.year < 2000:
            raise Problem(
                422, "validation_failed", [{"pointer": "/sponsorship_ended_on", "code": "invalid"}]
            )
        try:
            service.archive_person(person, ended, actor())
        except service.AlreadyArchived:
            raise Problem(409, "already_archived") from None
        db.session.commit()
        return _answer(person, 200)

    return idempotent(write)
