"""Batches of student registrations: submit (202, run as a job outside the request) and poll.
Scope people:write; an Idempotency-Key as every write."""

import json

from flask import Response, current_app, g, request, url_for
from sqlalchemy import select

from portal.api import batches, openapi
from portal.api.problems import Problem, language
from portal.api.scopes import Scope
from portal.blueprints.api import bp
from portal.blueprints.api.guard import api_route
from portal.blueprints.api.people_write import PROBLEMS
from portal.blueprints.api.writes import WRITE_HEADERS, idempotent
from portal.bulk.student_rows import why_not_allowed
from portal.extensions import db
from portal.models import Category, ImportBatch

BATCHES = "/api/v1/organisations/{kvk}/batches"
BATCH_ID = {"name": "batch_id", "in": "path", "required": True, "schema": {"type": "integer"}}


@bp.url_value_preprocessor
def _batch_body_limit(endpoint, _values):
    """A batch may be larger than other requests (before anything reads the body)."""
    if endpoint == "api.submit_batch":
        request.max_content_length = current_app.config["IMPORT_MAX_BYTES"]


def _answer(batch: ImportBatch, status: int) -> Response:
    response = Response(
        json.dumps(batches.as_json(batch, language()), ensure_ascii=False),
        status,
        mimetype="application/json",
    )
    response.headers["Location"] = url_for(
        "api.get_batch", kvk=g.organisation.kvk_number, batch_id=batch.id
    )
    return response


ROW_SCHEMA = {
    "type": "object",
    "description": (
        "One student per line; the columns of the web import's template. A line with "
        "family_of and relationship is a family member (partner or child under 18) of a student "
        "in the same batch or of a student or researcher in the register: it gets a draft "
        "family member's application filed with the main applicant's application, and no "
        "student application."
    ),
    "properties": {name: {"type": ["string", "null"]} for name in batches.COLUMNS},
    "additionalProperties": False,
}
ROW_SCHEMA["properties"]["family_of"]["description"] = (
    "Only for a family member: the passport number of the student (in this batch) or the "
    "student or researcher (in the register) whose partner or child this is"
)
ROW_SCHEMA["properties"]["relationship"]["description"] = (
    "Only for a family member: partner or child (Dutch: partner, kind); for a partner also "
    "married, registered_partnership or unmarried"
)
openapi.SCHEMAS["Batch"] = {
    "type": "object",
    "required": ["id", "status", "total_rows", "done_rows", "problems"],
    "properties": {
        "id": {"type": "integer"},
        "status": {
            "enum": [
                "queued",
                "checking",
                "rejected",
                "importing",
                "succeeded",
                "failed",
                "cancelled",
            ]
        },
        "total_rows": {"type": "integer"},
        "done_rows": {"type": "integer"},
        "error_rows": {"type": "integer"},
        "created_at": {"type": "string", "format": "date-time"},
        "finished_at": {"type": ["string", "null"], "format": "date-time"},
        "result": {
            "type": ["object", "null"],
            "description": (
                "When succeeded: people created and linked, student applications started, and "
                "family_members (draft family member's applications) when the batch had any"
            ),
        },
        "problems_total": {"type": "integer"},
        "problems": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["row", "field", "code", "message"],
                "properties": {
                    "row": {"type": "integer"},
                    "student": {"type": "string"},
                    "field": {"type": "string"},
                    "code": {"type": "string"},
                    "message": {"type": "string"},
                },
            },
        },
    },
}
BATCH_OK = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Batch"}}}}

openapi.operation(
    BATCHES,
    "post",
    scope=Scope.PEOPLE_WRITE,
    summary="Submit up to 50,000 student registrations as one batch (run asynchronously)",
    parameters=WRITE_HEADERS,
    requestBody={
        "required": True,
        "content": {
            "application/jsonl": {"schema": ROW_SCHEMA},
            "text/csv": {"schema": {"type": "string"}},
            batches.XLSX: {"schema": {"type": "string", "contentMediaType": batches.XLSX}},
        },
    },
    responses={
        "202": {"description": "Accepted: poll the batch", **BATCH_OK},
        **PROBLEMS,
        "413": {
            "description": "Too many rows or bytes",
            "content": {"application/problem+json": {"schema": openapi.PROBLEM}},
        },
        "415": {
            "description": "Not JSON lines, CSV or XLSX, or not what the Content-Type says",
            "content": {"application/problem+json": {"schema": openapi.PROBLEM}},
        },
    },
)


@bp.post("/organisations/<kvk>/batches")
@api_route(Scope.PEOPLE_WRITE)
def submit_batch():
    def write():
        if g.mandate is not None and Category.STUDY not in g.mandate.category_set:
            raise Problem(404, "not_found")
        if why_not_allowed(g.organisation) is not None:
            raise Problem(403, "students_not_allowed")
        batch = batches.submit(g.organisation, g.api_client, request.mimetype, request.get_data())
        db.session.commit()
        db.session.refresh(batch)
        return _answer(batch, 202)

    return idempotent(write)


openapi.operation(
    BATCHES + "/{batch_id}",
    "get",
    scope=Scope.PEOPLE_WRITE,
    summary="A batch: status, progress and every problem by row, field and code",
    parameters=[BATCH_ID],
    responses={"200": {"description": "The batch", **BATCH_OK}},
)


@bp.get("/organisations/<kvk>/batches/<int:batch_id>")
@api_route(Scope.PEOPLE_WRITE)
def get_batch(batch_id: int):
    batch = db.session.scalar(
        select(ImportBatch).where(
            ImportBatch.id == batch_id,
            ImportBatch.organisation_id == g.organisation.id,
            ImportBatch.api_client_id.is_not(None),
        )
    )
    if batch is None or (g.mandate is not None and Category.STUDY not in g.mandate.category_set):
        raise Problem(404, "not_found")
    return _answer(batch, 200)
