"""Webhooks (issue 18): an administrator subscribes a URL on the client's page; events are
stored as deliveries in the transaction where they happen and sent later (cron's `flask
webhooks deliver`, or the queue), signed as Standard Webhooks specify; retried with backoff,
given up after the last wait; a delivery log with replay."""

import json
from datetime import timedelta

import pytest
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from portal import clock
from portal.extensions import db
from portal.models import (
    AuditEvent,
    Category,
    DeliveryStatus,
    Job,
    OrganisationKind,
    WebhookDelivery,
    WebhookSubscription,
)
from portal.models.base import utcnow
from tests.support.auth import sign_in, sign_out, staff_sign_in, staff_sign_out
from tests.support.casework import act, submitted_case
from tests.support.factories import MandateFactory, UserFactory, member
from tests.support.pages import Page, get_page
from tests.support.webhooks import Receiver, deliver, subscribe

EVENTS = ("letter.issued", "application.status_changed", "application.information_requested")


@pytest.fixture(autouse=True)
def english(client):
    client.get("/language/en")


def _request_information(client, case):
    """A reviewer asks for information in the back office: a letter, a status change."""
    staff_sign_in(client, UserFactory(reviewer=True))
    respond_by = clock.today() + timedelta(days=14)
    response = act(
        client,
        case,
        "/request-information",
        **{"request-message": "Send the accounts.", "request-respond_by": respond_by.isoformat()},
    )
    assert response.status_code == 302
    staff_sign_out(client)


def _verify(secret: str, request) -> dict:
    _path, headers, body = request
    lowered = {k.lower(): v for k, v in headers.items()}
    return Webhook(secret).verify(body, lowered)


def test_events_are_signed_delivered_by_cron_and_logged(app, client):
    case = submitted_case()
    admin = case.created_by
    with Receiver() as receiver:
        sign_in(client, admin)
        page_url, secret = subscribe(client, receiver.url, EVENTS)
        sign_out(client)
        _request_information(client, case)
        # Stored in the request's transaction, nothing sent inside it.
        assert receiver.requests == []
        pending = db.session.scalars(db.select(WebhookDelivery)).all()
        assert sorted(d.event_type for d in pending) == sorted(EVENTS)
        assert "Attempted 3" in deliver(app)
    assert len(receiver.requests) == 3
    payloads = [_verify(secret, r) for r in receiver.requests]
    types = {p["type"]: p for p in payloads}
    assert set(types) == set(EVENTS)
    asked = types["application.information_requested"]["data"]
    assert asked["organisation"] == case.organisation.kvk_number
    assert asked["application"]["reference"] == case.reference
    assert set(asked) == {"organisation", "application", "letter", "respond_by"}
    status = types["application.status_changed"]["data"]
    assert status["to_status"] == "information_requested"
    # No personal data: ids and references only.
    assert case.created_by.email not in json.dumps(payloads)
    path, headers, _body = receiver.requests[0]
    assert path == "/hooks" and headers["webhook-id"].startswith("msg_")
    assert headers["webhook-signature"].startswith("v1,")
    sign_in(client, admin)
    log = get_page(client, page_url)
    rows = log.soup.select("#deliveries tbody tr")
    assert len(rows) == 3 and all("Delivered" in r.get_text() for r in rows)
    assert "HTTP 204" in rows[0].get_text()


def test_a_tampered_body_or_wrong_secret_does_not_verify(app, client):
    case = submitted_case()
    with Receiver() as receiver:
        sign_in(client, case.created_by)
        _page, secret = subscribe(client, receiver.url, ["application.status_changed"])
        sign_out(client)
        _request_information(client, case)
        deliver(app)
    path, headers, body = receiver.requests[0]
    with pytest.raises(WebhookVerificationError):
        _verify(secret, (path, headers, body.replace(b"information", b"informatiom")))
    with pytest.raises(WebhookVerificationError):
        _verify("whsec_" + "A" * 32, receiver.requests[0])


