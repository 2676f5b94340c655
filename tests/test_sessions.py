"""Session lifetime: idle timeout with a warning page, absolute timeout, sign out everywhere."""

import pytest

from portal.extensions import db
from portal.models import AuditEvent, OrgRole, User
from tests.support.auth import sign_in, staff_sign_in
from tests.support.factories import UserFactory, member
from tests.support.pages import get_page


@pytest.fixture(autouse=True)
def english(client):
    client.get("/language/en")


def shift(client, key, seconds):
    """Move a stored session time back, as if that much time had passed."""
    with client.session_transaction() as session:
        session[key] -= seconds


def stored(client, key):
    with client.session_transaction() as session:
        return session.get(key)


def test_twenty_idle_minutes_sign_the_user_out(client):
    sign_in(client, member(OrgRole.SUBMITTER))
    shift(client, "_seen", 20 * 60 + 5)
    response = client.get("/dashboard")
    assert response.status_code == 302
    assert response.headers["Location"] == "/sign-in?next=/dashboard?"
    page = get_page(client, response.headers["Location"])
    assert "did not use the portal for 20 minutes" in page.text
    assert client.get("/dashboard").status_code == 302


def test_activity_keeps_the_session_alive(client):
    sign_in(client, member(OrgRole.SUBMITTER))
    shift(client, "_seen", 19 * 60)
    before = stored(client, "_seen")
    assert get_page(client, "/dashboard").status == 200
    assert stored(client, "_seen") > before
    shift(client, "_seen", 19 * 60)
    assert get_page(client, "/dashboard").status == 200


def test_the_warning_page_does_not_keep_the_session_alive(client):
    sign_in(client, member(OrgRole.SUBMITTER))
    shift(client, "_seen", 18 * 60 + 30)
    before = stored(client, "_seen")
    page = get_page(client, "/account/session?next=/inbox")
    assert "You will be signed out soon" in page.text
    assert "about 2 minutes" in page.text
    assert stored(client, "_seen") == before
    # Choosing to stay signed in counts as activity and goes back.
    response = client.post("/account/session", data={"csrf_token": page.csrf(), "next": "/inbox"})
    assert response.headers["Location"] == "/inbox"
    assert stored(client, "_seen") > before


def test_the_absolute_timeout_ends_even_an_active_session(client):
    sign_in(client, member(OrgRole.SUBMITTER))
    shift(client, "_started", 8 * 60 * 60 + 1)
    response = client.get("/dashboard")
    assert response.status_code == 302 and response.headers["Location"].startswith("/sign-in")
    assert "your session ended" in get_page(client, response.headers["Location"]).text


def test_staff_who_time_out_go_to_the_staff_sign_in(client):
    staff_sign_in(client, UserFactory(reviewer=True))
    shift(client, "_seen", 21 * 60)
    response = client.get("/backoffice/")
    assert response.headers["Location"].startswith("/backoffice/sign-in")


def test_sign_out_everywhere_ends_every_session(app, client):
    user = member(OrgRole.SUBMITTER)
    laptop, phone = client, app.test_client()
    sign_in(laptop, user)
    sign_in(phone, user)
    assert get_page(phone, "/dashboard").status == 200
    token = get_page(laptop, "/account").csrf()
    response = laptop.post("/account/sign-out-everywhere", data={"csrf_token": token})
    assert response.headers["Location"] == "/sign-in"
    assert laptop.get("/dashboard").status_code == 302
    assert phone.get("/dashboard").status_code == 302
    assert db.session.get(User, user.id).session_version == 2
    assert db.session.scalar(
        db.select(AuditEvent).where(AuditEvent.action == "user.signed_out_everywhere")
    )
    # Signing in again works.
    sign_in(phone, user)
    assert get_page(phone, "/dashboard").status == 200


def test_sign_out_everywhere_needs_the_csrf_token(client):
    user = member(OrgRole.SUBMITTER)
    sign_in(client, user)
    response = client.post("/account/sign-out-everywhere", data={})
    assert response.status_code == 400
    assert db.session.get(User, user.id).session_version == 1


def test_account_pages_need_a_signed_in_user(client):
    for url in ("/account", "/account/email", "/account/second-factor", "/account/session"):
        response = client.get(url)
        assert response.status_code == 302 and "/sign-in" in response.headers["Location"]


def test_signed_in_pages_carry_the_idle_warning_for_the_script(client):
    assert get_page(client, "/sign-in").soup.find(id="session-warning") is None
    sign_in(client, member(OrgRole.SUBMITTER))
    page = get_page(client, "/dashboard")
    warning = page.soup.find(id="session-warning")
    assert warning.has_attr("hidden")  # without JavaScript it never shows
    assert warning["data-idle-seconds"] == "1200" and warning["data-warning-seconds"] == "120"
    assert "signed out in 2 minutes" in warning.get_text(" ")
    form = warning.find("form")
    assert form["action"] == "/account/session"
    assert form.find("input", attrs={"name": "next"})["value"] == "/dashboard?"
    script = page.soup.find("script", src="/static/session-timeout.js")
    assert script is not None and not script.string  # no inline script (CSP)
    response = client.get("/static/session-timeout.js")
    response.close()
    assert response.status_code == 200
