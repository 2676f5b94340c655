"""People over the API: list (keyset paging, filters) and get. Personal data never in URLs:
filters take only category and archived; a person is named by its opaque id."""

from flask import g, jsonify, request
from sqlalchemy import select

from portal.api import openapi, person_input
from portal.api.problems import Problem, of_type
from portal.api.scopes import Scope
from portal.blueprints.api import bp
from portal.blueprints.api.guard import api_route, in_scope
from portal.extensions import db
from portal.inputs import MAX_ID, parse_whole
from portal.models import Category, Person
from portal.people import register

PAGE_SIZE = 100
LIMIT = {"type": "integer", "minimum": 1, "maximum": PAGE_SIZE}
PEOPLE = "/api/v1/organisations/{kvk}/people"


def person_json(person: Person) -> dict:
    return {
        "id": person.id,
        "given_names": person.given_names,
        "surname": person.surname,
        "date_of_birth": person.date_of_birth.isoformat(),
        "nationality": person.nationality,
        "category": person.category.value,
        "v_number": person.v_number,
        "archived": person.archived_at is not None,
    }


def _int_arg(name: str, default: int | None) -> int | None:
    value = request.args.get(name)
    if value is None:
        return default
    number = parse_whole(value, MAX_ID)
    if number is None:
        raise Problem(400, "validation_failed", [{"pointer": f"#/query/{name}", "code": "integer"}])
    return number


openapi.operation(
    PEOPLE,
    "get",
    scope=Scope.PEOPLE_READ,
    summary="List people (keyset paging by id)",
    parameters=[
        {"name": "after", "in": "query", "schema": openapi.CURSOR},
        {"name": "limit", "in": "query", "schema": LIMIT},
        {"name": "category", "in": "query", "schema": {"enum": [c.value for c in Category]}},
        {"name": "archived", "in": "query", "schema": {"enum": ["true", "false"]}},
    ],
    responses={
        "200": {
            "description": "A page of people",
            "content": {
                "application/json": {"schema": {"$ref": "#/components/schemas/PersonPage"}}
            },
        },
        "400": {
            "description": "Bad query",
            "content": {"application/problem+json": {"schema": openapi.PROBLEM}},
        },
    },
)


@bp.get("/organisations/<kvk>/people")
@api_route(Scope.PEOPLE_READ)
def list_people():
    after = _int_arg("after", 0)
    limit = _int_arg("limit", PAGE_SIZE)
    if not 1 <= limit <= PAGE_SIZE:
        raise Problem(400, "validation_failed", [{"pointer": "#/query/limit", "code": "range"}])
    query = select(Person).where(
        Person.organisation_id == g.organisation.id, Person.id > after, in_scope(Person.category)
    )
    category = request.args.get("category")
    if category is not None:
        if category not in {c.value for c in Category}:
            raise Problem(
                400, "validation_failed", [{"pointer": "#/query/category", "code": "enum"}]
            )
        query = query.where(Person.category == Category(category))
    archived = request.args.get("archived")
    if archived not in (None, "true", "false"):
        raise Problem(400, "validation_failed", [{"pointer": "#/query/archived", "code": "enum"}])
    if archived is not None:
        column = Person.archived_at
        query = query.where(column.is_not(None) if archived == "true" else column.is_(None))
    people = db.session.scalars(query.order_by(Person.id).limit(limit + 1)).all()
    more = len(people) > limit
    people = people[:limit]
    return jsonify(
        items=[person_json(p) for p in people], next_after=people[-1].id if more else None
    )


openapi.operation(
    PEOPLE + "/{person_id}",
    "get",
    scope=Scope.PEOPLE_READ,
    summary="Get a person",
    parameters=[{"name": "person_id", "in": "path", "required": True, "schema": openapi.ID}],
    responses={
        "200": {
            "description": "The person",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Person"}}},
        }
    },
)


def get_person_or_404(person_id: int) -> Person:
    person = db.session.scalar(
        select(Person).where(
            Person.id == person_id,
            Person.organisation_id == g.organisation.id,
            in_scope(Person.category),
        )
    )
    if person is None:
        raise Problem(404, "not_found")
    return person


@bp.get("/organisations/<kvk>/people/<int:person_id>")
@api_route(Scope.PEOPLE_READ)
def get_person(person_id: int):
    person = get_person_or_404(person_id)
    response = jsonify(person_json(person))
    response.set_etag(person_input.etag(person))
    return response


SEARCH_FIELDS = {"text": str, "nationality": str, "state": str, "after": int, "limit": int}
STATES = ("current", "archived", "all")

openapi.operation(
    PEOPLE + "/search",
    "post",
    scope=Scope.PEOPLE_READ,
    summary="Search people by name, passport or V-number (in the body: never in a URL)",
    requestBody={
        "required": True,
        "content": {
            "application/json": {
                "schema": {
                    "type": "object",
                    "properties": {
                        "text": {"type": "string", "maxLength": 200, "pattern": openapi.NO_NUL},
                        "nationality": {"type": "string", "pattern": openapi.NO_NUL},
                        "state": {"enum": list(STATES)},
                        "after": openapi.CURSOR,
                        "limit": LIMIT,
                    },
                    "additionalProperties": False,
                }
            }
        },
    },
    responses={
        "200": {
            "description": "A page of people",
            "content": {
                "application/json": {"schema": {"$ref": "#/components/schemas/PersonPage"}}
            },
        },
        "400": {
            "description": "Bad body",
            "content": {"application/problem+json": {"schema": openapi.PROBLEM}},
        },
    },
)


@bp.post("/organisations/<kvk>/people/search")
@api_route(Scope.PEOPLE_READ)
def search_people():
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise Problem(400, "invalid_body", [{"pointer": "", "code": "object_expected"}])
    errors = [
        {"pointer": f"/{name}", "code": "unknown_field" if name not in SEARCH_FIELDS else "type"}
        for name, value in sorted(body.items())
        if name not in SEARCH_FIELDS or not of_type(value, SEARCH_FIELDS[name])
    ]
    for name, lowest, highest in (("after", 0, MAX_ID), ("limit", 1, PAGE_SIZE)):
        if name in body and of_type(body[name], int):
            body[name] = int(body[name])
            if not lowest <= body[name] <= highest:
                errors.append({"pointer": f"/{name}", "code": "out_of_range"})
    if body.get("state", "current") not in STATES:
        errors.append({"pointer": "/state", "code": "enum"})
    if len(str(body.get("text", ""))) > 200:
        errors.append({"pointer": "/text", "code": "too_long"})
    if errors:
        raise Problem(400, "invalid_body", errors)
    filters = register.RegisterFilter(
        text=body.get("text", ""),
        nationality=body.get("nationality", "").upper(),
        state=body.get("state", "current"),
    )
    limit = body.get("limit", PAGE_SIZE)
    query = register.register_query(g.organisation.id, in_scope, filters)
    query = query.where(Person.id > body.get("after", 0)).order_by(Person.id).limit(limit + 1)
    people = db.session.scalars(query).all()
    more = len(people) > limit
    people = people[:limit]
    return jsonify(
        items=[person_json(p) for p in people], next_after=people[-1].id if more else None
    )
