"""Changing the password while signed in (issue 19, item 7): the current password, then a new
one by the strong-password rule; this session stays, every other session ends; audited; a
notice by e-mail without personal data."""

import pytest

from portal.extensions import db
from portal.identity import accounts
from portal.models import AuditEvent, OrgRole, UserSession
from tests.support.auth import sign_in
from tests.support.factories import PASSWORD, member
from tests.support.pages import Page, get_page

NEW = "otter lantern quietly orbit 42"


@pytest.fixture(autouse=True)
def english(client):
    client.get("/language/en")


def _change(client, current, new, again=None):
    token = get_page(client, "/account/password").csrf()
    data = {"csrf_token": token, "current": current, "password": new, "confirm": again or new}
    return client.post("/account/password", data=data)


def test_a_new_password_ends_every_other_session_and_is_told_by_mail(app, client, smtp_server):
    user = member(OrgRole.SUBMITTER, legal_name="Nova Robotics B.V.")
    laptop, phone = client, app.test_client()
    sign_in(laptop, user)
    sign_in(phone, user)
    settings = get_page(laptop, "/account")
    assert settings.soup.find("a", href="/account/password") is not None
    response = _change(laptop, PASSWORD, NEW)
    assert response.status_code == 302 and response.headers["Location"] == "/account"
    # This browser stays signed in; the phone is signed out.
    assert get_page(laptop, "/dashboard").status == 200
    assert phone.get("/dashboard").status_code == 302
    open_sessions = db.select(db.func.count()).select_from(UserSession)
    assert (
        db.session.scalar(
            open_sessions.where(UserSession.user_id == user.id, UserSession.revoked_at.is_(None))
        )
        == 1
    )
    db.session.refresh(user)
    assert accounts.check_password(user, NEW) and not accounts.check_password(user, PASSWORD)
    assert db.session.scalar(
        db.select(AuditEvent).where(
            AuditEvent.action == "user.password.changed", AuditEvent.actor_id == user.id
        )
    )
    (message,) = smtp_server.messages
    body = message.get_content()
    assert message["To"] == user.email
    assert "password" in message["Subject"].lower()
    for personal in (user.name, user.email, "Nova Robotics", "http"):
        assert personal not in body


@pytest.mark.parametrize(
    ("current", "new", "again", "field", "message"),
    [
        ("not my password", NEW, None, "current", "The password is not right"),
        ("", NEW, None, "current", "Enter your current password"),
        (PASSWORD, "short", None, "password", "12 characters"),
        (PASSWORD, NEW, NEW + "x", "confirm", "not the same"),
    ],
)
def test_a_wrong_change_is_told_next_to_the_field_and_changes_nothing(
    client, smtp_server, current, new, again, field, message
):
    user = member(OrgRole.SUBMITTER)
    sign_in(client, user)
    page = Page(_change(client, current, new, again))
    assert page.status == 400
    assert message in (page.field_error(field) or "")
    db.session.refresh(user)
    assert accounts.check_password(user, PASSWORD)
    assert get_page(client, "/dashboard").status == 200
    assert smtp_server.messages == []
