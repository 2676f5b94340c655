"""Webhooks over the API (issue 18): the calling client's own subscriptions, their signing
secret (shown once, rotated with a day's overlap), the delivery log and replay. The path names
the client's own organisation (an intermediary's client too): anything else → 404."""

import json

from flask import Response, g, jsonify
from flask_babel import force_locale

from portal.api import openapi
from portal.api import webhooks as service
from portal.api.events import EVENTS
from portal.api.problems import Problem, language, of_type
from portal.api.scopes import Scope
from portal.blueprints.api import bp
from portal.blueprints.api.guard import api_route
from portal.blueprints.api.writes import WRITE_HEADERS, idempotent, json_body
from portal.extensions import db
from portal.models import DeliveryStatus, WebhookDelivery, WebhookSubscription

WEBHOOKS = "/api/v1/organisations/{kvk}/webhooks"
FIELDS = {"url": str, "events": list}


def _stamp(value):
    return value.isoformat() if value is not None else None


def webhook_json(subscription: WebhookSubscription, secret: str | None = None) -> dict:
    body = {
        "id": subscription.id,
        "url": subscription.url,
        "events": subscription.events,
        "created_at": _stamp(subscription.created_at),
        "previous_secret_until": _stamp(subscription.previous_secret_until),
    }
    if secret is not None:
        body["secret"] = secret
    return body


def delivery_json(delivery: WebhookDelivery) -> dict:
    return {
        "id": delivery.id,
        "message_id": delivery.message_id,
        "event_type": delivery.event_type,
        "status": delivery.status.value,
        "attempts": delivery.attempts,
        "response_code": delivery.response_code,
        "last_error": delivery.last_error,
        "next_attempt_at": _stamp(delivery.next_attempt_at),
        "last_attempt_at": _stamp(delivery.last_attempt_at),
        "created_at": _stamp(delivery.created_at),
    }


def _own_client():
    if g.mandate is not None:
        raise Problem(404, "not_found")
    return g.api_client


def _subscription_or_404(webhook_id: int) -> WebhookSubscription:
    subscription = db.session.get(WebhookSubscription, webhook_id)
    if (
        subscription is None
        or subscription.client_id != _own_client().id
        or subscription.removed_at is not None
    ):
        raise Problem(404, "not_found")
    return subscription


def _answer(body: dict, status: int) -> Response:
    return Response(json.dumps(body), status, mimetype="application/json")


STAMP = {"type": ["string", "null"], "format": "date-time"}
openapi.SCHEMAS.update(
    {
        "Webhook": {
            "type": "object",
            "required": ["id", "url", "events", "created_at"],
            "properties": {
                "id": {"type": "integer"},
                "url": {"type": "string"},
                "events": {"type": "array", "items": {"enum": list(EVENTS)}},
                "created_at": {"type": "string", "format": "date-time"},
                "previous_secret_until": STAMP,
                "secret": {
                    "type": "string",
                    "description": "whsec_… (only when created or rotated: keep it).",
                },
            },
        },
        "WebhookInput": {
            "type": "object",
            "required": ["url", "events"],
            "properties": {
                "url": {"type": "string", "maxLength": 500, "pattern": openapi.NO_NUL},
                "events": {"type": "array", "items": {"enum": list(EVENTS)}, "minItems": 1},
            },
            "additionalProperties": False,
        },
        "WebhookDelivery": {
            "type": "object",
            "required": ["id", "message_id", "event_type", "status", "attempts"],
            "properties": {
                "id": {"type": "integer"},
                "message_id": {"type": "string"},
                "event_type": {"enum": list(EVENTS)},
                "status": {"enum": [s.value for s in DeliveryStatus]},
                "attempts": {"type": "integer"},
                "response_code": {"type": ["integer", "null"]},
                "last_error": {"type": ["string", "null"]},
                "next_attempt_at": STAMP,
                "last_attempt_at": STAMP,
                "created_at": STAMP,
            },
        },
    }
)


