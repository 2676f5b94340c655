"""Internal sign-off before submitting (issue 25) through HTTP: administrators switch it on; a
submitter's application then waits for an administrator (to-do item), who approves it — it is
submitted — or sends it back with a reason (the submitter's to-do item); every step is in the
case's history; administrators' own applications and bulk submission follow the rule."""

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.models import Application, ApplicationStatus, OrgRole, SignOff
from tests.support.auth import sign_in, sign_out
from tests.support.factories import MembershipFactory, UserFactory, member
from tests.support.pages import Page, get_page


@pytest.fixture(autouse=True)
def english(client):
    client.get("/language/en")


def _team(sign_off_required=True):
    admin = member(persons_employed=200, legal_name="Approvals B.V.")
    org = admin.memberships[0].organisation
    submitter = UserFactory()
    MembershipFactory(user=submitter, organisation=org, role=OrgRole.SUBMITTER)
    org.sign_off_required = sign_off_required
    db.session.commit()
    return org, admin, submitter


def _prepare_and_submit(client, user) -> Application:
    sign_in(client, user)
    token = get_page(client, "/applications/recognition/new").csrf()
    check_url = client.post(
        "/applications/recognition/new", data={"csrf_token": token, "category": "labour"}
    ).headers["Location"]
    token = get_page(client, check_url).csrf()
    response = client.post(check_url, data={"csrf_token": token, "declaration": "y"})
    assert response.status_code == 302
    application = db.session.scalars(select(Application).order_by(Application.id.desc())).first()
    sign_out(client)
    return application


def _decide(client, application, **data):
    page = get_page(client, f"/applications/{application.id}/sign-off")
    return client.post(
        f"/applications/{application.id}/sign-off", data={"csrf_token": page.csrf(), **data}
    )


def test_administrators_switch_it_on_from_the_team_page(client):
    org, admin, submitter = _team(sign_off_required=False)
    sign_in(client, admin)
    team = get_page(client, "/organisation/team")
    assert team.soup.select_one("#sign-off-required") is not None
    response = client.post(
        "/applications/sign-off-setting", data={"csrf_token": team.csrf(), "required": "y"}
    )
    assert response.status_code == 302
    db.session.refresh(org)
    assert org.sign_off_required is True
    sign_out(client)
    sign_in(client, submitter)
    page = get_page(client, "/organisation/team", expected_status=403)
    assert (
        client.post("/applications/sign-off-setting", data={"csrf_token": page.csrf()}).status_code
        == 403
    )
    db.session.refresh(org)
    assert org.sign_off_required is True


def test_a_submitters_application_waits_then_an_administrator_approves_it(client):
    org, admin, submitter = _team()
    application = _prepare_and_submit(client, submitter)
    assert application.status == ApplicationStatus.DRAFT  # not at the IND yet
    step = db.session.scalars(select(SignOff)).one()
    assert step.requested_by_id == submitter.id and step.decided_at is None

    sign_in(client, admin)
    item = get_page(client, "/todo").soup.select_one('[data-kind="sign_off"]')
    assert submitter.name in item.get_text()
    assert _decide(client, application, decision="approve").status_code == 302
    db.session.refresh(application)
    assert application.status == ApplicationStatus.SUBMITTED
    assert application.submitted_by_id == admin.id
    history = get_page(client, f"/applications/{application.id}").soup.select_one(
        "#sign-off-history"
    )
    assert f"Sent for approval by {submitter.name}" in history.get_text()
    assert f"approved by {admin.name}" in history.get_text()
    assert get_page(client, "/todo").soup.select_one('[data-kind="sign_off"]') is None


def test_sent_back_with_a_reason_the_submitter_sees_it_and_asks_again(client):
    org, admin, submitter = _team()
    application = _prepare_and_submit(client, submitter)
    sign_in(client, admin)
    refused = Page(_decide(client, application, decision="return", reason=""))
    assert refused.status == 400 and refused.field_error("reason")
    assert (
        _decide(client, application, decision="return", reason="Use the new address.").status_code
        == 302
    )
    db.session.refresh(application)
    assert application.status == ApplicationStatus.DRAFT
    sign_out(client)

    sign_in(client, submitter)
    item = get_page(client, "/todo").soup.select_one('[data-kind="sign_off_returned"]')
    assert "Use the new address." in item.get_text() and admin.name in item.get_text()
    check = get_page(client, f"/applications/{application.id}/check")
    client.post(
        f"/applications/{application.id}/check",
        data={"csrf_token": check.csrf(), "declaration": "y"},
    )
    assert len(db.session.scalars(select(SignOff)).all()) == 2
    assert get_page(client, "/todo").soup.select_one('[data-kind="sign_off_returned"]') is None


def test_administrators_and_organisations_without_the_rule_submit_at_once(client):
    org, admin, _submitter = _team()
    application = _prepare_and_submit(client, admin)
    assert application.status == ApplicationStatus.SUBMITTED
    _org, _admin, submitter = _team(sign_off_required=False)
    application = _prepare_and_submit(client, submitter)
    assert application.status == ApplicationStatus.SUBMITTED
    assert db.session.scalars(select(SignOff)).first() is None


def test_only_administrators_open_the_approval(client):
    org, admin, submitter = _team()
    application = _prepare_and_submit(client, submitter)
    sign_in(client, submitter)
    assert client.get(f"/applications/{application.id}/sign-off").status_code == 403
    sign_out(client)
    sign_in(client, member())
    assert client.get(f"/applications/{application.id}/sign-off").status_code == 404


def test_a_residence_application_waits_too_and_must_be_complete_to_be_sent(client, move_today):
    from tests.support import residence

    move_today(residence.TODAY)
    admin = member(legal_name="Approvals Residence B.V.")
    residence.recognise(admin)
    org = admin.memberships[0].organisation
    org.sign_off_required = True
    submitter = UserFactory()
    MembershipFactory(user=submitter, organisation=org, role=OrgRole.SUBMITTER)
    db.session.commit()

    sign_in(client, submitter)
    incomplete = residence.start(client, "hsm_residence")
    refused = Page(residence.submit(client, incomplete))
    assert refused.status == 400 and "Complete every section" in refused.text
    assert db.session.scalars(select(SignOff)).first() is None
    tasks_url = residence.fill_in(client)
    assert residence.submit(client, tasks_url).status_code == 302
    application = db.session.scalars(select(Application).order_by(Application.id.desc())).first()
    assert application.status == ApplicationStatus.DRAFT
    sign_out(client)

    sign_in(client, admin)
    assert _decide(client, application, decision="approve").status_code == 302
    db.session.refresh(application)
    assert application.status == ApplicationStatus.SUBMITTED and application.reference
