"""Webhook subscriptions of an API client (issue 18): one rule set for the web form and the
API (`problems`), subscribe, rotate the signing secret, remove, the delivery log and replay."""

import base64
import secrets
from datetime import timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from portal import audit
from portal.api import clients, ssrf
from portal.api.delivery import SECRET_PREFIX
from portal.api.events import EVENTS, queue_delivery
from portal.audit import AuditAction
from portal.extensions import db
from portal.models import ApiClient, WebhookDelivery, WebhookSubscription
from portal.models.base import utcnow

MAX_PER_CLIENT = 10
LOG_SIZE = 50

MESSAGES = {
    "required": _l("Enter the address that receives the events"),
    "too_long": _l("Enter at most 500 characters"),
    "not_a_url": _l("Enter a web address such as https://example.org/webhooks"),
    "not_https": _l("Enter an address that starts with https://"),
    "credentials": _l("Leave the user name and password out of the address"),
    "unresolvable": _l("This address's host name cannot be found"),
    "private_address": _l(
        "This address points to a private or internal network: use a public address"
    ),
    "too_many": _l("A client can have at most 10 webhooks: remove one first"),
    "no_events": _l("Choose at least one event"),
    "unknown_event": _l("Choose events from the list"),
    "scope_missing": _l("The client's permissions do not include reading this event"),
}


class WebhookNotAllowed(Exception):
    """The client is revoked or its organisation may not have clients."""


def allowed_events(client: ApiClient) -> list[str]:
    return [name for name, event in EVENTS.items() if event.scope.value in client.scopes]


def subscriptions_of(client: ApiClient) -> list[WebhookSubscription]:
    return list(
        db.session.scalars(
            select(WebhookSubscription)
            .where(
                WebhookSubscription.client_id == client.id,
                WebhookSubscription.removed_at.is_(None),
            )
            .order_by(WebhookSubscription.id)
        )
    )


def problems(client: ApiClient, url: str, events: list[str]) -> dict[str, str]:
    """Field → error code ("url", "events"); empty when the subscription may be made."""
    found = {}
    if not url:
        found["url"] = "required"
    else:
        try:
            ssrf.check(url)
        except ssrf.AddressRefused as refused:
            found["url"] = refused.code
    if len(subscriptions_of(client)) >= MAX_PER_CLIENT:
        found.setdefault("url", "too_many")
    if not events:
        found["events"] = "no_events"
    elif any(e not in EVENTS for e in events):
        found["events"] = "unknown_event"
    elif any(e not in allowed_events(client) for e in events):
        found["events"] = "scope_missing"
    return found


def _usable(client: ApiClient) -> None:
    if client.revoked_at is not None or not clients.may_have_clients(client.organisation):
        raise WebhookNotAllowed(client.id)


def new_secret() -> str:
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(24)).decode()


def subscribe(client: ApiClient, url: str, events: list[str], actor) -> tuple:
    """The new subscription and its signing secret (shown once). Check `problems` first."""
    _usable(client)
    secret = new_secret()
    subscription = WebhookSubscription(
        client_id=client.id,
        url=url,
        events=sorted(set(events)),
        secret=secret,
        created_by_id=getattr(actor, "id", None),
    )
    db.session.add(subscription)
    db.session.flush()
    audit.record(
        AuditAction.WEBHOOK_SUBSCRIBED,
        actor=actor,
        organisation=client.organisation,
        target=subscription,
        details={"client": client.id, "url": url, "events": subscription.events},
    )
    return subscription, secret


def rotate_secret(subscription: WebhookSubscription, actor) -> str:
    """A new secret; the previous one signs too for WEBHOOK_PREVIOUS_SECRET_HOURS."""
    _usable(subscription.client)
    hours = current_app.config["WEBHOOK_PREVIOUS_SECRET_HOURS"]
    secret = new_secret()
    subscription.previous_secret = subscription.secret
    subscription.previous_secret_until = utcnow() + timedelta(hours=hours)
    subscription.secret = secret
    audit.record(
        AuditAction.WEBHOOK_SECRET_ROTATED,
        actor=actor,
        organisation=subscription.client.organisation,
        target=subscription,
    )
    return secret


def remove(subscription: WebhookSubscription, actor) -> None:
    if subscription.removed_at is not None:
        return
    subscription.removed_at = utcnow()
    audit.record(
        AuditAction.WEBHOOK_REMOVED,
        actor=actor,
        organisation=subscription.client.organisation,
        target=subscription,
    )


def deliveries_of(client: ApiClient, subscription_id: int | None = None) -> list:
    """The client's newest deliveries (of one subscription when given)."""
    query = (
        select(WebhookDelivery)
        .join(WebhookSubscription, WebhookSubscription.id == WebhookDelivery.subscription_id)
        .where(WebhookSubscription.client_id == client.id)
    )
    if subscription_id is not None:
        query = query.where(WebhookDelivery.subscription_id == subscription_id)
    query = query.order_by(WebhookDelivery.id.desc()).limit(LOG_SIZE)
    return list(db.session.scalars(query))


def replay(delivery: WebhookDelivery, actor) -> WebhookDelivery:
    """Send the same message again (same webhook-id) as a new delivery, due now."""
    subscription = delivery.subscription
    _usable(subscription.client)
    if subscription.removed_at is not None:
        raise WebhookNotAllowed(subscription.id)
    again = WebhookDelivery(
        subscription_id=subscription.id,
        organisation_id=delivery.organisation_id,
        message_id=delivery.message_id,
        event_type=delivery.event_type,
        payload=delivery.payload,
        next_attempt_at=utcnow(),
    )
    db.session.add(again)
    db.session.flush()
    audit.record(
        AuditAction.WEBHOOK_REPLAYED,
        actor=actor,
        organisation=subscription.client.organisation,
        target=again,
        details={"replay_of": delivery.id},
    )
    queue_delivery()
    return again
