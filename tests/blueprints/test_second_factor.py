"""Two-step verification: enrolment with a QR code, codes used once, recovery codes, who must."""

import pyotp
import pytest

from portal.extensions import db
from portal.models import AuditEvent, OrgRole, RecoveryCode, User
from tests.support.auth import sign_in, staff_sign_in, totp_code
from tests.support.factories import PASSWORD, TOTP_SECRET, UserFactory, member
from tests.support.pages import Page, get_page


@pytest.fixture(autouse=True)
def english(client):
    client.get("/language/en")


def post_password(client, user, url="/sign-in"):
    token = get_page(client, url).csrf()
    return client.post(url, data={"csrf_token": token, "email": user.email, "password": PASSWORD})


def post_code(client, url, code) -> Page:
    token = get_page(client, url).csrf()
    return Page(client.post(url, data={"csrf_token": token, "code": code}))


def sign_out(client):
    client.post("/sign-out", data={"csrf_token": get_page(client, "/account").csrf()})


def enrol_at_sign_in(client, user) -> tuple[str, list[str]]:
    response = post_password(client, user)
    assert response.headers["Location"] == "/sign-in/set-up-code"
    page = get_page(client, "/sign-in/set-up-code")
    secret = page.soup.find(id="totp-secret").get_text(strip=True)
    done = post_code(client, "/sign-in/set-up-code", pyotp.TOTP(secret).now())
    assert done.status == 200
    codes = [c.get_text() for c in done.soup.select("#recovery-codes code")]
    return secret, codes


def test_an_administrator_sets_up_the_second_factor_at_the_next_sign_in(client):
    admin = member(OrgRole.ADMINISTRATOR)
    response = post_password(client, admin)
    assert response.headers["Location"] == "/sign-in/set-up-code"
    # The password alone does not sign in.
    assert client.get("/dashboard").status_code == 302

    page = get_page(client, "/sign-in/set-up-code")
    qr = page.soup.find("img", class_="qr-code")
    assert qr["src"].startswith("data:image/svg+xml") and qr["alt"]
    secret = page.soup.find(id="totp-secret").get_text(strip=True)
    assert len(secret) >= 16

    wrong = post_code(client, "/sign-in/set-up-code", "000000")
    assert wrong.status == 400
    assert "not right" in wrong.field_error("code")
    assert db.session.get(User, admin.id).totp_secret is None

    done = post_code(client, "/sign-in/set-up-code", pyotp.TOTP(secret).now())
    assert done.status == 200
    codes = [c.get_text() for c in done.soup.select("#recovery-codes code")]
    assert len(codes) == 10 and len(set(codes)) == 10
    assert db.session.get(User, admin.id).totp_secret == secret
    # Only hashes are stored.
    stored = db.session.scalars(db.select(RecoveryCode.code_hash)).all()
    assert len(stored) == 10 and not set(codes) & set(stored)
    assert db.session.scalar(
        db.select(AuditEvent).where(AuditEvent.action == "user.second_factor.enrolled")
    )
    assert get_page(client, "/dashboard").status == 200


def test_the_enrolment_code_cannot_be_used_again(client):
    admin = member(OrgRole.ADMINISTRATOR)
    secret, _codes = enrol_at_sign_in(client, admin)
    enrolment_step = db.session.get(User, admin.id).totp_last_step
    assert enrolment_step is not None
    sign_out(client)
    post_password(client, admin)
    page = post_code(client, "/sign-in/code", pyotp.TOTP(secret).generate_otp(enrolment_step))
    assert page.status == 400
    assert client.get("/dashboard").status_code == 302