SIGNED = (
    "Sent as Standard Webhooks specify: headers webhook-id (the message id; the same when "
    "replayed), webhook-timestamp (Unix seconds) and webhook-signature: v1,<base64 of "
    "HMAC-SHA256 over 'id.timestamp.body' with the secret after whsec_>, space-separated, two "
    "for 24 hours after a rotation. Answer 2xx within 5 seconds; anything else is tried again "
    "later (the delivery log shows when) and given up after the last attempt. Redirects are "
    "not followed."
)
openapi.SCHEMAS["WebhookEvent"] = {
    "type": "object",
    "required": ["type", "timestamp", "data"],
    "properties": {
        "type": {"enum": list(EVENTS)},
        "timestamp": {"type": "string", "format": "date-time"},
        "data": {
            "type": "object",
            "description": "Ids and references only: the organisation's KvK number, the "
            "application (id, reference, kind, category), the letter (id, reference, kind, "
            "dates), statuses; never personal data.",
            "required": ["organisation"],
            "properties": {"organisation": {"type": "string"}},
        },
    },
}
for _name, _event in EVENTS.items():
    openapi.WEBHOOKS[_name] = {
        "post": {
            "summary": f"{_name} (needs the scope {_event.scope.value})",
            "description": SIGNED,
            "parameters": [
                {"name": header, "in": "header", "required": True, "schema": {"type": "string"}}
                for header in ("webhook-id", "webhook-timestamp", "webhook-signature")
            ],
            "requestBody": {
                "required": True,
                "content": {
                    "application/json": {"schema": {"$ref": "#/components/schemas/WebhookEvent"}}
                },
            },
            "responses": {"2XX": {"description": "Received"}},
        }
    }


def _list_of(schema: str) -> dict:
    return {
        "content": {
            "application/json": {
                "schema": {
                    "type": "object",
                    "required": ["items"],
                    "properties": {
                        "items": {
                            "type": "array",
                            "items": {"$ref": f"#/components/schemas/{schema}"},
                        }
                    },
                }
            }
        }
    }


