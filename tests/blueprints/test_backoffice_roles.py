"""Roles in the back office: what reviewers, supervisors and administrators may do, through HTTP;
administrators manage staff accounts."""

import pytest

from portal.extensions import db
from portal.models import Application, AuditEvent, StaffRole, User
from tests.support.auth import second_step, staff_sign_in
from tests.support.casework import submit, submitted_case
from tests.support.factories import PASSWORD, UserFactory
from tests.support.pages import Page, get_page
from tests.support.sign_up import link_in

ROLES = {
    "reviewer": {"reviewer": True},
    "supervisor": {"supervisor": True},
    "administrator": {"staff_administrator": True},
}


@pytest.fixture(autouse=True)
def english(client):
    client.get("/language/en")


# (role, method, path, expected status). {case} and {org} are filled in.
MATRIX = [
    ("reviewer", "GET", "/backoffice/", 200),
    ("supervisor", "GET", "/backoffice/", 200),
    ("administrator", "GET", "/backoffice/", 200),
    ("reviewer", "GET", "/backoffice/cases/{case}", 200),
    ("supervisor", "GET", "/backoffice/cases/{case}", 200),
    ("administrator", "GET", "/backoffice/cases/{case}", 403),
    ("reviewer", "GET", "/backoffice/organisations/{org}", 200),
    ("supervisor", "GET", "/backoffice/organisations/{org}", 200),
    ("administrator", "GET", "/backoffice/organisations/{org}", 403),
    ("reviewer", "GET", "/backoffice/staff", 403),
    ("supervisor", "GET", "/backoffice/staff", 403),
    ("administrator", "GET", "/backoffice/staff", 200),
    ("reviewer", "POST", "/backoffice/cases/{case}/claim", 302),
    ("supervisor", "POST", "/backoffice/cases/{case}/claim", 302),
    ("administrator", "POST", "/backoffice/cases/{case}/claim", 403),
    ("reviewer", "POST", "/backoffice/cases/{case}/assign", 403),
    ("supervisor", "POST", "/backoffice/cases/{case}/assign", 302),
    ("administrator", "POST", "/backoffice/cases/{case}/assign", 403),
    ("reviewer", "POST", "/backoffice/cases/{case}/request-information", 302),
    ("supervisor", "POST", "/backoffice/cases/{case}/request-information", 302),
    ("administrator", "POST", "/backoffice/cases/{case}/request-information", 403),
    ("reviewer", "POST", "/backoffice/cases/{case}/decision", 302),
    ("supervisor", "POST", "/backoffice/cases/{case}/decision", 302),
    ("administrator", "POST", "/backoffice/cases/{case}/decision", 403),
    ("reviewer", "GET", "/backoffice/cases/{case}/grant", 200),
    ("supervisor", "GET", "/backoffice/cases/{case}/grant", 200),
    ("administrator", "GET", "/backoffice/cases/{case}/grant", 403),
    ("reviewer", "POST", "/backoffice/cases/{case}/grant", 400),  # not claimed: refused
    ("administrator", "POST", "/backoffice/cases/{case}/grant", 403),
    ("administrator", "POST", "/backoffice/cases/{case}/refusal", 403),
    ("reviewer", "POST", "/backoffice/cases/{case}/checklist", 302),
    ("supervisor", "POST", "/backoffice/cases/{case}/checklist", 302),
    ("administrator", "POST", "/backoffice/cases/{case}/checklist", 403),
    ("reviewer", "POST", "/backoffice/staff/{staff}/active", 403),
    ("supervisor", "POST", "/backoffice/staff/{staff}/active", 403),
]

VALID_DATA = {
    "claim": lambda case: {"claim-version": case.version},
    "assign": lambda case: {"assign-version": case.version, "assign-assignee": ""},
    "request-information": lambda case: {
        "request-version": case.version,
        "request-message": "Send the annual accounts for 2025.",
        "request-respond_by": (case.decision_deadline).isoformat(),
    },
    "decision": lambda case: {"decision-version": case.version, "decision-reason": "Insolvent."},
    "grant": lambda case: {"version": case.version},
    "refusal": lambda case: {"refusal-version": case.version, "refusal-verdict": "approve"},
    "checklist": lambda case: {
        "checklist-version": case.version,
        "checklist-fee_paid_outcome": "met",
    },
}