def test_a_code_signs_in_once(client):
    user = member(OrgRole.SUBMITTER)
    user.totp_secret = TOTP_SECRET
    db.session.flush()
    response = post_password(client, user)
    assert response.headers["Location"] == "/sign-in/code"
    assert client.get("/dashboard").status_code == 302
    assert post_code(client, "/sign-in/code", "123456").status == 400
    code = totp_code(user)
    response = post_code(client, "/sign-in/code", code).response
    assert response.status_code == 302 and response.headers["Location"] == "/dashboard"
    assert get_page(client, "/dashboard").status == 200
    # The same code from another browser (someone looking over a shoulder) is refused.
    other = client.application.test_client()
    other.get("/language/en")
    post_password(other, user)
    page = post_code(other, "/sign-in/code", code)
    assert page.status == 400
    assert "not right" in page.field_error("code")


def test_the_second_step_keeps_where_the_user_was_going(client):
    user = member(OrgRole.SUBMITTER, legal_name="Keep Going B.V.")
    user.totp_secret = TOTP_SECRET
    db.session.flush()
    token = get_page(client, "/sign-in").csrf()
    client.post(
        "/sign-in?next=/inbox",
        data={"csrf_token": token, "email": user.email, "password": PASSWORD},
    )
    response = post_code(client, "/sign-in/code", totp_code(user)).response
    assert response.headers["Location"] == "/inbox"


def test_the_second_step_expires(client):
    user = member(OrgRole.SUBMITTER)
    user.totp_secret = TOTP_SECRET
    db.session.flush()
    post_password(client, user)
    with client.session_transaction() as session:
        pending = session["pending_sign_in"]
        session["pending_sign_in"] = {**pending, "at": pending["at"] - 11 * 60}
    response = client.get("/sign-in/code")
    assert response.status_code == 302 and response.headers["Location"] == "/sign-in"


def test_no_session_survives_into_the_second_step(client):
    user = member(OrgRole.SUBMITTER)
    user.totp_secret = TOTP_SECRET
    db.session.flush()
    get_page(client, "/sign-in")
    with client.session_transaction() as session:
        session["planted"] = "by an attacker"
    post_password(client, user)
    post_code(client, "/sign-in/code", totp_code(user))
    with client.session_transaction() as session:
        assert "planted" not in session and "pending_sign_in" not in session


def test_a_recovery_code_works_once(client):
    admin = member(OrgRole.ADMINISTRATOR)
    _secret, codes = enrol_at_sign_in(client, admin)
    sign_out(client)

    post_password(client, admin)
    page = get_page(client, "/sign-in/code")
    assert page.soup.find("a", href="/sign-in/recovery-code")
    response = post_code(client, "/sign-in/recovery-code", codes[0].upper()).response
    assert response.status_code == 302
    dashboard = get_page(client, "/dashboard")
    assert "You have 9 left" in dashboard.text
    sign_out(client)

    post_password(client, admin)
    again = post_code(client, "/sign-in/recovery-code", codes[0])
    assert again.status == 400
    assert "has been used already" in again.field_error("code")
    assert client.get("/dashboard").status_code == 302
    assert post_code(client, "/sign-in/recovery-code", codes[1]).status == 302


def test_new_recovery_codes_replace_the_old_ones(client):
    admin = member(OrgRole.ADMINISTRATOR)
    _secret, old = enrol_at_sign_in(client, admin)
    settings = get_page(client, "/account")
    assert "10 unused recovery codes" in settings.text
    page = Page(client.post("/account/recovery-codes", data={"csrf_token": settings.csrf()}))
    new = [c.get_text() for c in page.soup.select("#recovery-codes code")]
    assert len(new) == 10 and not set(new) & set(old)
    sign_out(client)
    post_password(client, admin)
    assert post_code(client, "/sign-in/recovery-code", old[2]).status == 400
    assert post_code(client, "/sign-in/recovery-code", new[2]).status == 302


