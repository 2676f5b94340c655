"""Withdrawing a submitted application: a confirmation step, the confirming letter, and the
race with a reviewer's decision (compare-and-set: the first to commit wins, the other is told)."""

import pytest
from sqlalchemy import select, update

from portal.cases import withdrawal
from portal.extensions import db
from portal.models import (
    Application,
    ApplicationKind,
    ApplicationStatus,
    AuditEvent,
    Category,
    Letter,
    LetterKind,
    OrgRole,
    Recognition,
    StatusEvent,
)
from tests.support.auth import sign_in, sign_out, staff_sign_in
from tests.support.casework import answer_checklist, grant, submit, submitted_case
from tests.support.factories import ApplicationFactory, PersonFactory, UserFactory, member
from tests.support.letters import pdf_text
from tests.support.pages import Page, get_page


@pytest.fixture(autouse=True)
def english(client):
    client.get("/language/en")


def _withdrawal_letters(case):
    return db.session.scalars(
        select(Letter).where(
            Letter.application_id == case.id, Letter.kind == LetterKind.APPLICATION_WITHDRAWN
        )
    ).all()


def _confirm(client, case, page=None, **values):
    page = page or get_page(client, f"/applications/{case.id}/withdraw")
    data = {"csrf_token": page.csrf(), "confirm": "y", **values}
    return client.post(f"/applications/{case.id}/withdraw", data=data)


def _flash(client, url) -> str:
    page = get_page(client, url)
    return " ".join(n.get_text(" ", strip=True) for n in page.soup.select(".notice"))


def test_the_sponsor_withdraws_after_confirming_and_gets_a_letter(client):
    case = submitted_case()
    sign_in(client, case.created_by)
    show = get_page(client, f"/applications/{case.id}")
    link = show.soup.find("a", id="withdraw-link")
    assert link["href"] == f"/applications/{case.id}/withdraw"
    page = get_page(client, link["href"])
    assert "will not decide" in page.text and "letter" in page.text
    # Without the confirmation: 400, a message next to the box, nothing withdrawn.
    refused = Page(client.post(link["href"], data={"csrf_token": page.csrf()}))
    assert refused.status == 400
    assert "Confirm that you want to withdraw" in refused.field_error("confirm")
    assert db.session.get(Application, case.id).status == ApplicationStatus.SUBMITTED
    response = _confirm(client, case, page)
    assert response.status_code == 302
    fresh = db.session.get(Application, case.id)
    assert fresh.status == ApplicationStatus.WITHDRAWN
    assert fresh.decided_at is None  # a withdrawal is not a decision
    event = db.session.scalars(
        select(StatusEvent).where(StatusEvent.application_id == case.id).order_by(StatusEvent.id)
    ).all()[-1]
    assert (event.from_status, event.to_status) == (
        ApplicationStatus.SUBMITTED,
        ApplicationStatus.WITHDRAWN,
    )
    [letter] = _withdrawal_letters(case)
    assert case.reference in pdf_text(letter)
    assert (
        db.session.scalar(select(AuditEvent).where(AuditEvent.action == "application.withdrawn"))
        is not None
    )
    assert "is withdrawn" in _flash(client, f"/applications/{case.id}")
    # The case page offers no second withdrawal; a replayed POST changes nothing.
    assert get_page(client, f"/applications/{case.id}").soup.find(id="withdraw-link") is None
    again = client.post(
        f"/applications/{case.id}/withdraw", data={"csrf_token": page.csrf(), "confirm": "y"}
    )
    assert again.status_code == 302
    assert len(_withdrawal_letters(case)) == 1


def test_a_residence_withdrawal_letter_names_the_person(client):
    user = member()
    org = user.memberships[0].organisation
    person = PersonFactory(organisation=org, given_names="Aiko", surname="Tanaka")
    case = ApplicationFactory(
        submitted=True,
        organisation=org,
        created_by=user,
        kind=ApplicationKind.HSM_RESIDENCE,
        category=Category.LABOUR,
        person_id=person.id,
        snapshot={"answers": {"person": {"given_names": "Aiko", "surname": "Tanaka"}}},
    )
    sign_in(client, user)
    assert _confirm(client, case).status_code == 302
    [letter] = _withdrawal_letters(case)
    assert "Aiko Tanaka" in pdf_text(letter)
    assert letter.person_name == "Aiko Tanaka"


def test_a_decision_first_wins_and_the_sponsor_is_told(app, client):
    case = submitted_case()
    sign_in(client, case.created_by)
    page = get_page(client, f"/applications/{case.id}/withdraw")  # the sponsor hesitates…
    staff = app.test_client()
    staff.get("/language/en")
    staff_sign_in(staff, UserFactory(reviewer=True))
    assert grant(staff, case).status_code == 302  # …the reviewer grants first
    response = _confirm(client, case, page)
    assert response.status_code == 302
    assert "decided on this application before your withdrawal" in _flash(
        client, response.headers["Location"]
    )
    assert db.session.get(Application, case.id).status == ApplicationStatus.GRANTED
    assert _withdrawal_letters(case) == []


def test_a_withdrawal_first_wins_and_the_reviewer_is_told(app, client):
    case = submitted_case()
    staff = app.test_client()
    staff.get("/language/en")
    staff_sign_in(staff, UserFactory(reviewer=True))
    page = get_page(staff, f"/backoffice/cases/{case.id}")
    assert submit(staff, page, "/claim").status_code == 302
    assert answer_checklist(staff, case).status_code == 302
    confirm = get_page(staff, f"/backoffice/cases/{case.id}/grant")  # the reviewer hesitates…
    sign_in(client, case.created_by)
    assert _confirm(client, case).status_code == 302  # …the sponsor withdraws first
    response = submit(staff, confirm, "/grant")
    assert response.status_code == 302
    told = _flash(staff, f"/backoffice/cases/{case.id}")
    assert "The sponsor has withdrawn this application" in told
    assert db.session.get(Application, case.id).status == ApplicationStatus.WITHDRAWN
    assert db.session.scalar(select(Recognition)) is None


def test_the_compare_and_set_refuses_a_case_decided_after_it_was_loaded(app):
    """The guarded UPDATE itself: loaded while open, decided by someone else before the
    withdrawal's UPDATE runs — nothing is written."""
    case = submitted_case()
    user = case.created_by
    with app.test_request_context():
        application = db.session.get(Application, case.id)
        assert application.status == ApplicationStatus.SUBMITTED
        db.session.execute(
            update(Application)
            .where(Application.id == case.id)
            .values(status=ApplicationStatus.GRANTED, version=Application.version + 1)
            .execution_options(synchronize_session=False)
        )
        with pytest.raises(withdrawal.NotWithdrawable):
            withdrawal.withdraw(application, user)
        assert application.status == ApplicationStatus.GRANTED
        assert _withdrawal_letters(case) == []


def test_drafts_others_and_readers(client):
    case = submitted_case()
    draft = ApplicationFactory(organisation=case.organisation, created_by=case.created_by)
    sign_in(client, case.created_by)
    response = client.get(f"/applications/{draft.id}/withdraw")
    assert response.status_code == 302
    other = submitted_case()
    assert client.get(f"/applications/{other.id}/withdraw").status_code == 404
    reader = member(OrgRole.READER)
    sign_out(client)
    sign_in(client, reader)
    mine = ApplicationFactory(
        submitted=True, organisation=reader.memberships[0].organisation, created_by=reader
    )
    assert client.get(f"/applications/{mine.id}/withdraw").status_code == 403
    assert get_page(client, f"/applications/{mine.id}").soup.find(id="withdraw-link") is None
