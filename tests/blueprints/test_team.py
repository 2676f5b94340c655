"""Team: invitations over real SMTP, the link followed and the account joined; bad links refused
with a reason; roles changed; members removed; never without an administrator."""

import re
from datetime import timedelta

import pytest

from portal.extensions import db
from portal.models import AuditEvent, Invitation, Membership, OrgRole, User
from portal.models.base import utcnow
from tests.support.auth import second_step, sign_in
from tests.support.factories import MembershipFactory, member
from tests.support.pages import Page, get_page


@pytest.fixture(autouse=True)
def english(client):
    client.get("/language/en")


def invite(client, email, role="submitter") -> Page:
    token = get_page(client, "/organisation/team").csrf()
    return Page(
        client.post(
            "/organisation/team/invite", data={"csrf_token": token, "email": email, "role": role}
        )
    )


def invitations(smtp_server) -> list:
    """The invitation e-mails sent (administrators are also told of each change)."""
    return [m for m in smtp_server.messages if "Invitation to the IND" in m["Subject"]]


def link_in(message) -> str:
    body = message.get_body(preferencelist=("plain",)).get_content()
    match = re.search(r"https?://\S+/organisation/invitations/(\S+)", body)
    assert match, body
    return "/organisation/invitations/" + match.group(1)


def test_invitation_is_mailed_followed_and_joined(client, app, smtp_server):
    admin = member(legal_name="Inviting B.V.")
    organisation = admin.memberships[0].organisation
    sign_in(client, admin)
    response = invite(client, "New.Colleague@Example.org", "submitter")
    assert response.status == 302, response.text[:500]
    (message,) = invitations(smtp_server)
    (notice,) = [m for m in smtp_server.messages if m["To"] == admin.email]
    assert "invited someone to join as Submitter" in notice.get_body().get_content()
    assert message["To"] == "new.colleague@example.org"
    assert "Invitation to the IND Sponsor Portal" in message["Subject"]
    body = message.get_body(preferencelist=("plain",)).get_content()
    assert "Inviting B.V." in body and admin.name in body
    url = link_in(message)
    invitation = db.session.scalar(db.select(Invitation))
    assert url.rsplit("/", 1)[1] not in invitation.token_hash  # only a hash is stored
    assert "new.colleague@example.org" in get_page(client, "/organisation/team").text

    invitee = app.test_client()
    invitee.get("/language/en")
    page = get_page(invitee, url)
    assert "Join Inviting B.V." in page.text
    response = invitee.post(
        url,
        data={
            "csrf_token": page.csrf(),
            "name": "Nieuwe Collega",
            "password": "four unrelated words here",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    user = db.session.scalar(db.select(User).where(User.email == "new.colleague@example.org"))
    membership = db.session.scalar(db.select(Membership).where(Membership.user_id == user.id))
    assert (membership.organisation_id, membership.role) == (organisation.id, OrgRole.SUBMITTER)
    assert "Inviting B.V." in get_page(invitee, "/dashboard").text
    assert db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "member.joined"))
    # Used once: the same link is refused with a reason.
    fresh = app.test_client()
    fresh.get("/language/en")
    page = get_page(fresh, url, expected_status=410)
    assert "already been used" in page.soup.find(id="reason").get_text()


def test_an_existing_account_signs_in_and_joins(client, app, smtp_server):
    admin = member(legal_name="Second Home B.V.")
    elsewhere = member(legal_name="First Home B.V.")
    sign_in(client, admin)
    assert invite(client, elsewhere.email, "reader").status == 302
    url = link_in(invitations(smtp_server)[0])
    other = app.test_client()
    other.get("/language/en")
    page = get_page(other, url)
    assert "Sign in to accept" in page.text
    sign_in(other, elsewhere)
    page = get_page(other, url)
    response = other.post(url, data={"csrf_token": page.csrf()})
    assert response.status_code == 302
    roles = {
        m.organisation.legal_name: m.role
        for m in db.session.scalars(db.select(Membership).where(Membership.user_id == elsewhere.id))
    }
    assert roles == {"First Home B.V.": OrgRole.ADMINISTRATOR, "Second Home B.V.": OrgRole.READER}
    # Joined and switched to the new organisation.
    assert "Second Home B.V." in get_page(other, "/dashboard").soup.find(id="acting-for").get_text()