@pytest.mark.parametrize(("role", "method", "path", "expected"), MATRIX)
def test_each_role_may_do_what_its_permissions_say(client, role, method, path, expected):
    case = submitted_case()
    other_staff = UserFactory(reviewer=True)
    user = UserFactory(**ROLES[role])
    staff_sign_in(client, user)
    url = path.format(case=case.id, org=case.organisation_id, staff=other_staff.id)
    if method == "GET":
        assert client.get(url).status_code == expected
        return
    token = get_page(client, "/backoffice/").csrf()
    action = url.rsplit("/", 1)[-1]
    data = {"csrf_token": token, **VALID_DATA.get(action, lambda c: {})(case)}
    response = client.post(url, data=data)
    assert response.status_code == expected, Page(response).text[:300]
    if expected == 403:
        # Nothing changed.
        fresh = db.session.get(Application, case.id)
        assert (fresh.version, fresh.assigned_to_id) == (1, None)


def invite(client, form, **values) -> Page:
    data = {"csrf_token": form.csrf(), "name": "Nieuwe Beoordelaar", "role": "reviewer"}
    return Page(client.post("/backoffice/staff/new", data={**data, **values}))


def test_administrators_invite_staff_who_set_their_own_password_and_second_factor(
    client, app, smtp_server
):
    admin = UserFactory(staff_administrator=True)
    staff_sign_in(client, admin)
    form = get_page(client, "/backoffice/staff/new")
    assert form.soup.find("input", attrs={"type": "password"}) is None  # no password to give
    page = Page(
        client.post("/backoffice/staff/new", data={"csrf_token": form.csrf(), "email": "x"})
    )
    assert page.status == 400
    assert page.field_error("name") and page.field_error("email") and page.field_error("role")
    assert page.value("email") == "x"

    response = invite(client, form, email="New.Reviewer@ind.example").response
    assert response.status_code == 302
    user = db.session.scalar(db.select(User).where(User.email == "new.reviewer@ind.example"))
    assert user.staff_role == StaffRole.REVIEWER and user.totp_secret is None
    event = db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "staff.invited"))
    assert (event.actor_id, event.target_id) == (admin.id, user.id)
    assert "Invited" in get_page(client, "/backoffice/staff").text
    # Nothing the administrator saw signs in: there is no password yet.
    newcomer = app.test_client()
    newcomer.get("/language/en")
    token = get_page(newcomer, "/backoffice/sign-in").csrf()
    attempt = {"csrf_token": token, "email": user.email, "password": "!invited"}
    assert newcomer.post("/backoffice/sign-in", data=attempt).status_code == 400

    (message,) = smtp_server.messages
    assert message["To"] == "new.reviewer@ind.example"
    path = link_in(message)
    assert path.startswith("/backoffice/invitation/")
    setup = get_page(newcomer, path)
    assert "new.reviewer@ind.example" in setup.text
    weak = Page(
        newcomer.post(
            path, data={"csrf_token": setup.csrf(), "password": "short", "confirm": "short"}
        )
    )
    assert weak.status == 400 and "at least 12 characters" in weak.field_error("password")
    chosen = "violet harbour stapler 2027"
    response = newcomer.post(
        path, data={"csrf_token": setup.csrf(), "password": chosen, "confirm": chosen}
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/sign-in/set-up-code"
    # The first session begins only once their own authenticator is enrolled.
    assert newcomer.get("/backoffice/").status_code == 302
    second_step(newcomer, None, response)
    assert newcomer.get("/backoffice/").status_code == 200
    assert newcomer.get("/backoffice/staff").status_code == 403
    fresh = db.session.get(User, user.id)
    assert fresh.totp_secret and fresh.password_hash.startswith("$argon2")
    assert db.session.scalar(
        db.select(AuditEvent).where(AuditEvent.action == "staff.invitation_accepted")
    )
    # The link works once: a clear page, nothing changed.
    again = get_page(newcomer, path, expected_status=404)
    assert "This invitation no longer works" in again.text
    # The same address twice is refused at the field.
    page = invite(client, form, email="new.reviewer@ind.example")
    assert page.status == 400
    assert "already has an account" in page.field_error("email")


def test_an_expired_invitation_gets_a_clear_page_and_changes_nothing(
    client, app, smtp_server, monkeypatch
):
    monkeypatch.setitem(app.config, "STAFF_INVITATION_TTL", 0)
    staff_sign_in(client, UserFactory(staff_administrator=True))
    invite(client, get_page(client, "/backoffice/staff/new"), email="late@ind.example")
    path = link_in(smtp_server.messages[-1])
    stranger = app.test_client()
    stranger.get("/language/en")
    page = get_page(stranger, path, expected_status=404)
    assert "This invitation no longer works" in page.text
    token = get_page(stranger, "/backoffice/sign-in").csrf()
    chosen = "violet harbour stapler 2027"
    posted = stranger.post(path, data={"csrf_token": token, "password": chosen, "confirm": chosen})
    assert posted.status_code == 404
    user = db.session.scalar(db.select(User).where(User.email == "late@ind.example"))
    assert not user.password_hash.startswith("$argon2") and user.totp_secret is None


def test_administrators_change_roles_and_deactivate(client, app):
    admin = UserFactory(staff_administrator=True)
    reviewer = UserFactory(reviewer=True)
    theirs = app.test_client()
    staff_sign_in(theirs, reviewer)
    assert theirs.get("/backoffice/organisations").status_code == 200

    staff_sign_in(client, admin)
    page = get_page(client, "/backoffice/staff")
    response = submit(
        client, page, f"/staff/{reviewer.id}/role", **{f"u{reviewer.id}-role": "supervisor"}
    )
    assert response.status_code == 302
    assert db.session.get(User, reviewer.id).staff_role == StaffRole.SUPERVISOR

    page = get_page(client, "/backoffice/staff")
    assert submit(client, page, f"/staff/{reviewer.id}/active").status_code == 302
    assert db.session.get(User, reviewer.id).active is False
    # The open session ends at the next request, and the password no longer works.
    assert "/backoffice/sign-in" in theirs.get("/backoffice/organisations").headers["Location"]
    token = get_page(theirs, "/backoffice/sign-in").csrf()
    response = theirs.post(
        "/backoffice/sign-in",
        data={"csrf_token": token, "email": reviewer.email, "password": PASSWORD},
    )
    assert response.status_code == 400
    actions = set(
        db.session.scalars(db.select(AuditEvent.action).where(AuditEvent.actor_id == admin.id))
    )
    assert {"staff.role_changed", "staff.deactivated"} <= actions


def test_administrators_cannot_lock_themselves_out(client):
    admin = UserFactory(staff_administrator=True)
    staff_sign_in(client, admin)
    token = get_page(client, "/backoffice/staff").csrf()
    response = client.post(
        f"/backoffice/staff/{admin.id}/active", data={"csrf_token": token}, follow_redirects=True
    )
    assert "cannot deactivate your own account" in Page(response).text
    response = client.post(
        f"/backoffice/staff/{admin.id}/role",
        data={"csrf_token": token, f"u{admin.id}-role": "reviewer"},
        follow_redirects=True,
    )
    assert "cannot change your own role" in Page(response).text
    admin = db.session.get(User, admin.id)
    assert admin.active and admin.staff_role == StaffRole.ADMINISTRATOR


def test_the_menu_shows_what_the_role_may_use(client):
    staff_sign_in(client, UserFactory(reviewer=True))
    menu = get_page(client, "/backoffice/").soup.select(".main-nav ul a")
    assert [a.get_text(strip=True) for a in menu] == [
        "Work queue",
        "Sponsor accounts",
        "Send a letter",
        "Change reports",
    ]
