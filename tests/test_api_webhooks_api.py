"""Webhooks over the API (issue 18) and SSRF: a webhook URL must point at a public address when
subscribed and again at each delivery (DNS rebinding); only the tests allow 127.0.0.1."""

import socket
from datetime import timedelta

import pytest

from config import ProductionConfig
from portal import clock
from portal.extensions import db
from portal.models import DeliveryStatus, OrganisationKind, WebhookDelivery
from tests.support.api import bearer, get_token, register_client
from tests.support.auth import sign_in, sign_out, staff_sign_in, staff_sign_out
from tests.support.casework import act, submitted_case
from tests.support.factories import MandateFactory, UserFactory, member
from tests.support.pages import Page, get_page
from tests.support.webhooks import Receiver, client_page, deliver

SCOPES = ("webhooks:manage", "applications:read")
PUBLIC = "93.184.216.34"


@pytest.fixture(autouse=True)
def english(client):
    client.get("/language/en")


@pytest.fixture
def dns(monkeypatch):
    """The DNS (outside the portal): names in `answers` resolve to the address given."""
    real = socket.getaddrinfo
    answers = {}

    def getaddrinfo(host, port, *args, **kwargs):
        if host in answers:
            family = socket.AF_INET6 if ":" in answers[host] else socket.AF_INET
            return [(family, socket.SOCK_STREAM, 6, "", (answers[host], port))]
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return answers


def _tokens(client, user, *scopes):
    """One token per client the administrator registers (one sign-in)."""
    sign_in(client, user)
    pairs = [register_client(client, name=f"System {i}", scopes=s) for i, s in enumerate(scopes)]
    sign_out(client)
    return [get_token(client, client_id, secret) for client_id, secret in pairs]


def _token(client, user):
    return _tokens(client, user, SCOPES)[0]


def _event(client, case):
    staff_sign_in(client, UserFactory(reviewer=True))
    respond_by = clock.today() + timedelta(days=14)
    act(
        client,
        case,
        "/request-information",
        **{"request-message": "Send it.", "request-respond_by": respond_by.isoformat()},
    )
    staff_sign_out(client)


def test_subscribe_list_log_replay_and_remove_over_the_api(app, client):
    case = submitted_case()
    token = _token(client, case.created_by)
    url = f"/api/v1/organisations/{case.organisation.kvk_number}/webhooks"
    body = {"url": "https://10.0.0.1/hooks", "events": ["application.status_changed"]}
    private = client.post(url, json=body, headers=bearer(token))
    assert private.status_code == 422 and private.mimetype == "application/problem+json"
    assert private.json["errors"][0]["pointer"] == "/url"
    assert private.json["errors"][0]["code"] == "private_address"
    unknown = client.post(url, json={**body, "secret": "x"}, headers=bearer(token))
    assert unknown.status_code == 400 and unknown.json["errors"][0]["pointer"] == "/secret"
    letters = client.post(url, json={**body, "events": ["letter.issued"]}, headers=bearer(token))
    assert letters.status_code == 422 and letters.json["errors"][0]["code"] == "scope_missing"
    with Receiver(answers=(503, 200)) as receiver:
        created = client.post(url, json={**body, "url": receiver.url}, headers=bearer(token))
        assert created.status_code == 201 and created.json["secret"].startswith("whsec_")
        hook = f"{url}/{created.json['id']}"
        listed = client.get(url, headers=bearer(token)).json["items"]
        assert [h["id"] for h in listed] == [created.json["id"]] and "secret" not in listed[0]
        _event(client, case)
        deliver(app)
        log = client.get(hook + "/deliveries", headers=bearer(token))
        assert log.status_code == 200
        (entry,) = log.json["items"]
        assert entry["status"] == "pending" and entry["response_code"] == 503
        assert entry["attempts"] == 1 and entry["next_attempt_at"]
        replayed = client.post(
            f"{hook}/deliveries/{entry['id']}/replay",
            headers=bearer(token, **{"Idempotency-Key": "r1"}),
        )
        assert replayed.status_code == 202 and replayed.json["message_id"] == entry["message_id"]
        deliver(app)
    assert receiver.requests[-1][1]["webhook-id"] == entry["message_id"]
    statuses = {d.id: d.status for d in db.session.scalars(db.select(WebhookDelivery))}
    assert statuses[replayed.json["id"]] == DeliveryStatus.DELIVERED
    once = bearer(token, **{"Idempotency-Key": "d1"})
    assert client.delete(hook, headers=once).status_code == 204
    again = client.delete(hook, headers=once)  # the same key: the same answer, not a 404
    assert again.status_code == 204 and again.headers["Idempotent-Replayed"] == "true"
    assert client.get(hook, headers=bearer(token)).status_code == 404


