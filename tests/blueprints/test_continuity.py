"""An organisation that survives its people (issue 25): the single-administrator warning, every
team change e-mailed to all administrators, a member asking the IND for administrator rights
(granted or refused by a supervisor, or at once by an eHerkenning sign-in), and the review of
members who have not signed in for a while."""

from datetime import UTC, date, datetime

import pytest

from portal.extensions import db
from portal.models import AdminRightsRequest, AdminRightsStatus, AuditEvent, Membership, OrgRole
from tests.blueprints import test_oidc
from tests.blueprints.test_oidc import KVK, eherkenning, sign_in_with
from tests.support.auth import sign_in, sign_out, staff_sign_in
from tests.support.factories import MembershipFactory, OrganisationFactory, UserFactory
from tests.support.pages import Page, get_page

# The OIDC provider (a real process) and the portal's eHerkenning settings.
provider = test_oidc.provider
oidc_config = test_oidc.oidc_config


@pytest.fixture(autouse=True)
def english(client):
    client.get("/language/en")


def team_of(admins=1, **organisation):
    """An organisation with `admins` administrators and a submitter; returns (org, admins,
    submitter)."""
    org = OrganisationFactory(**organisation)
    administrators = [MembershipFactory(organisation=org).user for _ in range(admins)]
    submitter = MembershipFactory(organisation=org, role=OrgRole.SUBMITTER).user
    for user in (*administrators, submitter):
        db.session.refresh(user)
    return org, administrators, submitter


