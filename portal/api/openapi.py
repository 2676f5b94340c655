"""The OpenAPI 3.1 description, built from what the API routes declare (one place): each
route registers its operation with `operation(...)`; `document()` assembles the whole."""

import re

from portal.api.scopes import Scope
from portal.inputs import MAX_ID
from portal.people.fields import FIELDS as PERSON_INPUT_FIELDS

_OPERATIONS: dict[str, dict[str, dict]] = {}
_LINKS: list[tuple[str, str, str, str, str, str, dict]] = []
# OpenAPI 3.1 `webhooks`: what the portal sends to a subscribed URL, per event type.
WEBHOOKS: dict[str, dict] = {}

PROBLEM = {"$ref": "#/components/schemas/Problem"}
KVK = {
    "name": "kvk",
    "in": "path",
    "required": True,
    "description": "KvK number of the organisation acted for.",
    "schema": {"type": "string", "pattern": "^[0-9]{8}$"},
}

ID = {"type": "integer", "minimum": 1, "maximum": MAX_ID}
# Input text never holds U+0000 (refused with 400 before any view: portal/inputs.py).
NO_NUL = "^[^\\u0000]*$"
CURSOR = {"type": "integer", "minimum": 0, "maximum": MAX_ID}
IDEMPOTENCY_KEY = {
    "name": "Idempotency-Key",
    "in": "header",
    "description": "Sent again with the same body: the first answer again (kept 24 hours).",
    "schema": {"type": "string", "minLength": 1, "maxLength": 200},
}

SCHEMAS = {
    "Problem": {
        "type": "object",
        "required": ["type", "title", "status", "code"],
        "properties": {
            "type": {"type": "string"},
            "title": {"type": "string"},
            "status": {"type": "integer"},
            "code": {"type": "string"},
            "detail": {"type": "string"},
            "errors": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "pointer": {"type": "string"},
                        "code": {"type": "string"},
                        "detail": {"type": "string"},
                    },
                },
            },
        },
    },
    "Person": {
        "type": "object",
        "required": ["id", "surname", "category", "archived"],
        "properties": {
            "id": {"type": "integer"},
            "given_names": {"type": "string"},
            "surname": {"type": "string"},
            "date_of_birth": {"type": "string", "format": "date"},
            "nationality": {"type": "string"},
            "category": {"type": "string"},
            "v_number": {"type": ["string", "null"]},
            "archived": {"type": "boolean"},
        },
    },
    "PersonInput": {
        "type": "object",
        "description": "Values as typed on the web form (dates day-month-year or ISO).",
        "properties": {
            name: {"type": ["string", "null"], "pattern": NO_NUL}
            for name in (*PERSON_INPUT_FIELDS, "category")
        },
        "additionalProperties": False,
    },
    "PersonPage": {
        "type": "object",
        "required": ["items", "next_after"],
        "properties": {
            "items": {"type": "array", "items": {"$ref": "#/components/schemas/Person"}},
            "next_after": {"type": ["integer", "null"]},
        },
    },
}


def schema(name: str, definition: dict) -> None:
    """A component schema, declared by the module whose routes use it."""
    SCHEMAS[name] = definition


def operation(
    path: str, method: str, *, scope: Scope | tuple[Scope, ...], summary: str, **spec
) -> None:
    """An operation; a tuple of scopes: the token needs all of them."""
    scopes = (scope,) if isinstance(scope, Scope) else scope
    responses = {
        "400": {
            "description": "Malformed request",
            "content": {"application/problem+json": {"schema": PROBLEM}},
        },
        "401": {
            "description": "No valid token",
            "content": {"application/problem+json": {"schema": PROBLEM}},
        },
        "403": {
            "description": "Scope missing",
            "content": {"application/problem+json": {"schema": PROBLEM}},
        },
        "404": {
            "description": "Not found",
            "content": {"application/problem+json": {"schema": PROBLEM}},
        },
        "429": {
            "description": "Rate limit of the client reached (see the RateLimit-* headers)",
            "content": {"application/problem+json": {"schema": PROBLEM}},
        },
        **spec.pop("responses", {}),
    }
    _OPERATIONS.setdefault(path, {})[method] = {
        "summary": summary,
        "security": [{"oauth2": [s.value for s in scopes]}],
        "parameters": [KVK, *spec.pop("parameters", [])],
        "responses": responses,
        **spec,
    }


def link(source: tuple[str, str, str], name: str, target: tuple[str, str], parameters: dict):
    """An OpenAPI link: from the answer `source` (path, method, status) to the operation
    `target` (path, method), with the target's parameters taken from the request or answer
    (runtime expressions); tools follow them (schemathesis' stateful runs)."""
    _LINKS.append((*source, name, *target, parameters))


def _operation_ref(path: str, method: str) -> str:
    return "#/paths/" + path.replace("~", "~0").replace("/", "~1") + "/" + method


def _paths() -> dict:
    paths = {path: {m: dict(op) for m, op in ops.items()} for path, ops in _OPERATIONS.items()}
    for path, method, status, name, target_path, target_method, parameters in _LINKS:
        responses = paths[path][method]["responses"] = dict(paths[path][method]["responses"])
        answer = responses[status] = dict(responses[status])
        answer["links"] = {
            **answer.get("links", {}),
            name: {
                "operationRef": _operation_ref(target_path, target_method),
                "parameters": parameters,
            },
        }
    return dict(sorted(paths.items()))


def query_names(rule: str, method: str) -> set[str] | None:
    """The query parameters the description names for a Flask rule (None: not described)."""
    template = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule)
    described = _OPERATIONS.get(template, {}).get(method.lower())
    if described is None:
        return None
    return {p["name"] for p in described["parameters"] if p["in"] == "query"}


def document(token_url: str) -> dict:
    return {
        "openapi": "3.1.0",
        "info": {"title": "Sponsor Portal API", "version": "1.0.0"},
        "servers": [{"url": "/"}],
        "paths": _paths(),
        "webhooks": dict(sorted(WEBHOOKS.items())),
        "components": {
            "schemas": SCHEMAS,
            "securitySchemes": {
                "oauth2": {
                    "type": "oauth2",
                    "flows": {
                        "clientCredentials": {
                            "tokenUrl": token_url,
                            "scopes": {s.value: s.value for s in Scope},
                        }
                    },
                }
            },
        },
    }
