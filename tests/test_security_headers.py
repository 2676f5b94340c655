"""The security headers on every kind of response, cookies, CSRF on the new forms, clickjacking."""

import hashlib

import pytest

from config import ProductionConfig, TestConfig
from portal import create_app
from portal.extensions import db
from portal.models import Letter, LetterKind, OrgRole
from tests.support.auth import sign_in
from tests.support.factories import UserFactory, member
from tests.support.pages import get_page


def assert_secure_headers(response, *, hsts=False):
    headers = response.headers
    csp = headers["Content-Security-Policy"]
    directives = dict(
        (part.split(" ", 1) + [""])[:2] for part in (p.strip() for p in csp.split(";")) if part
    )
    assert directives["frame-ancestors"] == "'none'"
    assert directives["script-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] in ("same-origin", "strict-origin", "no-referrer")
    if hsts:
        assert headers["Strict-Transport-Security"].startswith("max-age=31536000")
    else:
        assert "Strict-Transport-Security" not in headers


def pdf_letter(user) -> Letter:
    letter = Letter(
        organisation_id=user.memberships[0].organisation_id,
        kind=LetterKind.ACKNOWLEDGEMENT,
        subject="Acknowledgement",
        language="en",
        body_text="",
        pdf=b"%PDF-1.7 test",
        sha256=hashlib.sha256(b"%PDF-1.7 test").hexdigest(),
    )
    db.session.add(letter)
    db.session.flush()
    return letter


def test_headers_on_every_kind_of_response(client):
    user = member(OrgRole.SUBMITTER)
    letter = pdf_letter(user)
    responses = {
        "anonymous page": client.get("/sign-in"),
        "redirect": client.get("/dashboard"),
        "not found": client.get("/no-such-page"),
        "method not allowed": client.put("/sign-in"),
        "static file": client.get("/static/portal.css"),
        "csrf refusal": client.post("/sign-in", data={"email": "a@b.example"}),
    }
    sign_in(client, user)
    responses |= {
        "signed-in page": client.get("/dashboard"),
        "pdf download": client.get(f"/inbox/{letter.id}/pdf"),
        "other organisation's letter": client.get(f"/inbox/{letter.id + 1000}"),
    }
    nobody = UserFactory()  # a user without an organisation gets 403
    other = client.application.test_client()
    sign_in(other, nobody)
    responses["forbidden"] = other.get("/dashboard")
    expected = {
        "anonymous page": 200,
        "redirect": 302,
        "not found": 404,
        "method not allowed": 405,
        "static file": 200,
        "csrf refusal": 400,
        "signed-in page": 200,
        "pdf download": 200,
        "other organisation's letter": 404,
        "forbidden": 403,
    }
    for kind, response in responses.items():
        response.close()
        assert response.status_code == expected[kind], kind
        assert_secure_headers(response)
    assert responses["pdf download"].mimetype == "application/pdf"
    assert "no-store" in responses["pdf download"].headers["Cache-Control"]
    assert responses["signed-in page"].headers["Cache-Control"] == "no-store"


def test_headers_on_rate_limit_and_server_error_pages(monkeypatch):
    monkeypatch.setattr(TestConfig, "RATELIMIT_ENABLED", True)
    monkeypatch.setattr(TestConfig, "SIGN_IN_RATE_LIMIT", "1 per minute")
    app = create_app("test")
    app.config["PROPAGATE_EXCEPTIONS"] = False

    @app.get("/_boom")
    def boom():
        raise RuntimeError("boom")

    client = app.test_client()
    token = get_page(client, "/password-reset").csrf()
    data = {"csrf_token": token, "email": "x@y.example"}
    client.post("/password-reset", data=data, environ_base={"REMOTE_ADDR": "10.1.1.1"})
    limited = client.post("/password-reset", data=data, environ_base={"REMOTE_ADDR": "10.1.1.1"})
    assert limited.status_code == 429
    assert_secure_headers(limited)
    error = client.get("/_boom")
    assert error.status_code == 500
    assert_secure_headers(error)


def test_production_adds_hsts_and_secure_cookies_to_every_response(monkeypatch):
    monkeypatch.setattr(ProductionConfig, "SECRET_KEY", "x" * 40)
    monkeypatch.setenv("DATABASE_URL", "sqlite://")
    monkeypatch.setenv("PUBLIC_BASE_URL", "https://portal.example")
    app = create_app("production")
    client = app.test_client()
    for url, status in (("/sign-in", 200), ("/dashboard", 302), ("/nope", 404)):
        response = client.get(url, base_url="https://portal.example")
        assert response.status_code == status
        assert_secure_headers(response, hsts=True)
    cookies = client.get("/sign-in", base_url="https://portal.example").headers.getlist(
        "Set-Cookie"
    )
    (cookie,) = [c for c in cookies if c.startswith("portal_session=")]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie


@pytest.mark.parametrize(
    "url",
    [
        "/sign-in/code",
        "/sign-in/recovery-code",
        "/sign-in/set-up-code",
        "/password-reset",
        "/account/sign-out-everywhere",
        "/account/recovery-codes",
        "/account/email",
        "/account/second-factor",
    ],
)
def test_every_new_form_refuses_a_post_without_csrf_token(client, url):
    client.get("/language/en")
    sign_in(client, member(OrgRole.SUBMITTER))
    response = client.post(url, data={"code": "123456", "email": "a@b.example"})
    assert response.status_code == 400
    assert "The form had expired or was sent from somewhere else" in response.get_data(as_text=True)