def _one(schema: str) -> dict:
    return {"content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}}}


def _problem(text: str) -> dict:
    return {
        "description": text,
        "content": {"application/problem+json": {"schema": openapi.PROBLEM}},
    }


WEBHOOK_ID = {"name": "webhook_id", "in": "path", "required": True, "schema": openapi.ID}

openapi.operation(
    WEBHOOKS,
    "get",
    scope=Scope.WEBHOOKS_MANAGE,
    summary="List this client's webhooks",
    responses={"200": {"description": "The webhooks", **_list_of("Webhook")}},
)


@bp.get("/organisations/<kvk>/webhooks")
@api_route(Scope.WEBHOOKS_MANAGE)
def list_webhooks():
    return jsonify(items=[webhook_json(s) for s in service.subscriptions_of(_own_client())])


openapi.operation(
    WEBHOOKS,
    "post",
    scope=Scope.WEBHOOKS_MANAGE,
    summary="Subscribe an https URL to events (the signing secret is in the answer only)",
    parameters=WRITE_HEADERS,
    requestBody={"required": True, **_one("WebhookInput")},
    responses={
        "201": {"description": "Subscribed", **_one("Webhook")},
        "400": _problem("Malformed body"),
        "422": _problem("Refused URL or events"),
    },
)


def _read_input() -> tuple[str, list[str]]:
    body = json_body()
    if not isinstance(body, dict):
        raise Problem(400, "invalid_body", [{"pointer": "", "code": "object_expected"}])
    errors = [
        {"pointer": f"/{name}", "code": "unknown_field" if name not in FIELDS else "type"}
        for name, value in sorted(body.items())
        if name not in FIELDS or not of_type(value, FIELDS[name])
    ]
    errors += [
        {"pointer": f"/{name}", "code": "required"} for name in sorted(FIELDS) if name not in body
    ]
    events = body.get("events", [])
    if isinstance(events, list) and not all(isinstance(e, str) for e in events):
        errors.append({"pointer": "/events", "code": "type"})
    if errors:
        raise Problem(400, "invalid_body", errors)
    return body["url"].strip(), events


@bp.post("/organisations/<kvk>/webhooks")
@api_route(Scope.WEBHOOKS_MANAGE)
def create_webhook():
    client = _own_client()

    def write():
        url, events = _read_input()
        refused = service.problems(client, url, events)
        if refused:
            with force_locale(language()):
                errors = [
                    {"pointer": f"/{field}", "code": code, "detail": str(service.MESSAGES[code])}
                    for field, code in sorted(refused.items())
                ]
            raise Problem(422, "validation_failed", errors)
        subscription, secret = service.subscribe(client, url, events, client.created_by)
        db.session.commit()
        return _answer(webhook_json(subscription, secret), 201)

    return idempotent(write)


openapi.operation(
    WEBHOOKS + "/{webhook_id}",
    "get",
    scope=Scope.WEBHOOKS_MANAGE,
    summary="Get a webhook",
    parameters=[WEBHOOK_ID],
    responses={"200": {"description": "The webhook", **_one("Webhook")}},
)


@bp.get("/organisations/<kvk>/webhooks/<int:webhook_id>")
@api_route(Scope.WEBHOOKS_MANAGE)
def get_webhook(webhook_id: int):
    return jsonify(webhook_json(_subscription_or_404(webhook_id)))


openapi.operation(
    WEBHOOKS + "/{webhook_id}",
    "delete",
    scope=Scope.WEBHOOKS_MANAGE,
    summary="Remove a webhook (pending deliveries are given up)",
    parameters=[WEBHOOK_ID, *WRITE_HEADERS],
    responses={"204": {"description": "Removed"}},
)


@bp.delete("/organisations/<kvk>/webhooks/<int:webhook_id>")
@api_route(Scope.WEBHOOKS_MANAGE)
def delete_webhook(webhook_id: int):
    def write():
        subscription = _subscription_or_404(webhook_id)
        service.remove(subscription, g.api_client.created_by)
        db.session.commit()
        return Response(status=204)

    return idempotent(write)


openapi.operation(
    WEBHOOKS + "/{webhook_id}/rotate-secret",
    "post",
    scope=Scope.WEBHOOKS_MANAGE,
    summary="A new signing secret; the previous one signs too for 24 hours",
    parameters=[WEBHOOK_ID, *WRITE_HEADERS],
    responses={"200": {"description": "The webhook with its new secret", **_one("Webhook")}},
)


@bp.post("/organisations/<kvk>/webhooks/<int:webhook_id>/rotate-secret")
@api_route(Scope.WEBHOOKS_MANAGE)
def rotate_webhook_secret(webhook_id: int):
    def write():
        subscription = _subscription_or_404(webhook_id)
        secret = service.rotate_secret(subscription, g.api_client.created_by)
        db.session.commit()
        return _answer(webhook_json(subscription, secret), 200)

    return idempotent(write)


openapi.operation(
    WEBHOOKS + "/{webhook_id}/deliveries",
    "get",
    scope=Scope.WEBHOOKS_MANAGE,
    summary="The webhook's newest deliveries (status, attempts, answer, next attempt)",
    parameters=[WEBHOOK_ID],
    responses={"200": {"description": "The delivery log", **_list_of("WebhookDelivery")}},
)


@bp.get("/organisations/<kvk>/webhooks/<int:webhook_id>/deliveries")
@api_route(Scope.WEBHOOKS_MANAGE)
def list_deliveries(webhook_id: int):
    subscription = _subscription_or_404(webhook_id)
    found = service.deliveries_of(subscription.client, subscription.id)
    return jsonify(items=[delivery_json(d) for d in found])


openapi.operation(
    WEBHOOKS + "/{webhook_id}/deliveries/{delivery_id}/replay",
    "post",
    scope=Scope.WEBHOOKS_MANAGE,
    summary="Send a delivery's message again (same webhook-id), as a new delivery",
    parameters=[
        WEBHOOK_ID,
        {"name": "delivery_id", "in": "path", "required": True, "schema": openapi.ID},
        *WRITE_HEADERS,
    ],
    responses={"202": {"description": "Queued", **_one("WebhookDelivery")}},
)


@bp.post("/organisations/<kvk>/webhooks/<int:webhook_id>/deliveries/<int:delivery_id>/replay")
@api_route(Scope.WEBHOOKS_MANAGE)
def replay_delivery(webhook_id: int, delivery_id: int):
    def write():
        subscription = _subscription_or_404(webhook_id)
        delivery = db.session.get(WebhookDelivery, delivery_id)
        if delivery is None or delivery.subscription_id != subscription.id:
            raise Problem(404, "not_found")
        again = service.replay(delivery, g.api_client.created_by)
        db.session.commit()
        return _answer(delivery_json(again), 202)

    return idempotent(write)