def body(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


# --- the single administrator -------------------------------------------------------------


def test_the_team_page_warns_while_the_organisation_has_one_administrator(client):
    org, (admin,), submitter = team_of(admins=1)
    sign_in(client, admin)
    page = get_page(client, "/organisation/team")
    assert page.soup.find(id="single-administrator"), "no warning with one administrator"

    membership = db.session.scalar(db.select(Membership).where(Membership.user_id == submitter.id))
    token = page.csrf()
    response = client.post(
        f"/organisation/team/{membership.id}/role",
        data={"csrf_token": token, "role": "administrator"},
    )
    assert response.status_code == 302
    assert not get_page(client, "/organisation/team").soup.find(id="single-administrator")


def test_a_blocked_administrator_does_not_count(client):
    org, (admin, blocked), _submitter = team_of(admins=2)
    sign_in(client, admin)
    assert not get_page(client, "/organisation/team").soup.find(id="single-administrator")
    blocked.active = False
    db.session.commit()
    assert get_page(client, "/organisation/team").soup.find(id="single-administrator")


# --- every change of members and roles is e-mailed to all administrators -------------------


def test_a_role_change_is_mailed_to_every_administrator_by_name_only(client, smtp_server):
    org, (first, second), submitter = team_of(admins=2, legal_name="Mailing B.V.")
    sign_in(client, first)
    membership = db.session.scalar(db.select(Membership).where(Membership.user_id == submitter.id))
    page = get_page(client, "/organisation/team")
    response = client.post(
        f"/organisation/team/{membership.id}/role",
        data={"csrf_token": page.csrf(), "role": "reader"},
    )
    assert response.status_code == 302
    assert sorted(m["To"] for m in smtp_server.messages) == sorted([first.email, second.email])
    text = body(smtp_server.messages[0])
    assert "Mailing B.V." in text
    assert f"{first.name} changed the role of {submitter.name} from Submitter to Reader" in text
    assert f"heeft de rol van {submitter.name} gewijzigd van Indiener in Lezer" in text  # Dutch
    assert submitter.email not in text  # names only, no addresses


def test_a_refused_change_mails_nothing(client, smtp_server):
    org, (admin,), _submitter = team_of(admins=1)
    sign_in(client, admin)
    own = db.session.scalar(db.select(Membership).where(Membership.user_id == admin.id))
    page = get_page(client, "/organisation/team")
    response = client.post(
        f"/organisation/team/{own.id}/role", data={"csrf_token": page.csrf(), "role": "reader"}
    )
    assert response.status_code == 400  # the last administrator
    assert smtp_server.messages == []


def test_removing_a_member_is_mailed_to_the_administrators(client, smtp_server):
    org, (admin,), submitter = team_of(admins=1)
    sign_in(client, admin)
    membership = db.session.scalar(db.select(Membership).where(Membership.user_id == submitter.id))
    page = get_page(client, "/organisation/team")
    client.post(f"/organisation/team/{membership.id}/remove", data={"csrf_token": page.csrf()})
    (message,) = smtp_server.messages
    assert message["To"] == admin.email
    assert f"{admin.name} removed {submitter.name} from the team" in body(message)


# --- asking for administrator rights ------------------------------------------------------


def ask(client, reason) -> Page:
    page = get_page(client, "/organisation/administrator-rights")
    return Page(
        client.post(
            "/organisation/administrator-rights",
            data={"csrf_token": page.csrf(), "reason": reason},
        )
    )


def test_a_member_must_say_why_and_keeps_what_was_typed(client):
    org, (admin,), submitter = team_of(admins=1)
    sign_in(client, submitter)
    page = ask(client, "")
    assert page.status == 400
    assert "Say why you need administrator rights" in page.soup.find(class_="error-summary").text
    page = ask(client, "x" * 1001)
    assert page.status == 400
    assert page.soup.find("textarea", id="reason").get_text().strip() == "x" * 1001
    assert db.session.scalar(db.select(db.func.count()).select_from(AdminRightsRequest)) == 0


def test_the_only_administrator_left_a_member_asks_and_a_supervisor_grants(
    client, app, smtp_server
):
    org, (admin,), submitter = team_of(admins=1, legal_name="Continuity B.V.")
    admin.active = False  # locked out: the only administrator can no longer sign in
    db.session.commit()

    sign_in(client, submitter)
    page = get_page(client, "/organisation/administrator-rights")
    assert "no administrator who can sign in" in page.soup.find(id="administrators").text
    response = ask(client, "Our administrator left the company in November.")
    assert response.status == 302
    page = get_page(client, "/organisation/administrator-rights")
    assert page.soup.find(id="pending-request")
    assert client.get("/organisation/team").status_code == 403  # not yet
    # Asked twice: one request.
    ask(client, "again")
    assert db.session.scalar(db.select(db.func.count()).select_from(AdminRightsRequest)) == 1

    # A reviewer may not decide; a supervisor may.
    reviewer = app.test_client()
    reviewer.get("/language/en")
    staff_sign_in(reviewer, UserFactory(reviewer=True))
    assert reviewer.get("/backoffice/administrator-rights").status_code == 403

    supervisor = app.test_client()
    supervisor.get("/language/en")
    staff = UserFactory(supervisor=True)
    staff_sign_in(supervisor, staff)
    queue = get_page(supervisor, "/backoffice/administrator-rights")
    link = queue.soup.find(id="pending").find("a", string="Continuity B.V.")
    page = get_page(supervisor, link["href"])
    assert "Our administrator left the company in November." in page.text
    assert submitter.email in page.text
    viewed = db.session.scalar(
        db.select(AuditEvent).where(AuditEvent.action == "staff.admin_rights.viewed")
    )
    assert viewed is not None and viewed.actor_id == staff.id

    empty = Page(supervisor.post(link["href"], data={"csrf_token": page.csrf()}))
    assert empty.status == 400 and "Choose grant or refuse" in empty.text
    response = supervisor.post(
        link["href"],
        data={
            "csrf_token": page.csrf(),
            "decision": "grant",
            "note": "Called the number in the trade register.",
        },
    )
    assert response.status_code == 302
    request = db.session.scalar(db.select(AdminRightsRequest))
    assert (request.status, request.decided_by_id) == (AdminRightsStatus.GRANTED, staff.id)
    membership = db.session.scalar(db.select(Membership).where(Membership.user_id == submitter.id))
    assert membership.role == OrgRole.ADMINISTRATOR
    assert client.get("/organisation/team").status_code == 200
    assert db.session.scalar(
        db.select(AuditEvent).where(AuditEvent.action == "admin_rights.granted")
    )
    # The new administrator is told (the blocked one is not mailed).
    granted = [m for m in smtp_server.messages if "gave" in body(m)]
    assert [m["To"] for m in granted] == [submitter.email]

    # Decided once: a second decision changes nothing.
    again = supervisor.post(
        link["href"], data={"csrf_token": page.csrf(), "decision": "refuse", "note": ""}
    )
    assert again.status_code == 400
    db.session.refresh(request)
    assert request.status == AdminRightsStatus.GRANTED


def test_a_refused_request_leaves_the_role_as_it_was(client, app):
    org, (admin,), submitter = team_of(admins=1)
    sign_in(client, submitter)
    ask(client, "I would like to manage the team.")
    supervisor = app.test_client()
    staff_sign_in(supervisor, UserFactory(supervisor=True))
    request = db.session.scalar(db.select(AdminRightsRequest))
    path = f"/backoffice/administrator-rights/{request.id}"
    page = get_page(supervisor, path)
    supervisor.post(path, data={"csrf_token": page.csrf(), "decision": "refuse", "note": "No."})
    db.session.refresh(request)
    assert request.status == AdminRightsStatus.REFUSED
    membership = db.session.scalar(db.select(Membership).where(Membership.user_id == submitter.id))
    assert membership.role == OrgRole.SUBMITTER
    # Refused, a member may ask again.
    assert ask(client, "The administrator really has left now.").status == 302


def test_an_administrator_does_not_ask_for_rights_they_have(client, app):
    org, (admin,), submitter = team_of(admins=1)
    sign_in(client, admin)
    assert get_page(client, "/organisation/administrator-rights").soup.find(
        id="you-are-administrator"
    )
    assert ask(client, "why not").status == 400
    assert db.session.scalar(db.select(db.func.count()).select_from(AdminRightsRequest)) == 0


def test_an_eherkenning_sign_in_grants_a_pending_request_at_once(
    client, app, provider, oidc_config, smtp_server
):
    org = OrganisationFactory(kvk_number=KVK, legal_name="Asserted B.V.")
    eherkenning(provider, "alice", email="alice@asserted.example", name="Alice Jansen")
    assert sign_in_with(client, provider, "alice").status == 302  # joins as submitter
    assert ask(client, "The only administrator has left.").status == 302
    sign_out(client)

    assert sign_in_with(client, provider, "alice").status == 302
    request = db.session.scalar(db.select(AdminRightsRequest))
    assert (request.status, request.decided_through) == (AdminRightsStatus.GRANTED, "eherkenning")
    membership = db.session.scalar(
        db.select(Membership).where(Membership.organisation_id == org.id)
    )
    assert membership.role == OrgRole.ADMINISTRATOR
    assert client.get("/organisation/team").status_code == 200


# --- the review of members who have not signed in for a while -------------------------------


def at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 12, tzinfo=UTC)


