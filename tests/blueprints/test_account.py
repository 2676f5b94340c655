"""Sign-up, sign-in and sign-out: bad input is explained next to the field and kept."""

import pytest

from portal.extensions import db
from portal.models import AuditEvent, Membership, Organisation, OrgRole, User
from tests.support.auth import sign_in
from tests.support.factories import PASSWORD, OrganisationFactory, UserFactory, member
from tests.support.pages import Page, get_page
from tests.support.sign_up import password_sign_up

GOOD = {
    "kvk_number": "87651234",
    "legal_name": "Café Ñandú Research B.V.",
    "street_address": "Oudegracht 12",
    "postcode": "3511 AB",
    "city": "Utrecht",
    "organisation_email": "office@nandu.example",
    "persons_employed": "12",
    "kind": "research",
    "preferred_language": "nl",
    "admin_name": "Zoë d'Ancona",
    "admin_email": "zoe@nandu.example",
    "password": "seven unrelated words make sense",
}


@pytest.fixture(autouse=True)
def english(client):
    client.get("/language/en")


def submit_sign_up(client, **changes) -> Page:
    data = {**GOOD, **changes}
    data = {k: v for k, v in data.items() if v is not None}
    token = get_page(client, "/sign-up").csrf()
    return Page(client.post("/sign-up", data={"csrf_token": token, **data}))


def test_sign_up_creates_organisation_and_administrator(client, smtp_server):
    password_sign_up(client, smtp_server, GOOD)
    organisation = db.session.scalar(db.select(Organisation))
    assert organisation.legal_name == "Café Ñandú Research B.V."
    assert organisation.persons_employed == 12
    user = db.session.scalar(db.select(User))
    assert user.email == "zoe@nandu.example"
    assert user.password_hash.startswith("$argon2")
    membership = db.session.scalar(db.select(Membership))
    assert (membership.user_id, membership.organisation_id) == (user.id, organisation.id)
    assert membership.role == OrgRole.ADMINISTRATOR
    assert db.session.scalar(
        db.select(AuditEvent).where(AuditEvent.action == "organisation.signed_up")
    )
    assert "Café Ñandú Research B.V." in get_page(client, "/dashboard").text


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"kvk_number": "1234567"}, "kvk_number", "Enter the KvK number: 8 digits"),
        ({"kvk_number": "1234567a"}, "kvk_number", "Enter the KvK number: 8 digits"),
        ({"kvk_number": ""}, "kvk_number", "Enter the KvK number"),
        ({"legal_name": "   "}, "legal_name", "Enter the legal name"),
        ({"postcode": "12345"}, "postcode", "Enter a Dutch postcode, like 1234 AB"),
        ({"organisation_email": "not-an-address"}, "organisation_email", "right format"),
        ({"persons_employed": "many"}, "persons_employed", "as a whole number"),
        ({"persons_employed": "-3"}, "persons_employed", "0 or more"),
        ({"kind": None}, "kind", "Choose the kind of organisation"),
        ({"kind": "pirate"}, "kind", "Not a valid choice"),
        ({"preferred_language": "de"}, "preferred_language", "Not a valid choice"),
        ({"admin_email": ""}, "admin_email", "Enter your e-mail address"),
        ({"password": "short pass"}, "password", "at least 12 characters"),
        ({"password": "password1234"}, "password", "commonly used"),
        ({"password": "aaaaaaaaaaaaaaa"}, "password", "easy to guess"),
    ],
)
def test_sign_up_bad_input_is_explained_and_kept(client, changes, field, message):
    page = submit_sign_up(client, **changes)
    assert page.status == 400
    error = page.field_error(field)
    assert error is not None and message.lower() in error.lower(), error
    # The error summary links to the field.
    summary = page.soup.select_one(".error-summary")
    assert summary is not None and summary.find("a", href=lambda h: h.startswith(f"#{field}"))
    # Everything typed is kept (the password is never echoed back).
    assert page.value("legal_name") == (changes.get("legal_name", GOOD["legal_name"]) or "").strip()
    assert page.value("city") == "Utrecht"
    assert page.value("password") is None or page.value("password") == ""
    assert db.session.scalar(db.select(db.func.count()).select_from(Organisation)) == 0
    assert db.session.scalar(db.select(db.func.count()).select_from(User)) == 0