def test_webhooks_are_the_clients_own(client):
    case = submitted_case()
    token, other, weak = _tokens(client, case.created_by, SCOPES, SCOPES, ("applications:read",))
    url = f"/api/v1/organisations/{case.organisation.kvk_number}/webhooks"
    body = {"url": "https://127.0.0.1/hooks", "events": ["application.status_changed"]}
    created = client.post(url, json=body, headers=bearer(token))
    assert created.status_code == 201
    assert client.get(f"{url}/{created.json['id']}", headers=bearer(other)).status_code == 404
    assert client.get(url, headers=bearer(other)).json["items"] == []
    assert client.get(url, headers=bearer(weak)).status_code == 403


def test_an_intermediary_manages_its_webhooks_under_its_own_kvk_only(client):
    admin = member(kind=OrganisationKind.INTERMEDIARY)
    mandate = MandateFactory(intermediary=admin.memberships[0].organisation, categories=["labour"])
    token = _token(client, admin)
    sponsor = f"/api/v1/organisations/{mandate.sponsor.kvk_number}/webhooks"
    assert client.get(sponsor, headers=bearer(token)).status_code == 404
    own = f"/api/v1/organisations/{admin.memberships[0].organisation.kvk_number}/webhooks"
    assert client.get(own, headers=bearer(token)).status_code == 200


@pytest.mark.parametrize(
    "url",
    [
        "https://127.0.0.1/hooks",
        "http://127.0.0.1:8080/hooks",
        "https://10.1.2.3/hooks",
        "https://192.168.1.1/hooks",
        "https://169.254.169.254/latest/meta-data",
        "https://[::1]/hooks",
        "https://[::ffff:10.0.0.1]/hooks",
        "https://100.64.0.1/hooks",
        "https://0.0.0.0/hooks",
        "https://intranet.example.org/hooks",
    ],
)
def test_production_refuses_private_addresses_next_to_the_field(app, client, dns, monkeypatch, url):
    assert ProductionConfig.WEBHOOK_ALLOW_LOOPBACK is False
    monkeypatch.setitem(app.config, "WEBHOOK_ALLOW_LOOPBACK", False)
    dns["intranet.example.org"] = "172.16.0.9"
    sign_in(client, member())
    register_client(client, scopes=SCOPES)
    page_url = client_page(client, "Student system")
    page = get_page(client, page_url)
    response = client.post(
        page_url + "/webhooks",
        data={"csrf_token": page.csrf(), "url": url, "events": ["application.status_changed"]},
    )
    assert response.status_code == 400
    error = Page(response).soup.select_one("#url-error").get_text()
    assert "private or internal network" in error


def test_a_name_that_turns_private_is_refused_at_delivery(app, client, dns, monkeypatch):
    """DNS rebinding: public when subscribed, internal when delivered → not sent."""
    monkeypatch.setitem(app.config, "WEBHOOK_ALLOW_LOOPBACK", False)
    dns["hooks.example.org"] = PUBLIC
    case = submitted_case()
    token = _token(client, case.created_by)
    url = f"/api/v1/organisations/{case.organisation.kvk_number}/webhooks"
    body = {"url": "https://hooks.example.org/in", "events": ["application.status_changed"]}
    assert client.post(url, json=body, headers=bearer(token)).status_code == 201
    _event(client, case)
    dns["hooks.example.org"] = "127.0.0.1"
    deliver(app)
    delivery = db.session.scalar(db.select(WebhookDelivery))
    assert delivery.last_error == "refused:private_address" and delivery.response_code is None
    assert delivery.status == DeliveryStatus.PENDING and delivery.attempts == 1


def test_the_description_and_docs_say_what_is_sent(client):
    spec = client.get("/api/v1/openapi.json").json
    assert set(spec["webhooks"]) == {
        "letter.issued",
        "application.status_changed",
        "application.information_requested",
        "batch.finished",
    }
    sent = spec["webhooks"]["letter.issued"]["post"]
    assert {p["name"] for p in sent["parameters"]} == {
        "webhook-id",
        "webhook-timestamp",
        "webhook-signature",
    }
    html = client.get("/api/v1/docs").get_data(as_text=True)
    assert "application.status_changed" in html and "HMAC-SHA256" in html
