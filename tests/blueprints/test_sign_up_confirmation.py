"""A password sign-up first confirms the administrator's e-mail address (issue 15, Medium: no
account enumeration; second factor from the first session).

Nothing is created until the link in the mail is followed; the link works once and expires;
an address in use gets the same page (its owner gets a mail saying so); sign-up is rate
limited; the mails leave in the background, so the answer does not depend on the address.
"""

import pyotp
import pytest

from portal import create_app
from portal.extensions import db
from portal.models import AuditEvent, Membership, Organisation, OrgRole, SignUpRequest, User
from tests.support.auth import sign_in
from tests.support.factories import PASSWORD, OrganisationFactory, UserFactory, member
from tests.support.pages import Page, get_page
from tests.support.sign_up import link_in, mail_to, password_sign_up, send_sign_up

SIGN_UP = {
    "kvk_number": "87651234",
    "legal_name": "Roshan Labs B.V.",
    "street_address": "Oudegracht 12",
    "postcode": "3511 AB",
    "city": "Utrecht",
    "organisation_email": "office@roshan.example",
    "persons_employed": "12",
    "kind": "research",
    "preferred_language": "en",
    "admin_name": "Roshan Farahani",
    "admin_email": "roshan@roshan.example",
    "password": "seven unrelated words make sense",
}


@pytest.fixture(autouse=True)
def english(client):
    client.get("/language/en")


def count(model) -> int:
    return db.session.scalar(db.select(db.func.count()).select_from(model))


def test_nothing_is_made_until_the_address_is_confirmed_then_two_step_comes_first(
    client, smtp_server
):
    page = send_sign_up(client, SIGN_UP)
    assert page.status == 200
    assert "Check your e-mail" in page.text and "roshan@roshan.example" in page.text
    steps = page.soup.find(id="next-steps").get_text(" ", strip=True)  # what happens next
    assert "two-step verification" in steps and "apply for recognition" in steps
    assert count(Organisation) == count(User) == 0
    # Not signed in, and the password does not sign in yet: there is no account.
    assert client.get("/dashboard").status_code == 302
    token = get_page(client, "/sign-in").csrf()
    refused = client.post(
        "/sign-in",
        data={
            "csrf_token": token,
            "email": SIGN_UP["admin_email"],
            "password": SIGN_UP["password"],
        },
    )
    assert refused.status_code == 400

    message = mail_to(smtp_server, "roshan@roshan.example")
    assert "Confirm your sign-up" in message["Subject"]
    path = link_in(message)
    assert path.startswith("/sign-up/confirm/")
    # Only the hash of the token is kept.
    assert path.rsplit("/", 1)[1] not in {
        r.token_hash for r in db.session.scalars(db.select(SignUpRequest))
    }
    # Opening the link (a mail scanner does) creates nothing; the button does.
    confirm_page = get_page(client, path)
    assert "Create the account" in confirm_page.text
    assert count(Organisation) == 0
    response = client.post(path, data={"csrf_token": confirm_page.csrf()})
    assert response.status_code == 302
    assert response.headers["Location"] == "/sign-in/set-up-code"

    user = db.session.scalar(db.select(User))
    organisation = db.session.scalar(db.select(Organisation))
    assert user.email == "roshan@roshan.example" and user.password_hash.startswith("$argon2")
    assert organisation.legal_name == "Roshan Labs B.V." and organisation.kvk_verified_at is None
    membership = db.session.scalar(db.select(Membership))
    assert (membership.user_id, membership.role) == (user.id, OrgRole.ADMINISTRATOR)
    assert db.session.scalar(
        db.select(AuditEvent).where(AuditEvent.action == "organisation.signed_up")
    )
    # The first session begins only after two-step verification is set up.
    assert client.get("/dashboard").status_code == 302
    assert client.get("/applications/recognition/new").status_code == 302
    setup = get_page(client, "/sign-in/set-up-code")
    secret = setup.soup.find(id="totp-secret").get_text(strip=True)
    wrong = client.post("/sign-in/set-up-code", data={"csrf_token": setup.csrf(), "code": "000000"})
    assert wrong.status_code == 400
    assert client.get("/dashboard").status_code == 302
    done = client.post(
        "/sign-in/set-up-code",
        data={"csrf_token": setup.csrf(), "code": pyotp.TOTP(secret).now()},
    )
    assert done.status_code == 200 and 'id="recovery-codes"' in done.get_data(as_text=True)
    assert "Roshan Labs B.V." in get_page(client, "/dashboard").text
    db.session.refresh(user)
    assert user.totp_secret == secret


def test_the_link_works_once(client, smtp_server):
    password_sign_up(client, smtp_server, SIGN_UP)
    path = link_in(mail_to(smtp_server, SIGN_UP["admin_email"]))
    other = client.application.test_client()
    other.get("/language/en")
    again = get_page(other, path, expected_status=404)
    assert "This link no longer works" in again.text
    # A POST with a CSRF token from another page changes nothing either.
    token = get_page(other, "/sign-up").csrf()
    assert other.post(path, data={"csrf_token": token}).status_code == 404
    assert count(Organisation) == count(User) == 1


def test_the_link_expires(client, smtp_server, app, monkeypatch):
    monkeypatch.setitem(app.config, "SIGN_UP_TTL", 0)
    send_sign_up(client, SIGN_UP)
    path = link_in(mail_to(smtp_server, SIGN_UP["admin_email"]))
    assert "no longer works" in get_page(client, path, expected_status=404).text
    assert count(Organisation) == count(User) == 0


