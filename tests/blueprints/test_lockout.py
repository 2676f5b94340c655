"""Progressive lockout per account and per address, saying nothing about which accounts exist."""

from datetime import timedelta

import pytest

from portal.extensions import db
from portal.models import OrgRole, SignInThrottle
from portal.models.base import utcnow
from tests.support.auth import totp_code
from tests.support.factories import PASSWORD, TOTP_SECRET, member
from tests.support.pages import Page, get_page


@pytest.fixture(autouse=True)
def english(client):
    client.get("/language/en")


@pytest.fixture
def config(app):
    saved = dict(app.config)
    yield app.config
    app.config.clear()
    app.config.update(saved)


def attempt(client, email, password, address="10.0.0.1") -> Page:
    token = get_page(client, "/sign-in").csrf()
    return Page(
        client.post(
            "/sign-in",
            data={"csrf_token": token, "email": email, "password": password},
            environ_base={"REMOTE_ADDR": address},
        )
    )


def throttle_rows():
    return db.session.scalars(db.select(SignInThrottle).order_by(SignInThrottle.key)).all()


def test_an_account_is_paused_after_five_failures_even_for_the_right_password(client):
    user = member(OrgRole.SUBMITTER)
    for _ in range(5):
        assert attempt(client, user.email, "wrong password").status == 400
    page = attempt(client, user.email, PASSWORD)
    assert page.status == 429
    assert "Signing in is paused after several failed attempts" in page.field_error("password")
    assert client.get("/dashboard").status_code == 302
    # Another account from the same address is not affected.
    other = member(OrgRole.SUBMITTER)
    assert attempt(client, other.email, PASSWORD).status == 302


def test_an_unknown_address_is_paused_in_exactly_the_same_way(client):
    known = member(OrgRole.SUBMITTER)
    pages = {}
    for email in (known.email, "nobody@test.example"):
        for _ in range(5):
            attempt(client, email, "wrong password", address="10.0.0.2")
        pages[email] = attempt(client, email, "wrong password", address="10.0.0.3")
    known_page, unknown_page = pages.values()
    assert known_page.status == unknown_page.status == 429
    assert known_page.field_error("password") == unknown_page.field_error("password")
    # Nothing readable about the addresses is stored.
    assert all("@" not in row.key for row in throttle_rows())


def test_each_further_failure_doubles_the_pause(client, config):
    user = member(OrgRole.SUBMITTER)
    for _ in range(5):
        attempt(client, user.email, "wrong password")
    (account,) = [row for row in throttle_rows() if row.key.startswith("account:")]
    first = account.locked_until - account.last_failure_at
    assert first == timedelta(seconds=60)
    # The pause has passed (as if a minute went by); one more wrong password pauses longer.
    account.locked_until = utcnow() - timedelta(seconds=1)
    db.session.flush()
    assert attempt(client, user.email, "wrong password").status == 400
    db.session.refresh(account)
    assert account.locked_until - account.last_failure_at == timedelta(seconds=120)
    assert "2 minutes" in attempt(client, user.email, PASSWORD).field_error("password")


def test_a_right_password_after_the_pause_clears_the_count(client):
    user = member(OrgRole.SUBMITTER)
    for _ in range(4):
        attempt(client, user.email, "wrong password")
    assert attempt(client, user.email, PASSWORD).status == 302
    assert not [row for row in throttle_rows() if row.key.startswith("account:")]


def test_an_address_trying_many_accounts_is_paused(client, config):
    config["LOCKOUT_ADDRESS_THRESHOLD"] = 6
    victim = member(OrgRole.SUBMITTER)
    for n in range(6):
        attempt(client, f"guess{n}@test.example", "password123", address="10.6.6.6")
    page = attempt(client, victim.email, PASSWORD, address="10.6.6.6")
    assert page.status == 429
    # The same person from their own address signs in normally.
    assert attempt(client, victim.email, PASSWORD, address="10.7.7.7").status == 302


def test_wrong_codes_count_towards_the_lockout(client):
    user = member(OrgRole.SUBMITTER)
    user.totp_secret = TOTP_SECRET
    db.session.flush()
    attempt(client, user.email, PASSWORD)
    for _ in range(5):
        token = get_page(client, "/sign-in/code").csrf()
        client.post("/sign-in/code", data={"csrf_token": token, "code": "000000"})
    token = get_page(client, "/sign-in/code").csrf()
    page = Page(client.post("/sign-in/code", data={"csrf_token": token, "code": totp_code(user)}))
    assert page.status == 429
    assert "paused" in page.field_error("code")
    assert client.get("/dashboard").status_code == 302


def test_staff_sign_in_is_locked_out_too(client):
    from tests.support.factories import UserFactory

    staff = UserFactory(reviewer=True)
    for _ in range(5):
        token = get_page(client, "/backoffice/sign-in").csrf()
        client.post(
            "/backoffice/sign-in",
            data={"csrf_token": token, "email": staff.email, "password": "wrong"},
        )
    token = get_page(client, "/backoffice/sign-in").csrf()
    response = client.post(
        "/backoffice/sign-in",
        data={"csrf_token": token, "email": staff.email, "password": PASSWORD},
    )
    assert response.status_code == 429
