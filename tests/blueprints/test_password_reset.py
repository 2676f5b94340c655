"""Password reset and e-mail change by e-mailed links: single use, expiring, no enumeration."""

import re
from datetime import timedelta

import pytest

from portal.extensions import db
from portal.models import AccountToken, AuditEvent, OrgRole, User
from portal.models.base import utcnow
from tests.support.auth import sign_in
from tests.support.factories import PASSWORD, member
from tests.support.pages import Page, get_page

NEW_PASSWORD = "violet harbour stapler 2027"


@pytest.fixture(autouse=True)
def english(client):
    client.get("/language/en")


def ask_reset(client, email) -> Page:
    token = get_page(client, "/password-reset").csrf()
    return Page(client.post("/password-reset", data={"csrf_token": token, "email": email}))


def link_in(message) -> str:
    body = message.get_content()
    return re.search(r"http://\S+", body).group(0).replace("http://127.0.0.1:5000", "")


def set_password(client, path, password, confirm=None) -> Page:
    token = get_page(client, path).csrf()
    data = {"csrf_token": token, "password": password, "confirm": confirm or password}
    return Page(client.post(path, data=data))


def test_reset_by_email_sets_a_new_password_once(client, smtp_server):
    user = member(OrgRole.SUBMITTER)
    page = ask_reset(client, user.email.upper())
    assert page.status == 200 and "If an account has the address" in page.text
    (message,) = smtp_server.messages
    assert message["To"] == user.email
    assert "Reset your password" in message["Subject"]
    path = link_in(message)
    assert path.startswith("/password-reset/")
    # The token is not stored, only its hash.
    assert path.rsplit("/", 1)[1] not in {
        t.token_hash for t in db.session.scalars(db.select(AccountToken))
    }

    weak = set_password(client, path, "short")
    assert weak.status == 400 and "at least 12 characters" in weak.field_error("password")
    mismatch = set_password(client, path, NEW_PASSWORD, "something else entirely 1")
    assert mismatch.status == 400 and "not the same" in mismatch.field_error("confirm")

    response = set_password(client, path, NEW_PASSWORD).response
    assert response.status_code == 302 and response.headers["Location"] == "/sign-in"
    sign_in(client, user, NEW_PASSWORD)
    assert get_page(client, "/dashboard").status == 200
    # Used once: the link no longer works.
    again = get_page(client, path, expected_status=404)
    assert "This link no longer works" in again.text
    assert db.session.scalar(
        db.select(AuditEvent).where(AuditEvent.action == "user.password_reset.completed")
    )


def test_the_reset_page_says_the_same_for_unknown_addresses(client, smtp_server):
    known = member(OrgRole.SUBMITTER)
    known_page = ask_reset(client, known.email)
    unknown_page = ask_reset(client, "nobody@test.example")
    assert known_page.status == unknown_page.status == 200
    assert known_page.text.replace(known.email, "X") == unknown_page.text.replace(
        "nobody@test.example", "X"
    )
    assert len(smtp_server.messages) == 1


def test_an_expired_reset_link_does_not_work(client, smtp_server):
    user = member(OrgRole.SUBMITTER)
    ask_reset(client, user.email)
    path = link_in(smtp_server.messages[0])
    row = db.session.scalar(db.select(AccountToken))
    assert row.expires_at - row.created_at == timedelta(hours=1)
    row.expires_at = utcnow() - timedelta(seconds=1)
    db.session.flush()
    assert get_page(client, path, expected_status=404)
    token = get_page(client, "/password-reset").csrf()
    response = client.post(
        path, data={"csrf_token": token, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    )
    assert response.status_code == 404
    assert db.session.get(User, user.id).password_hash == user.password_hash


def test_a_newer_reset_link_replaces_the_older_one(client, smtp_server):
    user = member(OrgRole.SUBMITTER)
    ask_reset(client, user.email)
    ask_reset(client, user.email)
    first, second = (link_in(m) for m in smtp_server.messages)
    assert get_page(client, first, expected_status=404)
    assert get_page(client, second).status == 200


def test_a_made_up_reset_link_does_not_work(client):
    for path in ("/password-reset/abc", "/password-reset/" + "x" * 500):
        assert get_page(client, path, expected_status=404)


def test_a_reset_signs_out_every_other_session(app, client, smtp_server):
    user = member(OrgRole.SUBMITTER)
    thief = app.test_client()
    sign_in(thief, user)
    ask_reset(client, user.email)
    set_password(client, link_in(smtp_server.messages[0]), NEW_PASSWORD)
    assert thief.get("/dashboard").status_code == 302


def test_a_reset_clears_the_lockout(client, smtp_server):
    user = member(OrgRole.SUBMITTER)
    for _ in range(5):
        token = get_page(client, "/sign-in").csrf()
        client.post("/sign-in", data={"csrf_token": token, "email": user.email, "password": "x"})
    ask_reset(client, user.email)
    set_password(client, link_in(smtp_server.messages[0]), NEW_PASSWORD)
    sign_in(client, user, NEW_PASSWORD)


def change_email(client, email, password=PASSWORD) -> Page:
    token = get_page(client, "/account/email").csrf()
    return Page(
        client.post(
            "/account/email", data={"csrf_token": token, "email": email, "password": password}
        )
    )


def test_a_new_email_address_is_confirmed_from_that_address(client, smtp_server):
    user = member(OrgRole.SUBMITTER)
    old = user.email
    sign_in(client, user)
    wrong = change_email(client, "new@test.example", "wrong password")
    assert wrong.status == 400 and "not right" in wrong.field_error("password")
    assert wrong.value("email") == "new@test.example"

    response = change_email(client, "New@Test.example").response
    assert response.status_code == 302
    assert "We have sent a link to new@test.example" in get_page(client, "/account").text
    assert db.session.get(User, user.id).email == old  # not yet
    (message,) = smtp_server.messages
    assert message["To"] == "new@test.example"
    path = link_in(message)

    # Opening the link changes nothing (mail scanners open links); confirming does.
    page = get_page(client, path)
    assert "new@test.example" in page.text
    assert db.session.get(User, user.id).email == old
    client.post(path, data={"csrf_token": page.csrf()})
    assert db.session.get(User, user.id).email == "new@test.example"
    # The old address is told.
    assert smtp_server.messages[-1]["To"] == old
    assert "has changed" in smtp_server.messages[-1]["Subject"]
    # Once only.
    assert get_page(client, path, expected_status=404)


def test_an_address_in_use_is_not_revealed_nor_taken(client, smtp_server):
    user = member(OrgRole.SUBMITTER)
    other = member(OrgRole.SUBMITTER)
    sign_in(client, user)
    response = change_email(client, other.email).response
    assert response.status_code == 302
    (message,) = smtp_server.messages
    assert message["To"] == other.email and "already belongs to an account" in message.get_content()
    assert db.session.get(User, user.id).email != other.email