def test_a_link_for_someone_else_is_refused(client, app, smtp_server):
    admin = member()
    sign_in(client, admin)
    assert invite(client, "intended@example.org").status == 302
    url = link_in(invitations(smtp_server)[0])
    intruder = member()
    other = app.test_client()
    other.get("/language/en")
    sign_in(other, intruder)
    page = get_page(other, url, expected_status=403)
    assert page.soup.find(id="wrong-account")
    response = other.post(url, data={"csrf_token": page.csrf()})
    assert response.status_code == 400
    assert (
        db.session.scalar(
            db.select(db.func.count())
            .select_from(Membership)
            .where(Membership.user_id == intruder.id)
        )
        == 1
    )


def test_expired_forged_and_withdrawn_links_are_refused_with_a_reason(client, app, smtp_server):
    admin = member()
    sign_in(client, admin)
    assert invite(client, "late@example.org").status == 302
    late_url = link_in(invitations(smtp_server)[0])
    invitation = db.session.scalar(db.select(Invitation))
    invitation.expires_at = utcnow() - timedelta(minutes=1)
    db.session.flush()
    assert invite(client, "withdrawn@example.org").status == 302
    withdrawn_url = link_in(invitations(smtp_server)[1])
    withdrawn = db.session.scalar(
        db.select(Invitation).where(Invitation.email == "withdrawn@example.org")
    )
    token = get_page(client, "/organisation/team").csrf()
    response = client.post(
        f"/organisation/team/invitations/{withdrawn.id}/revoke", data={"csrf_token": token}
    )
    assert response.status_code == 302

    visitor = app.test_client()
    visitor.get("/language/en")
    assert "expired" in get_page(visitor, late_url, expected_status=410).text
    assert "withdrawn" in get_page(visitor, withdrawn_url, expected_status=410).text
    forged = late_url[:-4] + ("AAAA" if not late_url.endswith("AAAA") else "BBBB")
    assert "not valid" in get_page(visitor, forged, expected_status=404).text
    assert "not valid" in get_page(visitor, "/organisation/invitations/x", expected_status=404).text
    # Posting to an expired link creates nothing.
    token = get_page(visitor, "/sign-in").csrf()
    response = visitor.post(
        late_url,
        data={"csrf_token": token, "name": "Late", "password": "four unrelated words here"},
    )
    assert response.status_code == 410
    assert db.session.scalar(db.select(User).where(User.email == "late@example.org")) is None


def test_inviting_a_member_is_refused(client, smtp_server):
    admin = member()
    colleague = MembershipFactory(organisation=admin.memberships[0].organisation).user
    sign_in(client, admin)
    page = invite(client, colleague.email.upper())
    assert page.status == 400
    assert "already a member" in page.field_error("email")
    assert page.value("email") == colleague.email.upper()
    assert smtp_server.messages == []


@pytest.mark.parametrize(
    ("email", "role", "field", "message"),
    [
        ("", "reader", "email", "Enter the e-mail address"),
        ("not-an-address", "reader", "email", "right format"),
        ("a@example.org", "owner", "role", "Not a valid choice"),
        ("a@example.org", None, "role", "Choose a role"),
    ],
)
def test_bad_invitations_are_explained(client, smtp_server, email, role, field, message):
    sign_in(client, member())
    token = get_page(client, "/organisation/team").csrf()
    data = {"csrf_token": token, "email": email}
    if role:
        data["role"] = role
    page = Page(client.post("/organisation/team/invite", data=data))
    assert page.status == 400
    assert message.lower() in page.field_error(field).lower()
    assert smtp_server.messages == []


def test_weak_password_when_joining_is_refused_and_name_kept(client, app, smtp_server):
    sign_in(client, member())
    assert invite(client, "weak@example.org").status == 302
    url = link_in(invitations(smtp_server)[0])
    visitor = app.test_client()
    visitor.get("/language/en")
    page = get_page(visitor, url)
    page = Page(
        visitor.post(url, data={"csrf_token": page.csrf(), "name": "Wim", "password": "short"})
    )
    assert page.status == 400
    assert "at least 12 characters" in page.field_error("password")
    assert page.value("name") == "Wim"
    assert db.session.scalar(db.select(User).where(User.email == "weak@example.org")) is None


