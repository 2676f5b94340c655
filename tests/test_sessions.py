"""Session lifetime: idle timeout with a warning page, absolute timeout, sign out everywhere;
sessions are records in the database, so an ended session stays ended for every copy of its
cookie, in every process."""

import re

import pytest

from portal.extensions import db
from portal.models import AuditEvent, Membership, OrgRole, UserSession
from tests.support.auth import sign_in, staff_sign_in
from tests.support.factories import UserFactory, member
from tests.support.pages import get_page, post_form


@pytest.fixture(autouse=True)
def english(client):
    client.get("/language/en")


def open_sessions(user) -> int:
    return db.session.scalar(
        db.select(db.func.count())
        .select_from(UserSession)
        .where(UserSession.user_id == user.id, UserSession.revoked_at.is_(None))
    )


def copy_of(app, client):
    """Another browser (or an attacker) holding a copy of the client's session cookie."""
    other = app.test_client()
    cookie = client.get_cookie("portal_session")
    other.set_cookie(cookie.key, cookie.value, domain=cookie.domain or "localhost")
    return other


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
    assert open_sessions(user) == 0
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
    assert open_sessions(user) == 1


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
    # The seconds left of the idle timeout (last-seen moves once a minute, not on every page).
    assert 1140 <= int(warning["data-idle-seconds"]) <= 1200
    assert warning["data-warning-seconds"] == "120"
    assert "signed out in 2 minutes" in warning.get_text(" ")
    form = warning.find("form")
    assert form["action"] == "/account/session"
    assert form.find("input", attrs={"name": "next"})["value"] == "/dashboard?"
    script = page.soup.find("script", src="/static/session-timeout.js")
    assert script is not None and not script.string  # no inline script (CSP)
    response = client.get("/static/session-timeout.js")
    response.close()
    assert response.status_code == 200


def test_a_copied_cookie_stops_working_after_sign_out(app, client):
    user = member(OrgRole.SUBMITTER)
    sign_in(client, user)
    thief = copy_of(app, client)
    assert get_page(thief, "/dashboard").status == 200  # the copy works while the session does
    client.post("/sign-out", data={"csrf_token": get_page(client, "/dashboard").csrf()})
    response = thief.get("/dashboard")
    assert response.status_code == 302 and response.headers["Location"].startswith("/sign-in")
    assert open_sessions(user) == 0


def test_a_copied_staff_cookie_stops_working_after_sign_out(app, client):
    reviewer = UserFactory(reviewer=True)
    staff_sign_in(client, reviewer)
    thief = copy_of(app, client)
    assert thief.get("/backoffice/").status_code == 200
    page = get_page(client, "/backoffice/")
    client.post("/backoffice/sign-out", data={"csrf_token": page.csrf()})
    response = thief.get("/backoffice/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/backoffice/sign-in")
    assert open_sessions(reviewer) == 0


def test_a_new_password_ends_every_other_session(app, client, smtp_server):
    user = member(OrgRole.SUBMITTER)
    sign_in(client, user)
    thief = copy_of(app, client)
    other = app.test_client()
    post_form(other, "/password-reset", {"email": user.email})
    (message,) = smtp_server.messages
    link = re.search(r"http\S+/password-reset/\S+", message.get_content()).group(0)
    path = "/" + link.split("/", 3)[3]
    new = "a brand new passphrase for 2027"
    response = post_form(other, path, {"password": new, "confirm": new})
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    assert thief.get("/dashboard").status_code == 302
    assert client.get("/dashboard").status_code == 302


def test_removing_a_member_ends_their_sessions_at_once(app, client):
    admin = member(OrgRole.ADMINISTRATOR)
    organisation = admin.memberships[0].organisation
    colleague = UserFactory()
    membership = Membership(user_id=colleague.id, organisation_id=organisation.id, role="submitter")
    db.session.add(membership)
    db.session.flush()
    theirs = app.test_client()
    sign_in(theirs, colleague)
    assert get_page(theirs, "/dashboard").status == 200
    sign_in(client, admin)
    token = get_page(client, "/organisation/team").csrf()
    response = client.post(f"/organisation/team/{membership.id}/remove", data={"csrf_token": token})
    assert response.status_code == 302
    response = theirs.get("/dashboard")
    assert response.status_code == 302 and response.headers["Location"].startswith("/sign-in")
    assert open_sessions(colleague) == 0


def test_last_seen_moves_once_a_minute_and_the_warning_counts_from_it(client):
    sign_in(client, member(OrgRole.SUBMITTER))
    client.get("/dashboard")  # the first page after sign-in stores its CSRF token
    shift(client, "_seen", 50)
    before = stored(client, "_seen")
    response = client.get("/dashboard")
    assert "Set-Cookie" not in response.headers  # nothing changed: the cookie is not re-sent
    assert stored(client, "_seen") == before
    warning = get_page(client, "/dashboard").soup.find(id="session-warning")
    assert 1140 <= int(warning["data-idle-seconds"]) <= 1150
    shift(client, "_seen", 10)  # a minute old now
    client.get("/dashboard")
    assert stored(client, "_seen") > before


def test_an_ordinary_page_view_writes_nothing(client):
    user = member(OrgRole.SUBMITTER)
    sign_in(client, user)
    before = db.session.scalar(db.select(db.func.count()).select_from(UserSession))
    events = db.session.scalar(db.select(db.func.count()).select_from(AuditEvent))
    assert get_page(client, "/dashboard").status == 200
    assert db.session.scalar(db.select(db.func.count()).select_from(UserSession)) == before
    assert db.session.scalar(db.select(db.func.count()).select_from(AuditEvent)) == events