def test_after_rotation_both_secrets_sign_for_a_day(app, client):
    case = submitted_case()
    with Receiver() as receiver:
        sign_in(client, case.created_by)
        page_url, old = subscribe(client, receiver.url, ["application.status_changed"])
        page = get_page(client, page_url)
        form = page.soup.find("form", action=lambda a: a and a.endswith("/rotate"))
        rotated = client.post(form["action"], data={"csrf_token": page.csrf()})
        assert rotated.status_code == 200
        new = Page(rotated).soup.select_one("#webhook-secret code.secret").get_text()
        assert new != old and new.startswith("whsec_")
        sign_out(client)
        _request_information(client, case)
        deliver(app)
        first = receiver.requests[-1]
        assert len(first[1]["webhook-signature"].split(" ")) == 2
        assert _verify(old, first) and _verify(new, first)
        # A day later the old secret no longer signs.
        subscription = db.session.scalar(db.select(WebhookSubscription))
        subscription.previous_secret_until = utcnow() - timedelta(seconds=1)
        replay = db.session.scalar(db.select(WebhookDelivery))
        replay.status, replay.next_attempt_at = DeliveryStatus.PENDING, utcnow()
        db.session.commit()
        deliver(app)
    later = receiver.requests[-1]
    assert len(later[1]["webhook-signature"].split(" ")) == 1
    assert _verify(new, later)
    with pytest.raises(WebhookVerificationError):
        _verify(old, later)
    assert db.session.scalar(
        db.select(AuditEvent).where(AuditEvent.action == "webhook.secret_rotated")
    )


def test_failures_are_retried_with_backoff_then_given_up_and_replayed(app, client):
    app.config["WEBHOOK_RETRY_SECONDS"] = [60, 300]
    case = submitted_case()
    try:
        with Receiver(answers=(500,)) as receiver:
            sign_in(client, case.created_by)
            page_url, _secret = subscribe(client, receiver.url, ["application.status_changed"])
            sign_out(client)
            _request_information(client, case)
            deliver(app)
            delivery = db.session.scalar(db.select(WebhookDelivery))
            assert delivery.status == DeliveryStatus.PENDING and delivery.attempts == 1
            assert delivery.response_code == 500
            wait = delivery.next_attempt_at - delivery.last_attempt_at
            assert timedelta(seconds=59) < wait <= timedelta(seconds=61)
            assert "Attempted 0" in deliver(app)  # not due yet
            for attempts, seconds in ((2, 300), (3, None)):
                delivery.next_attempt_at = utcnow() - timedelta(seconds=1)
                db.session.commit()
                deliver(app)
                assert delivery.attempts == attempts
                if seconds:
                    wait = delivery.next_attempt_at - delivery.last_attempt_at
                    assert timedelta(seconds=seconds - 1) < wait <= timedelta(seconds=seconds + 1)
            assert delivery.status == DeliveryStatus.FAILED and delivery.next_attempt_at is None
            assert len(receiver.requests) == 3
            sign_in(client, case.created_by)
            page = get_page(client, page_url)
            assert "Given up" in page.soup.select_one("#deliveries").get_text()
            receiver.answers = [200]
            form = page.soup.find("form", action=lambda a: a and a.endswith("/replay"))
            assert client.post(form["action"], data={"csrf_token": page.csrf()}).status_code == 200
            deliver(app)
    finally:
        app.config["WEBHOOK_RETRY_SECONDS"] = [60, 300, 1800, 7200, 28800]
    again = db.session.scalars(db.select(WebhookDelivery).order_by(WebhookDelivery.id)).all()[-1]
    assert again.status == DeliveryStatus.DELIVERED and again.id != delivery.id
    assert receiver.requests[-1][1]["webhook-id"] == delivery.message_id  # the same message


def test_redirects_are_not_followed(app, client):
    case = submitted_case()
    with Receiver(answers=(302,)) as receiver:
        sign_in(client, case.created_by)
        subscribe(client, receiver.url, ["application.status_changed"])
        sign_out(client)
        _request_information(client, case)
        deliver(app)
    assert [r[0] for r in receiver.requests] == ["/hooks"]
    delivery = db.session.scalar(db.select(WebhookDelivery))
    assert delivery.status == DeliveryStatus.PENDING and delivery.response_code == 302