def test_an_address_in_use_gets_the_same_page_and_its_owner_a_note(client, smtp_server):
    existing = UserFactory(email="taken@roshan.example")
    fresh = send_sign_up(client, SIGN_UP)
    taken = send_sign_up(client, {**SIGN_UP, "admin_email": existing.email})
    assert fresh.status == taken.status == 200
    assert fresh.text.replace(SIGN_UP["admin_email"], "X") == taken.text.replace(
        existing.email, "X"
    )
    note = mail_to(smtp_server, existing.email)
    assert "already has an account" in note.get_content()
    assert "/sign-up/confirm/" not in note.get_content()
    assert "/sign-up/confirm/" in mail_to(smtp_server, SIGN_UP["admin_email"]).get_content()


def test_an_address_taken_after_the_form_was_sent_is_refused_at_the_link(client, smtp_server):
    send_sign_up(client, SIGN_UP)
    path = link_in(mail_to(smtp_server, SIGN_UP["admin_email"]))
    UserFactory(email=SIGN_UP["admin_email"])
    page = get_page(client, path)
    refused = Page(client.post(path, data={"csrf_token": page.csrf()}))
    assert refused.status == 409 and "already has an account" in refused.text
    assert count(Organisation) == 0
    assert get_page(client, path, expected_status=404)  # the link is used up


def test_a_kvk_number_verified_after_the_form_was_sent_is_refused_at_the_link(client, smtp_server):
    send_sign_up(client, SIGN_UP)
    path = link_in(mail_to(smtp_server, SIGN_UP["admin_email"]))
    OrganisationFactory(kvk_number=SIGN_UP["kvk_number"])  # verified
    page = get_page(client, path)
    refused = Page(client.post(path, data={"csrf_token": page.csrf()}))
    assert refused.status == 409 and "Ask its administrator to invite you" in refused.text
    assert count(User) == 0


def test_a_submitter_without_a_second_factor_still_signs_in_at_once(client):
    """Only administrators (and staff) must set up two-step verification."""
    user = member(OrgRole.SUBMITTER)
    sign_in(client, user, PASSWORD)
    assert get_page(client, "/dashboard").status == 200


def test_sign_up_is_rate_limited(monkeypatch, database_url):
    from config import TestConfig

    monkeypatch.setattr(TestConfig, "RATELIMIT_ENABLED", True)
    monkeypatch.setattr(TestConfig, "SIGN_UP_RATE_LIMIT", "3 per minute")
    limited = create_app("test")
    client = limited.test_client()
    client.get("/language/en")
    token = get_page(client, "/sign-up").csrf()
    data = {"csrf_token": token, **SIGN_UP, "kvk_number": "1"}  # invalid: nothing is kept
    statuses = [client.post("/sign-up", data=data).status_code for _ in range(4)]
    assert statuses == [400, 400, 400, 429]
    # Per address and per e-mail address typed: the same address from elsewhere is limited too.
    other = limited.test_client()
    elsewhere = {"REMOTE_ADDR": "10.9.9.9"}
    token = get_page(other, "/sign-up", environ_base=elsewhere).csrf()
    response = other.post("/sign-up", data={**data, "csrf_token": token}, environ_base=elsewhere)
    assert response.status_code == 429
    # Another address typed in, from elsewhere, is not limited.
    response = other.post(
        "/sign-up",
        data={**data, "csrf_token": token, "admin_email": "other@roshan.example"},
        environ_base=elsewhere,
    )
    assert response.status_code == 400


def test_reset_requests_are_rate_limited(monkeypatch, database_url):
    from config import TestConfig

    monkeypatch.setattr(TestConfig, "RATELIMIT_ENABLED", True)
    monkeypatch.setattr(TestConfig, "SIGN_IN_RATE_LIMIT", "2 per minute")
    limited = create_app("test")
    client = limited.test_client()
    token = get_page(client, "/password-reset").csrf()
    data = {"csrf_token": token, "email": "not an address"}
    statuses = [client.post("/password-reset", data=data).status_code for _ in range(3)]
    assert statuses == [400, 400, 429]


# --- the mails leave outside the request -----------------------------------------------------


def test_sign_up_mail_leaves_in_the_background_whatever_the_address(client, smtp_server, rq_queue):
    queue, work = rq_queue
    UserFactory(email="taken@roshan.example")
    for address in (SIGN_UP["admin_email"], "taken@roshan.example"):
        assert send_sign_up(client, {**SIGN_UP, "admin_email": address}).status == 200
    assert smtp_server.messages == []  # nothing sent, nothing looked up, during the requests
    assert queue.count == 2
    work()
    assert {m["To"] for m in smtp_server.messages} == {
        SIGN_UP["admin_email"],
        "taken@roshan.example",
    }


def test_reset_mail_leaves_in_the_background_whatever_the_address(client, smtp_server, rq_queue):
    queue, work = rq_queue
    known = member(OrgRole.SUBMITTER)
    for address in (known.email, "nobody@roshan.example"):
        token = get_page(client, "/password-reset").csrf()
        response = client.post("/password-reset", data={"csrf_token": token, "email": address})
        assert response.status_code == 200
    assert smtp_server.messages == []
    assert queue.count == 2  # the same work for both: one job each
    work()
    (message,) = smtp_server.messages
    assert message["To"] == known.email and "/password-reset/" in message.get_content()
