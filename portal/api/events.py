"""Events for webhooks (issue 18): a registry of event types and `publish`, called where the
event happens. Publishing stores one delivery per subscribed webhook in the caller's
transaction; nothing is sent inside the request. With a worker (portal/jobs/) a delivery job is
written in the same transaction and runs once it commits; otherwise `flask webhooks deliver`
(cron) sends them.

Who receives an event: webhooks of the organisation's own active clients, and of clients of
intermediaries whose mandate from the organisation is in force today and covers the event's
category (an event without a category goes to the organisation's own clients only). A client
receives only the event types its scopes may read. Payloads carry ids and references only."""

import json
import secrets
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from portal import clock
from portal.api import clients
from portal.api.scopes import Scope
from portal.extensions import db
from portal.jobs import outbox
from portal.models import (
    ApiClient,
    Category,
    Mandate,
    Organisation,
    WebhookDelivery,
    WebhookSubscription,
)
from portal.models.base import utcnow


@dataclass(frozen=True)
class EventType:
    name: str
    label: object
    scope: Scope


LETTER_ISSUED = "letter.issued"
STATUS_CHANGED = "application.status_changed"
INFORMATION_REQUESTED = "application.information_requested"
BATCH_FINISHED = "batch.finished"

EVENTS = {
    event.name: event
    for event in (
        EventType(LETTER_ISSUED, _l("A letter was issued"), Scope.LETTERS_READ),
        EventType(STATUS_CHANGED, _l("An application's status changed"), Scope.APPLICATIONS_READ),
        EventType(
            INFORMATION_REQUESTED, _l("The IND asked for information"), Scope.APPLICATIONS_READ
        ),
        EventType(BATCH_FINISHED, _l("A batch finished"), Scope.PEOPLE_WRITE),
    )
}


def _category(value) -> Category | None:
    """A letter's category may be an application kind: no category then."""
    try:
        return Category(value) if value is not None else None
    except ValueError:
        return None


def _client_organisations(organisation: Organisation, category: Category | None) -> set[int]:
    """The organisation itself and the intermediaries acting for it in this category today."""
    ids = {organisation.id}
    category = _category(category)
    if category is None:
        return ids
    today = clock.today()
    for mandate in db.session.scalars(
        select(Mandate).where(Mandate.sponsor_id == organisation.id, Mandate.revoked_at.is_(None))
    ):
        if mandate.active_on(today) and category in mandate.category_set:
            ids.add(mandate.intermediary_id)
    return ids


def subscribers(
    organisation: Organisation, event_type: str, category: Category | str | None
) -> list[WebhookSubscription]:
    scope = EVENTS[event_type].scope.value
    found = db.session.scalars(
        select(WebhookSubscription)
        .join(ApiClient, ApiClient.id == WebhookSubscription.client_id)
        .where(
            WebhookSubscription.removed_at.is_(None),
            ApiClient.revoked_at.is_(None),
            ApiClient.organisation_id.in_(_client_organisations(organisation, category)),
        )
        .order_by(WebhookSubscription.id)
    )
    return [
        s
        for s in found
        if event_type in s.events
        and scope in s.client.scopes
        and clients.may_have_clients(s.client.organisation)
    ]


def application_ref(application) -> dict | None:
    """An application in a payload: its id, reference (none while a draft), kind and category."""
    if application is None:
        return None
    return {
        "id": application.id,
        "reference": application.reference,
        "kind": application.kind.value,
        "category": application.category.value,
    }


def publish(
    organisation: Organisation,
    event_type: str,
    payload: dict,
    category: Category | str | None = None,
) -> int:
    """Store a delivery of this event for each subscribed webhook; returns how many."""
    targets = subscribers(organisation, event_type, category)
    if not targets:
        return 0
    now = utcnow()
    body = json.dumps(
        {
            "type": event_type,
            "timestamp": now.isoformat().replace("+00:00", "Z"),
            "data": {"organisation": organisation.kvk_number, **payload},
        },
        ensure_ascii=False,
        default=str,
    )
    message_id = f"msg_{secrets.token_hex(12)}"
    for subscription in targets:
        db.session.add(
            WebhookDelivery(
                subscription_id=subscription.id,
                organisation_id=organisation.id,
                message_id=message_id,
                event_type=event_type,
                payload=body,
                next_attempt_at=now,
            )
        )
    queue_delivery()
    return len(targets)


def queue_delivery() -> None:
    """With a worker, one delivery job per transaction (run once it commits); without one,
    `flask webhooks deliver` (cron) sends them — never inside the request."""
    from portal.api import delivery

    if outbox.deferred():
        outbox.enqueue(delivery.deliver_due, once_per_transaction=True)


def status_changed(application, from_status, to_status) -> None:
    publish(
        application.organisation,
        STATUS_CHANGED,
        {
            "application": application_ref(application),
            "from_status": from_status.value,
            "to_status": to_status.value,
        },
        category=application.category,
    )
