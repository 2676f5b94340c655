"""Behind a reverse proxy (issue 15): TRUSTED_PROXIES lists the proxies whose X-Forwarded-For
is believed, so the rate limits, the lockout and the audit log see the client's address — and a
client that reaches the portal directly cannot choose its address by sending the header."""

import pytest

from config import TestConfig
from portal import create_app
from portal.extensions import db
from portal.models import AuditEvent
from tests.support.auth import sign_in
from tests.support.factories import member
from tests.support.pages import get_page

PROXY = "10.0.0.1"
CLIENT = "203.0.113.7"
DIRECT = "198.51.100.2"


@pytest.fixture
def proxied_app(monkeypatch):
    monkeypatch.setattr(TestConfig, "TRUSTED_PROXIES", f"{PROXY}, 10.0.1.0/24")
    return create_app("test")


def client_at(app, remote_addr: str, forwarded_for: str | None = None):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = remote_addr
    if forwarded_for is not None:
        client.environ_base["HTTP_X_FORWARDED_FOR"] = forwarded_for
    client.get("/language/en")
    return client


def signed_in_from(client) -> str:
    user = member()
    sign_in(client, user)
    return db.session.scalar(
        db.select(AuditEvent.ip_address).where(
            AuditEvent.action == "user.signed_in", AuditEvent.actor_id == user.id
        )
    )


def test_through_a_trusted_proxy_the_audit_log_has_the_clients_address(proxied_app):
    assert signed_in_from(client_at(proxied_app, PROXY, f"198.18.0.1, {CLIENT}")) == CLIENT


def test_a_chain_of_trusted_proxies_is_followed_to_the_client(proxied_app):
    client = client_at(proxied_app, PROXY, f"198.18.0.1, {CLIENT}, 10.0.1.9")
    assert signed_in_from(client) == CLIENT


def test_a_direct_client_cannot_choose_its_address(proxied_app):
    assert signed_in_from(client_at(proxied_app, DIRECT, CLIENT)) == DIRECT


def test_without_trusted_proxies_the_header_is_ignored(app):
    assert signed_in_from(client_at(app, PROXY, CLIENT)) == PROXY


def test_the_sign_in_rate_limit_counts_clients_behind_the_proxy(monkeypatch):
    monkeypatch.setattr(TestConfig, "TRUSTED_PROXIES", PROXY)
    monkeypatch.setattr(TestConfig, "RATELIMIT_ENABLED", True)
    monkeypatch.setattr(TestConfig, "SIGN_IN_RATE_LIMIT", "3 per minute")
    app = create_app("test")

    def attempts(client, emails) -> list[int]:
        token = get_page(client, "/sign-in").csrf()
        return [
            client.post(
                "/sign-in", data={"csrf_token": token, "email": email, "password": "wrong"}
            ).status_code
            for email in emails
        ]

    first = client_at(app, PROXY, CLIENT)
    assert attempts(first, [f"a{n}@b.example" for n in range(4)]) == [400, 400, 400, 429]
    # Another client behind the same proxy is not limited by the first one's attempts.
    second = client_at(app, PROXY, "203.0.113.8")
    assert attempts(second, ["c@d.example"]) == [400]
    # A client talking to the portal directly gets nowhere by changing the header.
    spoofer = client_at(app, DIRECT)
    emails = [f"s{n}@b.example" for n in range(4)]
    statuses = []
    for n, email in enumerate(emails):
        spoofer.environ_base["HTTP_X_FORWARDED_FOR"] = f"192.0.2.{n + 1}"
        statuses += attempts(spoofer, [email])
    assert statuses == [400, 400, 400, 429]


def test_a_trusted_proxy_that_is_no_address_stops_the_start(monkeypatch):
    monkeypatch.setattr(TestConfig, "TRUSTED_PROXIES", "10.0.0.1, proxy.internal")
    with pytest.raises(RuntimeError, match="TRUSTED_PROXIES: 'proxy.internal'"):
        create_app("test")