def test_a_slow_receiver_times_out(app, client):
    app.config["WEBHOOK_TIMEOUT_SECONDS"] = 0.3
    case = submitted_case()
    try:
        with Receiver(delay=1) as receiver:
            sign_in(client, case.created_by)
            subscribe(client, receiver.url, ["application.status_changed"])
            sign_out(client)
            _request_information(client, case)
            deliver(app)
    finally:
        app.config["WEBHOOK_TIMEOUT_SECONDS"] = 2.0
    delivery = db.session.scalar(db.select(WebhookDelivery))
    assert delivery.response_code is None and "Timeout" in delivery.last_error


def test_the_form_keeps_what_was_typed_and_explains_refusals(client):
    user = member()
    sign_in(client, user)
    from tests.support.api import register_client
    from tests.support.webhooks import client_page

    register_client(client, scopes=("letters:read",))
    page_url = client_page(client)
    page = get_page(client, page_url)
    # Only the events the client's scopes may read are offered.
    offered = {i["value"] for i in page.soup.select("input[name=events]")}
    assert offered == {"letter.issued"}
    bad = client.post(
        page_url + "/webhooks",
        data={
            "csrf_token": page.csrf(),
            "url": "ftp://example.org/x",
            "events": ["application.status_changed"],
        },
    )
    assert bad.status_code == 400
    refused = Page(bad)
    assert refused.soup.select_one("#url")["value"] == "ftp://example.org/x"
    assert "starts with https://" in refused.soup.select_one("#url-error").get_text()
    assert "permissions do not include" in refused.soup.select_one("#events-error").get_text()
    assert db.session.scalar(db.select(db.func.count(WebhookSubscription.id))) == 0
    no_csrf = client.post(page_url + "/webhooks", data={"url": "https://example.org/x"})
    assert no_csrf.status_code == 400


def test_intermediary_clients_get_events_within_their_mandates_only(app, client):
    agency_admin = member(kind=OrganisationKind.INTERMEDIARY)
    agency = agency_admin.memberships[0].organisation
    labour = submitted_case(category="labour")
    study = submitted_case(category="study")
    MandateFactory(intermediary=agency, sponsor=labour.organisation, categories=["labour"])
    MandateFactory(intermediary=agency, sponsor=study.organisation, categories=["labour"])
    with Receiver() as receiver:
        sign_in(client, agency_admin)
        subscribe(client, receiver.url, ["application.status_changed"])
        sign_out(client)
        _request_information(client, labour)
        _request_information(client, study)
        deliver(app)
    kvks = {json.loads(r[2])["data"]["organisation"] for r in receiver.requests}
    assert kvks == {labour.organisation.kvk_number}
    assert Category.STUDY.value not in {
        json.loads(r[2])["data"]["application"]["category"] for r in receiver.requests
    }


def test_revoked_clients_and_removed_webhooks_get_nothing(app, client):
    case = submitted_case()
    with Receiver() as receiver:
        sign_in(client, case.created_by)
        page_url, _secret = subscribe(client, receiver.url, ["application.status_changed"])
        page = get_page(client, page_url)
        form = page.soup.find("form", action=lambda a: a and a.endswith("/remove"))
        assert client.post(form["action"], data={"csrf_token": page.csrf()}).status_code == 200
        sign_out(client)
        _request_information(client, case)
        deliver(app)
    assert receiver.requests == []
    assert db.session.scalar(db.select(db.func.count(WebhookDelivery.id))) == 0


def test_the_queue_delivers_once_the_change_is_committed(app, client, rq_queue):
    queue, work = rq_queue
    case = submitted_case()
    with Receiver() as receiver:
        sign_in(client, case.created_by)
        subscribe(client, receiver.url, ["application.status_changed"])
        sign_out(client)
        _request_information(client, case)
        assert receiver.requests == []
        queued = [db.session.get(Job, job.args[0]).task for job in queue.jobs]  # the outbox's
        assert queued.count("portal.api.delivery:deliver_due") == 1
        work()
    assert len(receiver.requests) == 1
    assert db.session.scalar(db.select(WebhookDelivery)).status == DeliveryStatus.DELIVERED
