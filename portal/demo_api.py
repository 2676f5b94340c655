"""The demo's API client (portal/demo.py): the university's student information system with
a webhook, and one delivery the portal gave up on (its page shows the delivery log)."""

import json

from portal.api import clients, events, webhooks
from portal.api.scopes import Scope
from portal.extensions import db
from portal.models import DeliveryStatus, WebhookDelivery
from portal.models.base import utcnow

SCOPES = [Scope.PEOPLE_READ, Scope.PEOPLE_WRITE, Scope.APPLICATIONS_READ, Scope.WEBHOOKS_MANAGE]


def load(organisation, user) -> None:
    if not clients.may_have_clients(organisation):
        return
    client, _secret = clients.register(organisation, "Student information system", SCOPES, [], user)
    subscription, _secret = webhooks.subscribe(
        client, "https://sis.university.example/portal-events", [events.STATUS_CHANGED], user
    )
    payload = {"type": events.STATUS_CHANGED, "data": {"organisation": organisation.kvk_number}}
    db.session.add(
        WebhookDelivery(
            subscription_id=subscription.id,
            organisation_id=organisation.id,
            message_id="msg_demo000000000000000001",
            event_type=events.STATUS_CHANGED,
            payload=json.dumps(payload),
            status=DeliveryStatus.FAILED,
            attempts=6,
            response_code=503,
            last_attempt_at=utcnow(),
        )
    )
