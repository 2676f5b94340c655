"""What every API write shares: the JSON body (malformed → 400 with its pointer), the
Idempotency-Key (scoped to the client, kept 24 hours), If-Match against the resource's ETag
(428 without, 412 stale), the user a write is recorded for, and the OpenAPI pieces for them."""

import json

from flask import Response, g, request

from portal.api import idempotency, openapi
from portal.api.problems import Problem
from portal.extensions import db

MAX_JSON_BYTES = 64 * 1024  # a JSON body: a person, a section's answers, a report


def json_body():
    if (request.content_length or 0) > MAX_JSON_BYTES:
        raise Problem(413, "too_large", [{"pointer": "", "code": "too_large"}])
    try:
        return json.loads(request.get_data() or b"null")
    except ValueError:
        raise Problem(400, "invalid_body", [{"pointer": "", "code": "malformed_json"}]) from None


def _wrong_type(value, kind: type) -> bool:
    if kind is bool:
        return not isinstance(value, bool)
    if kind is int and isinstance(value, float):  # JSON Schema: 2.0 is an integer
        return not value.is_integer()
    return isinstance(value, bool) or not isinstance(value, kind)


def object_body(
    fields: dict[str, type], required: tuple[str, ...] = (), nullable: tuple[str, ...] = ()
) -> dict:
    """A JSON object with only these fields, each of its type: 400 with a pointer per wrong
    field otherwise (unknown, wrong type, missing)."""
    body = json_body()
    if not isinstance(body, dict):
        raise Problem(400, "invalid_body", [{"pointer": "", "code": "object_expected"}])
    errors = [
        {"pointer": f"/{name}", "code": "unknown_field" if name not in fields else "type"}
        for name, value in sorted(body.items())
        if name not in fields
        or (_wrong_type(value, fields[name]) and not (value is None and name in nullable))
    ]
    errors += [{"pointer": f"/{name}", "code": "required"} for name in required if name not in body]
    if errors:
        raise Problem(400, "invalid_body", errors)
    return {
        name: int(v) if fields[name] is int and v is not None else v for name, v in body.items()
    }


def only_parts(fields: set[str], files: set[str]) -> None:
    """A multipart body with no part the operation does not take (400 with its pointer)."""
    unknown = sorted((set(request.form) - fields) | (set(request.files) - files))
    if unknown:
        errors = [{"pointer": f"/{name}", "code": "unknown_field"} for name in unknown]
        raise Problem(400, "invalid_body", errors)


def idempotent(write):
    """Run the write once per Idempotency-Key; answer the same again for the same body."""
    key = request.headers.get("Idempotency-Key")
    if key is None:
        return write()
    if not key or len(key) > idempotency.MAX_KEY:
        raise Problem(
            400, "invalid_body", [{"pointer": "/headers/Idempotency-Key", "code": "invalid"}]
        )
    digest = idempotency.request_hash(request.method, request.path, request.get_data())
    try:
        stored = idempotency.replay(g.api_client, key, digest)
    except idempotency.KeyReused:
        raise Problem(422, "idempotency_key_reused") from None
    if stored is not None:
        response = Response(stored.body, stored.status, mimetype="application/json")
        for name, value in (stored.headers or {}).items():
            response.headers[name] = value
        response.headers["Idempotent-Replayed"] = "true"
        return response
    response = write()
    idempotency.remember(
        g.api_client,
        key,
        digest,
        response.status_code,
        response.get_data(as_text=True),
        dict(response.headers),
    )
    db.session.commit()
    return response


def match(etag: str) -> None:
    expected = request.if_match
    if not expected:
        raise Problem(428, "precondition_required")
    if not expected.contains(etag):
        raise Problem(412, "precondition_failed")


def actor():
    """Writes are recorded in the name of the administrator who registered the client; the
    audit event of the call names the client."""
    return g.api_client.created_by


def answer(body: dict, status: int, etag: str | None = None) -> Response:
    response = Response(json.dumps(body), status, mimetype="application/json")
    if etag is not None:
        response.set_etag(etag)
    return response


def problems(*pairs: tuple[str, str]) -> dict:
    return {
        status: {
            "description": text,
            "content": {"application/problem+json": {"schema": openapi.PROBLEM}},
        }
        for status, text in pairs
    }


def ok(description: str, schema: str) -> dict:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}},
    }


def json_request(schema: dict) -> dict:
    return {"required": True, "content": {"application/json": {"schema": schema}}}


WRITE_HEADERS = [openapi.IDEMPOTENCY_KEY]
MATCH = {"name": "If-Match", "in": "header", "required": True, "schema": {"type": "string"}}
