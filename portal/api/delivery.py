"""Sending webhook deliveries (issue 18), signed as Standard Webhooks specify.

Headers: `webhook-id` (the message id), `webhook-timestamp` (Unix seconds) and
`webhook-signature`: `v1,<base64 HMAC-SHA256 of "id.timestamp.body">`, one per secret
(space-separated: after a rotation the previous secret signs too, for a day). The request goes
to the address checked against SSRF (ssrf.check, at every attempt), redirects are not followed,
the timeout is short. A 2xx answer delivers; anything else is retried after the next wait of
WEBHOOK_RETRY_SECONDS and given up after the last one."""

import base64
import hashlib
import hmac
import logging
import time
from datetime import timedelta

import requests.certs
import urllib3
from flask import current_app
from sqlalchemy import select, update

from portal.api import clients, ssrf
from portal.extensions import db
from portal.jobs import outbox
from portal.models import DeliveryStatus, WebhookDelivery, WebhookSubscription
from portal.models.base import utcnow

SECRET_PREFIX = "whsec_"  # noqa: S105 (the format's prefix)
LEASE = timedelta(minutes=2)
USER_AGENT = "SponsorPortal-Webhooks/1"
log = logging.getLogger(__name__)


def signing_secrets(subscription: WebhookSubscription) -> list[str]:
    """The current secret, and the previous one while it still signs."""
    found = [subscription.secret]
    until = subscription.previous_secret_until
    if subscription.previous_secret and until is not None and until > utcnow():
        found.append(subscription.previous_secret)
    return found


def signature(secrets: list[str], message_id: str, timestamp: int, body: bytes) -> str:
    signed = f"{message_id}.{timestamp}.".encode() + body
    values = []
    for secret in secrets:
        key = base64.b64decode(secret.removeprefix(SECRET_PREFIX))
        digest = hmac.new(key, signed, hashlib.sha256).digest()
        values.append("v1," + base64.b64encode(digest).decode())
    return " ".join(values)


def _pool(target: ssrf.Target, address: str):
    timeout = urllib3.Timeout(total=current_app.config["WEBHOOK_TIMEOUT_SECONDS"])
    if target.scheme == "https":
        return urllib3.HTTPSConnectionPool(
            address,
            target.port,
            timeout=timeout,
            retries=False,
            cert_reqs="CERT_REQUIRED",
            ca_certs=requests.certs.where(),
            server_hostname=target.host,
            assert_hostname=target.host,
        )
    return urllib3.HTTPConnectionPool(address, target.port, timeout=timeout, retries=False)


def send(delivery: WebhookDelivery) -> tuple[int | None, str | None]:
    """One attempt: (the answer's status code, an error code) — never raises."""
    subscription = delivery.subscription
    try:
        target = ssrf.check(subscription.url)
    except ssrf.AddressRefused as refused:
        return None, f"refused:{refused.code}"
    body = delivery.payload.encode()
    timestamp = int(time.time())
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "Host": target.host if target.port in (80, 443) else f"{target.host}:{target.port}",
        "webhook-id": delivery.message_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": signature(
            signing_secrets(subscription), delivery.message_id, timestamp, body
        ),
    }
    try:
        with _pool(target, target.addresses[0]) as pool:
            answer = pool.urlopen(
                "POST", target.path, body=body, headers=headers, redirect=False, retries=False
            )
            return answer.status, None
    except urllib3.exceptions.HTTPError as error:
        return None, type(error).__name__[:60]


def _due():
    return (
        WebhookDelivery.status == DeliveryStatus.PENDING,
        WebhookDelivery.next_attempt_at <= utcnow(),
    )


def _claim(delivery_id: int) -> bool:
    """Compare-and-set: this worker attempts it; another sees it leased and leaves it."""
    claimed = db.session.execute(
        update(WebhookDelivery)
        .where(WebhookDelivery.id == delivery_id, *_due())
        .values(next_attempt_at=utcnow() + LEASE)
    )
    db.session.commit()
    return claimed.rowcount == 1


def attempt(delivery_id: int) -> None:
    if not _claim(delivery_id):
        return
    delivery = db.session.get(WebhookDelivery, delivery_id)
    subscription = delivery.subscription
    client = subscription.client
    if (
        subscription.removed_at is not None
        or client.revoked_at is not None
        or not clients.may_have_clients(client.organisation)
    ):
        code, error = None, "subscription_ended"
    else:
        code, error = send(delivery)
    schedule = current_app.config["WEBHOOK_RETRY_SECONDS"]
    delivery.attempts += 1
    delivery.last_attempt_at = utcnow()
    delivery.response_code = code
    delivery.last_error = error if error else (None if 200 <= code < 300 else f"http:{code}")
    if code is not None and 200 <= code < 300:
        delivery.status, delivery.next_attempt_at = DeliveryStatus.DELIVERED, None
    elif error == "subscription_ended" or delivery.attempts > len(schedule):
        delivery.status, delivery.next_attempt_at = DeliveryStatus.FAILED, None
    else:
        wait = timedelta(seconds=schedule[delivery.attempts - 1])
        delivery.next_attempt_at = utcnow() + wait
        if outbox.deferred():
            outbox.enqueue(deliver_due, run_at=delivery.next_attempt_at)
    db.session.commit()


def deliver_due(limit: int = 500) -> int:
    """Attempt the deliveries that are due (the queue's job, and `flask webhooks deliver`)."""
    ids = db.session.scalars(
        select(WebhookDelivery.id)
        .where(*_due())
        .order_by(WebhookDelivery.next_attempt_at, WebhookDelivery.id)
        .limit(limit)
    ).all()
    for delivery_id in ids:
        attempt(delivery_id)
    return len(ids)