def test_members_quiet_for_six_months_are_listed_until_kept_for_a_year(client, move_today):
    org, (admin,), quiet = team_of(admins=1)
    recent = MembershipFactory(organisation=org, role=OrgRole.READER).user
    for user in (quiet, recent):
        membership = db.session.scalar(db.select(Membership).where(Membership.user_id == user.id))
        membership.created_at = at(date(2025, 1, 1))
    quiet.last_sign_in_at = at(date(2026, 6, 4))
    recent.last_sign_in_at = at(date(2026, 6, 5))
    db.session.commit()
    move_today(date(2026, 12, 5))  # six months after 4 June; not yet after 5 June
    sign_in(client, admin)
    admin.last_sign_in_at = at(date(2026, 12, 5))
    db.session.commit()

    page = get_page(client, "/organisation/team")
    listed = page.soup.find(id="members-to-review").get_text()
    assert quiet.name in listed and recent.name not in listed and admin.name not in listed

    membership = db.session.scalar(db.select(Membership).where(Membership.user_id == quiet.id))
    response = client.post(
        f"/organisation/team/{membership.id}/keep", data={"csrf_token": page.csrf()}
    )
    assert response.status_code == 302
    assert not get_page(client, "/organisation/team").soup.find(id="members-to-review")
    assert db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "member.kept"))

    # A year after keeping, the member is listed again.
    membership.kept_at = at(date(2025, 12, 4))
    db.session.commit()
    assert (
        quiet.name
        in get_page(client, "/organisation/team").soup.find(id="members-to-review").get_text()
    )
