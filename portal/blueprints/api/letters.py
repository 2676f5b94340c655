"""Letters over the API: list (filters kind, period and unread; keyset pages), metadata, the
PDF and the structured data (kind, references, dates, respond-by, amounts) stored at issue.
Who sees which letter is portal/letters/visibility.py. Reading over the API marks nothing
read; `POST …/read` does (for the administrator who registered the client)."""

import base64
from datetime import date

from flask import Response, g, jsonify, request
from sqlalchemy import select
from sqlalchemy.orm import undefer

from portal.api import openapi
from portal.api.problems import Problem
from portal.api.scopes import Scope
from portal.blueprints.api import bp
from portal.blueprints.api.guard import api_route, viewer
from portal.blueprints.api.writes import (
    WRITE_HEADERS,
    actor,
    idempotent,
    json_request,
    object_body,
    ok,
    problems,
)
from portal.extensions import db
from portal.letters import inbox, issuing, visibility
from portal.models import Letter, LetterKind, LetterRead

LETTERS = "/api/v1/organisations/{kvk}/letters"
LETTER_ID = {"name": "letter_id", "in": "path", "required": True, "schema": {"type": "integer"}}
_DAY = {"type": ["string", "null"], "format": "date"}

openapi.schema(
    "Letter",
    {
        "type": "object",
        "required": ["id", "kind", "subject", "issued_at", "read", "has_data"],
        "properties": {
            "id": {"type": "integer"},
            "reference": {"type": ["string", "null"]},
            "kind": {"enum": [k.value for k in LetterKind]},
            "category": {"type": ["string", "null"]},
            "subject": {"type": "string"},
            "language": {"type": "string"},
            "issued_at": {"type": "string", "format": "date-time"},
            "respond_by": _DAY,
            "application_id": {"type": ["integer", "null"]},
            "person_name": {"type": ["string", "null"]},
            "v_number": {"type": ["string", "null"]},
            "sha256": {"type": "string"},
            "read": {"type": "boolean"},
            "has_data": {"type": "boolean"},
        },
    },
)
openapi.schema(
    "LetterPage",
    {
        "type": "object",
        "required": ["items", "next_after"],
        "properties": {
            "items": {"type": "array", "items": {"$ref": "#/components/schemas/Letter"}},
            "next_after": {"type": ["string", "null"]},
        },
    },
)
_AMOUNT = {
    "type": "object",
    "required": ["cents", "currency"],
    "properties": {"cents": {"type": "integer"}, "currency": {"const": "EUR"}},
}
openapi.schema(
    "LetterData",
    {
        "type": "object",
        "required": ["kind", "references", "dates", "respond_by", "amounts"],
        "properties": {
            "kind": {"enum": [k.value for k in LetterKind]},
            "references": {"type": "object", "additionalProperties": {"type": "string"}},
            "dates": {
                "type": "object",
                "additionalProperties": {"type": "string", "format": "date"},
            },
            "respond_by": _DAY,
            "amounts": {"type": "object", "additionalProperties": _AMOUNT},
            "person": {
                "type": ["object", "null"],
                "properties": {
                    "name": {"type": "string"},
                    "v_number": {"type": ["string", "null"]},
                },
            },
            "granted": {"type": "boolean"},
        },
    },
)


def letter_json(letter: Letter, read: bool, has_data: bool) -> dict:
    return {
        "id": letter.id,
        "reference": letter.reference,
        "kind": letter.kind.value,
        "category": letter.category,
        "subject": letter.subject,
        "language": letter.language,
        "issued_at": letter.issued_at.isoformat(),
        "respond_by": letter.respond_by.isoformat() if letter.respond_by else None,
        "application_id": letter.application_id,
        "person_name": letter.person_name,
        "v_number": letter.v_number,
        "sha256": letter.sha256,
        "read": read,
        "has_data": has_data,
    }


def _query_error(name: str, code: str):
    return Problem(400, "validation_failed", [{"pointer": f"#/query/{name}", "code": code}])