def test_sign_up_with_a_registered_kvk_number_is_refused(client):
    OrganisationFactory(kvk_number="87651234")
    page = submit_sign_up(client)
    assert page.status == 400
    assert "already has an account" in page.field_error("kvk_number")
    assert page.value("admin_email") == "zoe@nandu.example"
    assert db.session.scalar(db.select(db.func.count()).select_from(User)) == 0


def test_sign_up_with_an_email_in_use_says_so_only_to_that_address(client, smtp_server):
    UserFactory(email="zoe@nandu.example")
    page = submit_sign_up(client, admin_email="ZOE@nandu.example ")
    assert page.status == 200 and "Check your e-mail" in page.text
    assert page.field_error("admin_email") is None
    (message,) = smtp_server.messages
    assert message["To"] == "zoe@nandu.example"
    assert "already has an account" in message.get_content()
    assert "/sign-up/confirm/" not in message.get_content()
    assert db.session.scalar(db.select(db.func.count()).select_from(Organisation)) == 0


def test_sign_in_form_helps_password_managers(client):
    page = get_page(client, "/sign-in")
    assert page.soup.find("input", attrs={"name": "email"})["autocomplete"] == "username"
    assert page.soup.find("input", attrs={"name": "password"})["autocomplete"] == (
        "current-password"
    )


def test_sign_in_and_sign_out(client):
    user = member()
    sign_in(client, user)
    assert get_page(client, "/dashboard").status == 200
    token = get_page(client, "/dashboard").csrf()
    response = client.post("/sign-out", data={"csrf_token": token})
    assert response.status_code == 302
    response = client.get("/dashboard")
    assert response.status_code == 302
    assert "/sign-in" in response.headers["Location"]


@pytest.mark.parametrize("email", ["nobody@test.example", "known"])
def test_wrong_sign_in_does_not_reveal_whether_the_account_exists(client, email):
    user = member()
    email = user.email if email == "known" else email
    token = get_page(client, "/sign-in").csrf()
    page = Page(
        client.post("/sign-in", data={"csrf_token": token, "email": email, "password": "wrong"})
    )
    assert page.status == 400
    assert page.field_error("password") == "Error: The e-mail address or password is not right."
    assert page.value("email") == email


def test_staff_cannot_use_the_sponsor_sign_in(client):
    staff = UserFactory(reviewer=True)
    token = get_page(client, "/sign-in").csrf()
    response = client.post(
        "/sign-in", data={"csrf_token": token, "email": staff.email, "password": PASSWORD}
    )
    assert response.status_code == 400


def test_sign_in_redirects_only_to_this_site(client):
    user = member(OrgRole.SUBMITTER)  # no second factor: the password step redirects at once
    token = get_page(client, "/sign-in").csrf()
    response = client.post(
        "/sign-in?next=https://evil.example/steal",
        data={"csrf_token": token, "email": user.email, "password": PASSWORD},
    )
    assert response.headers["Location"] == "/dashboard"
    client.post("/sign-out", data={"csrf_token": get_page(client, "/dashboard").csrf()})
    token = get_page(client, "/sign-in").csrf()
    response = client.post(
        "/sign-in?next=/inbox",
        data={"csrf_token": token, "email": user.email, "password": PASSWORD},
    )
    assert response.headers["Location"] == "/inbox"


def test_sign_in_issues_a_new_session(client):
    user = member()
    get_page(client, "/sign-in")
    with client.session_transaction() as session:
        session["planted"] = "by an attacker"
    sign_in(client, user)
    with client.session_transaction() as session:
        assert "planted" not in session
        assert session["lang"] == "en"
