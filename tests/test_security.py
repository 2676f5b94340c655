"""Security defaults: headers on every kind of response, cookies, CSRF, production config."""

import pytest

from config import ProductionConfig
from portal import create_app
from tests.support.auth import sign_in
from tests.support.factories import member
from tests.support.pages import get_page


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/", 200),
        ("/sign-in", 200),
        ("/does-not-exist", 404),
        ("/dashboard", 302),
        ("/static/portal.css", 200),
    ],
)
def test_security_headers_on_every_kind_of_response(client, url, status):
    response = client.get(url)
    response.close()
    assert response.status_code == status
    csp = response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert "Strict-Transport-Security" not in response.headers  # only in production


def test_pages_with_personal_data_are_not_cached(client):
    sign_in(client, member())
    assert client.get("/dashboard").headers["Cache-Control"] == "no-store"


def test_session_cookie_is_httponly_and_samesite(client):
    response = client.get("/sign-in")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_production_refuses_a_short_secret_key(monkeypatch):
    monkeypatch.setattr(ProductionConfig, "SECRET_KEY", "dev-only-not-secret")
    monkeypatch.setenv("DATABASE_URL", "sqlite://")
    monkeypatch.setenv("PUBLIC_BASE_URL", "https://portal.example")
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app("production")


def test_production_sets_secure_cookies_and_hsts(monkeypatch):
    monkeypatch.setattr(ProductionConfig, "SECRET_KEY", "x" * 40)
    monkeypatch.setenv("DATABASE_URL", "sqlite://")
    monkeypatch.setenv("PUBLIC_BASE_URL", "https://portal.example")
    app = create_app("production")
    assert app.config["SESSION_COOKIE_SECURE"] is True
    response = app.test_client().get("/static/portal.css")
    response.close()
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")


def test_sign_in_is_rate_limited(monkeypatch, database_url):
    from config import TestConfig

    monkeypatch.setattr(TestConfig, "RATELIMIT_ENABLED", True)
    monkeypatch.setattr(TestConfig, "SIGN_IN_RATE_LIMIT", "3 per minute")
    app = create_app("test")
    client = app.test_client()
    client.get("/language/en")
    token = get_page(client, "/sign-in").csrf()
    data = {"csrf_token": token, "email": "a@b.example", "password": "wrong"}
    statuses = [client.post("/sign-in", data=data).status_code for _ in range(4)]
    assert statuses == [400, 400, 400, 429]
    assert "Too many attempts" in client.post("/sign-in", data=data).get_data(as_text=True)
    # The limit is per address and per account: another account from elsewhere still works.
    other = app.test_client()
    other_data = {**data, "email": "c@d.example"}
    response = other.post("/sign-in", data=other_data, environ_base={"REMOTE_ADDR": "10.9.9.9"})
    assert response.status_code == 400