def _day_arg(name: str) -> date | None:
    raw = request.args.get(name)
    if raw is None:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise _query_error(name, "date") from None


def _filter() -> inbox.InboxFilter:
    kind = request.args.get("kind")
    if kind is not None and kind not in {k.value for k in LetterKind}:
        raise _query_error("kind", "enum")
    unread = request.args.get("unread")
    if unread not in (None, "true", "false"):
        raise _query_error("unread", "enum")
    return inbox.InboxFilter(
        kind=LetterKind(kind) if kind else None,
        period_from=_day_arg("issued_from"),
        period_to=_day_arg("issued_to"),
        unread_only=unread == "true",
    )


def _unwrap(raw: str) -> str | None:
    """The inbox's cursor from the opaque, URL-safe one handed out."""
    try:
        return base64.urlsafe_b64decode(raw.encode()[:200]).decode()
    except (ValueError, UnicodeDecodeError):
        return None


def letter_or_404(letter_id: int) -> Letter:
    letter = db.session.scalar(
        select(Letter)
        .where(Letter.id == letter_id, visibility.clause(viewer()))
        .options(undefer(Letter.structured))
    )
    if letter is None:
        raise Problem(404, "not_found")
    return letter


def _is_read(letter: Letter) -> bool:
    return db.session.get(LetterRead, (letter.id, actor().id)) is not None


openapi.operation(
    LETTERS,
    "get",
    scope=Scope.LETTERS_READ,
    summary="List letters, newest first (keyset pages; filters take no personal data)",
    parameters=[
        {"name": "kind", "in": "query", "schema": {"enum": [k.value for k in LetterKind]}},
        {"name": "issued_from", "in": "query", "schema": {"type": "string", "format": "date"}},
        {"name": "issued_to", "in": "query", "schema": {"type": "string", "format": "date"}},
        {"name": "unread", "in": "query", "schema": {"enum": ["true", "false"]}},
        {"name": "after", "in": "query", "schema": {"type": "string"}},
    ],
    responses={
        "200": ok("A page of letters", "LetterPage"),
        **problems(("400", "Bad query"), ("422", "A cursor this API did not hand out")),
    },
)


@bp.get("/organisations/<kvk>/letters")
@api_route(Scope.LETTERS_READ)
def list_letters():
    return _page(_filter(), request.args.get("after"), "#/query/after")


openapi.operation(
    LETTERS + "/search",
    "post",
    scope=Scope.LETTERS_READ,
    summary=(
        "Search letters by the person they concern (name or V-number) and words, with the "
        "list's filters (in the body: never in a URL)"
    ),
    requestBody=json_request(
        {
            "type": "object",
            "properties": {
                "person": {"type": "string", "maxLength": 200, "pattern": openapi.NO_NUL},
                "text": {"type": "string", "maxLength": 200, "pattern": openapi.NO_NUL},
                "kind": {"enum": [k.value for k in LetterKind]},
                "unread": {"type": "boolean"},
                "after": {"type": "string"},
            },
            "additionalProperties": False,
        }
    ),
    responses={
        "200": ok("A page of letters", "LetterPage"),
        **problems(("400", "Bad body"), ("422", "A cursor this API did not hand out")),
    },
)


@bp.post("/organisations/<kvk>/letters/search")
@api_route(Scope.LETTERS_READ)
def search_letters():
    body = object_body({"person": str, "text": str, "kind": str, "unread": bool, "after": str})
    for name in ("person", "text"):
        if len(body.get(name, "")) > inbox.MAX_QUERY_LENGTH:
            raise Problem(400, "invalid_body", [{"pointer": f"/{name}", "code": "too_long"}])
    kind = body.get("kind")
    if kind is not None and kind not in {k.value for k in LetterKind}:
        raise Problem(400, "invalid_body", [{"pointer": "/kind", "code": "enum"}])
    f = inbox.InboxFilter(
        kind=LetterKind(kind) if kind else None,
        person=body.get("person", "").strip() or None,
        unread_only=body.get("unread", False),
        query=body.get("text", ""),
        terms=inbox.search_terms(body.get("text", "")),
    )
    return _page(f, body.get("after"), "/after")