def test_roles_change_and_members_are_removed(client):
    admin = member()
    organisation = admin.memberships[0].organisation
    colleague = MembershipFactory(organisation=organisation, role=OrgRole.READER)
    sign_in(client, admin)
    token = get_page(client, "/organisation/team").csrf()
    response = client.post(
        f"/organisation/team/{colleague.id}/role",
        data={"csrf_token": token, "role": "administrator"},
    )
    assert response.status_code == 302
    assert db.session.get(Membership, colleague.id).role == OrgRole.ADMINISTRATOR
    # Now there are two administrators: the first may step down.
    response = client.post(
        f"/organisation/team/{admin.memberships[0].id}/role",
        data={"csrf_token": token, "role": "reader"},
    )
    assert response.status_code == 302
    assert client.get("/organisation/team").status_code == 403  # no longer an administrator


def test_the_last_administrator_cannot_be_demoted_or_removed(client):
    admin = member()
    organisation = admin.memberships[0].organisation
    reader = MembershipFactory(organisation=organisation, role=OrgRole.READER)
    own = admin.memberships[0]
    sign_in(client, admin)
    token = get_page(client, "/organisation/team").csrf()
    page = Page(
        client.post(
            f"/organisation/team/{own.id}/role", data={"csrf_token": token, "role": "submitter"}
        )
    )
    assert page.status == 400
    assert "at least one administrator" in page.soup.find(id=f"member-{own.id}-error").get_text()
    page = Page(client.post(f"/organisation/team/{own.id}/remove", data={"csrf_token": token}))
    assert page.status == 400
    assert "last administrator" in page.soup.find(id=f"member-{own.id}-error").get_text()
    assert db.session.get(Membership, own.id).role == OrgRole.ADMINISTRATOR
    # Others can be removed.
    reader_id = reader.id
    response = client.post(f"/organisation/team/{reader_id}/remove", data={"csrf_token": token})
    assert response.status_code == 302
    remaining = db.session.scalars(
        db.select(Membership.id).where(Membership.organisation_id == organisation.id)
    ).all()
    assert remaining == [own.id]
    assert db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "member.removed"))


def test_members_of_another_organisation_cannot_be_touched(client):
    stranger = MembershipFactory(role=OrgRole.ADMINISTRATOR)
    sign_in(client, member())
    token = get_page(client, "/organisation/team").csrf()
    for url, data in (
        (f"/organisation/team/{stranger.id}/role", {"role": "reader"}),
        (f"/organisation/team/{stranger.id}/remove", {}),
    ):
        assert client.post(url, data={"csrf_token": token, **data}).status_code == 404
    assert db.session.get(Membership, stranger.id).role == OrgRole.ADMINISTRATOR


@pytest.mark.parametrize("role", [OrgRole.SUBMITTER, OrgRole.READER])
def test_only_administrators_manage_the_team(client, smtp_server, role):
    user = member(role)
    sign_in(client, user)
    assert client.get("/organisation/team").status_code == 403
    token = get_page(client, "/dashboard").csrf()
    response = client.post(
        "/organisation/team/invite",
        data={"csrf_token": token, "email": "x@example.org", "role": "administrator"},
    )
    assert response.status_code == 403
    assert smtp_server.messages == []


def test_a_new_account_invited_as_administrator_sets_up_two_step_before_its_first_session(
    client, app, smtp_server
):
    admin = member(legal_name="Careful B.V.")
    sign_in(client, admin)
    assert invite(client, "second.admin@example.org", "administrator").status == 302
    url = link_in(smtp_server.messages[0])
    invitee = app.test_client()
    invitee.get("/language/en")
    page = get_page(invitee, url)
    response = invitee.post(
        url,
        data={
            "csrf_token": page.csrf(),
            "name": "Tweede Beheerder",
            "password": "four unrelated words here",
        },
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/sign-in/set-up-code"
    assert invitee.get("/dashboard").status_code == 302  # no session before two-step
    second_step(invitee, None, response)
    assert "Careful B.V." in get_page(invitee, "/dashboard").text
    user = db.session.scalar(db.select(User).where(User.email == "second.admin@example.org"))
    assert user.totp_secret