def test_other_users_may_turn_the_second_factor_on_and_off(client):
    user = member(OrgRole.SUBMITTER)
    sign_in(client, user)  # no second factor needed
    settings = get_page(client, "/account")
    assert "Off." in settings.text
    page = get_page(client, "/account/second-factor")
    secret = page.soup.find(id="totp-secret").get_text(strip=True)
    done = post_code(client, "/account/second-factor", pyotp.TOTP(secret).now())
    assert done.status == 200 and len(done.soup.select("#recovery-codes code")) == 10
    sign_out(client)
    assert post_password(client, user).headers["Location"] == "/sign-in/code"
    post_code(client, "/sign-in/code", totp_code(db.session.get(User, user.id)))

    settings = get_page(client, "/account")
    wrong = Page(
        client.post(
            "/account/second-factor/turn-off",
            data={"csrf_token": settings.csrf(), "off-password": "not my password"},
        )
    )
    assert wrong.status == 400 and "not right" in wrong.field_error("off-password")
    client.post(
        "/account/second-factor/turn-off",
        data={"csrf_token": settings.csrf(), "off-password": PASSWORD},
    )
    assert db.session.get(User, user.id).totp_secret is None
    assert db.session.scalar(db.select(db.func.count()).select_from(RecoveryCode)) == 0


def test_administrators_cannot_turn_the_second_factor_off(client):
    admin = member(OrgRole.ADMINISTRATOR)
    enrol_at_sign_in(client, admin)
    settings = get_page(client, "/account")
    assert "Turn off" not in settings.text
    client.post(
        "/account/second-factor/turn-off",
        data={"csrf_token": settings.csrf(), "off-password": PASSWORD},
    )
    assert db.session.get(User, admin.id).totp_secret is not None


def test_staff_without_a_second_factor_set_one_up_first(client):
    staff = UserFactory(reviewer=True, totp_secret=None)
    response = post_password(client, staff, "/backoffice/sign-in")
    assert response.headers["Location"] == "/sign-in/set-up-code"
    assert client.get("/backoffice/").status_code == 302
    staff_sign_in(client, UserFactory(reviewer=True))  # the usual path still works


def test_staff_can_sign_in_with_a_recovery_code(client):
    staff = UserFactory(reviewer=True)
    staff_sign_in(client, staff)
    settings = get_page(client, "/account")
    page = Page(client.post("/account/recovery-codes", data={"csrf_token": settings.csrf()}))
    codes = [c.get_text() for c in page.soup.select("#recovery-codes code")]
    client.post("/backoffice/sign-out", data={"csrf_token": settings.csrf()})
    post_password(client, staff, "/backoffice/sign-in")
    response = post_code(client, "/sign-in/recovery-code", codes[0]).response
    assert response.headers["Location"] == "/backoffice/"
    assert client.get("/backoffice/").status_code == 200


def _downloaded(page) -> list[str]:
    """The lines of the codes' text file (a data: link, downloaded without JavaScript)."""
    from urllib.parse import unquote

    link = page.soup.select_one("#keep-codes a[download]")
    assert link["download"].endswith(".txt")
    prefix = "data:text/plain;charset=utf-8,"
    assert link["href"].startswith(prefix)
    return unquote(link["href"][len(prefix) :]).split("\r\n")


def test_recovery_codes_can_be_downloaded_and_printed_and_the_first_set_has_no_old_ones(client):
    admin = member(OrgRole.ADMINISTRATOR)
    response = post_password(client, admin)
    page = get_page(client, response.headers["Location"])
    secret = page.soup.find(id="totp-secret").get_text(strip=True)
    first = post_code(client, "/sign-in/set-up-code", pyotp.TOTP(secret).now())
    codes = [c.get_text() for c in first.soup.select("#recovery-codes code")]
    assert "Older recovery codes" not in first.text  # there were none
    assert set(codes) <= set(_downloaded(first))
    assert "no-print" in first.soup.find(id="keep-codes")["class"]  # the print shows the codes
    settings = get_page(client, "/account")
    renewed = Page(client.post("/account/recovery-codes", data={"csrf_token": settings.csrf()}))
    assert "Older recovery codes no longer work." in renewed.text
    new = [c.get_text() for c in renewed.soup.select("#recovery-codes code")]
    assert set(new) <= set(_downloaded(renewed)) and not set(codes) & set(_downloaded(renewed))