def _page(f: inbox.InboxFilter, after: str | None, pointer: str):
    cursor = None
    if after is not None:
        cursor = inbox.parse_cursor(_unwrap(after))
        if cursor is None:  # opaque: any string is well-formed, only ours can be read
            raise Problem(422, "validation_failed", [{"pointer": pointer, "code": "cursor"}])
    rows, next_cursor = inbox.page(
        g.organisation.id, actor().id, f, cursor, scope=visibility.clause(viewer())
    )
    ids = [letter.id for letter, _read in rows]
    with_data = set(
        db.session.scalars(
            select(Letter.id).where(Letter.id.in_(ids), Letter.structured.is_not(None))
        )
    )
    items = [letter_json(letter, bool(read), letter.id in with_data) for letter, read in rows]
    next_after = base64.urlsafe_b64encode(next_cursor.encode()).decode() if next_cursor else None
    return jsonify(items=items, next_after=next_after)


openapi.operation(
    LETTERS + "/{letter_id}",
    "get",
    scope=Scope.LETTERS_READ,
    summary="A letter's metadata (reading it does not mark it read)",
    parameters=[LETTER_ID],
    responses={"200": ok("The letter", "Letter")},
)


@bp.get("/organisations/<kvk>/letters/<int:letter_id>")
@api_route(Scope.LETTERS_READ)
def get_letter(letter_id: int):
    letter = letter_or_404(letter_id)
    return jsonify(letter_json(letter, _is_read(letter), letter.structured is not None))


openapi.operation(
    LETTERS + "/{letter_id}/pdf",
    "get",
    scope=Scope.LETTERS_READ,
    summary="The letter as issued (PDF/A)",
    parameters=[LETTER_ID],
    responses={
        "200": {
            "description": "The PDF",
            "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
        }
    },
)


@bp.get("/organisations/<kvk>/letters/<int:letter_id>/pdf")
@api_route(Scope.LETTERS_READ)
def letter_pdf(letter_id: int):
    letter = letter_or_404(letter_id)
    return Response(
        letter.pdf,
        mimetype="application/pdf",
        headers={
            "Content-Disposition": f'attachment; filename="{letter.kind.value}-{letter.id}.pdf"',
            "Cache-Control": "private, no-store",
            "Digest": f"sha-256={letter.sha256}",
        },
    )


openapi.operation(
    LETTERS + "/{letter_id}/data",
    "get",
    scope=Scope.LETTERS_READ,
    summary="What the letter says as data: kind, references, dates, respond-by, amounts",
    parameters=[LETTER_ID],
    responses={
        "200": ok("The letter's data", "LetterData"),
        "404": {
            "description": "Not found, or issued before letters kept their data "
            "(code no_structured_data: the metadata is all there is)",
            "content": {"application/problem+json": {"schema": openapi.PROBLEM}},
        },
    },
)


@bp.get("/organisations/<kvk>/letters/<int:letter_id>/data")
@api_route(Scope.LETTERS_READ)
def letter_data(letter_id: int):
    letter = letter_or_404(letter_id)
    if letter.structured is None:
        raise Problem(404, "no_structured_data")
    return jsonify(letter.structured)


openapi.operation(
    LETTERS + "/{letter_id}/read",
    "post",
    scope=Scope.LETTERS_READ,
    summary="Mark the letter read",
    parameters=[LETTER_ID, *WRITE_HEADERS],
    responses={"200": ok("The letter, read", "Letter"), **problems(("400", "Bad header"))},
)


@bp.post("/organisations/<kvk>/letters/<int:letter_id>/read")
@api_route(Scope.LETTERS_READ)
def mark_letter_read(letter_id: int):
    def write():
        letter = letter_or_404(letter_id)
        issuing.mark_read(letter, actor())
        db.session.commit()
        return jsonify(letter_json(letter, True, letter.structured is not None))

    return idempotent(write)
