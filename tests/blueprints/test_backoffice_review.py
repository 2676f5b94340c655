"""Reviewing a recognition case (issue 7, item 3): the organisation's history on the case page,
and the recognition checklist saved with notes, audited, and guarded against stale forms."""

from datetime import date

import pytest

from portal.duties import reports
from portal.extensions import db
from portal.models import (
    ApplicationStatus,
    AuditEvent,
    Category,
    CheckItem,
    CheckOutcome,
    OrgRole,
    Recognition,
    RecognitionStatus,
    ReportKind,
    ReviewCheck,
)
from portal.oversight import sanctions
from tests.support.auth import staff_sign_in
from tests.support.casework import submit, submitted_case
from tests.support.factories import (
    ApplicationFactory,
    MandateFactory,
    MembershipFactory,
    OrganisationFactory,
    UserFactory,
    member,
)
from tests.support.pages import Page, get_page


@pytest.fixture(autouse=True)
def english(client):
    client.get("/language/en")


def test_the_case_page_shows_the_organisations_history(client):
    case = submitted_case(legal_name="History B.V.")
    org = case.organisation
    sponsor = case.created_by
    earlier = ApplicationFactory(
        organisation=org,
        category=Category.RESEARCH,
        created_by=sponsor,
        status=ApplicationStatus.GRANTED,
        submitted_at=db.func.now(),
        reference="ER-2025-000011-R",
    )
    db.session.add(
        Recognition(
            organisation_id=org.id,
            category=Category.RESEARCH,
            status=RecognitionStatus.GRANTED,
            granted_on=date(2025, 6, 1),
            application_id=earlier.id,
        )
    )
    db.session.flush()
    reviewer = UserFactory(reviewer=True)
    sanctions.record_warning(
        org, UserFactory(supervisor=True), "Two reports came late.", category=Category.RESEARCH
    )
    reports.file_report(
        org,
        sponsor,
        kind=ReportKind.DIRECTORS_CHANGED,
        event_date=date(2026, 10, 1),
        details="New director: A. de Boer.",
        person=None,
        today=date(2026, 10, 5),
    )
    db.session.commit()

    staff_sign_in(client, reviewer)
    page = get_page(client, f"/backoffice/cases/{case.id}")
    text = page.text
    assert "Research" in text and "since" in text  # the recognition in force
    assert page.soup.find("a", string="ER-2025-000011-R") is not None  # the earlier case
    assert "Two reports came late." in text  # the warning
    assert "New director: A. de Boer." in text  # the report of a change


def test_the_checklist_is_saved_with_notes_audited_and_stale_forms_change_nothing(client, app):
    case = submitted_case(legal_name="Checklist B.V.")
    reviewer = UserFactory(reviewer=True)
    db.session.commit()
    staff_sign_in(client, reviewer)
    page = get_page(client, f"/backoffice/cases/{case.id}")
    for label in (
        "Registered in the Trade Register (KvK)",
        "Continuity and solvency",
        "RVO advice",
        "Reliability of the organisation",
        "Code-of-conduct register",
    ):
        assert page.soup.find("label", string=lambda s, label=label: s and label in s), label

    response = submit(
        client,
        page,
        "/checklist",
        follow_redirects=True,
        **{
            "checklist-trade_register_outcome": "met",
            "checklist-trade_register_note": "Extract of 3 November checked.",
            "checklist-fee_paid_outcome": "met",
        },
    )
    assert "The checklist has been saved." in Page(response).text
    checks = {c.item: c for c in db.session.scalars(db.select(ReviewCheck)).all()}
    # "Fee paid" comes from the payment record: an answer posted for it is not stored.
    assert set(checks) == {CheckItem.TRADE_REGISTER}
    assert "Paid on" in page.soup.select_one("#check-fee-paid").get_text()
    assert checks[CheckItem.TRADE_REGISTER].outcome == CheckOutcome.MET
    assert checks[CheckItem.TRADE_REGISTER].note == "Extract of 3 November checked."
    assert checks[CheckItem.TRADE_REGISTER].checked_by_id == reviewer.id
    event = db.session.scalar(
        db.select(AuditEvent).where(AuditEvent.action == "application.checklist_saved")
    )
    assert event.actor_id == reviewer.id and event.target_id == case.id
    again = get_page(client, f"/backoffice/cases/{case.id}")
    assert "Extract of 3 November checked." in again.text

    # The form from before the save is stale now: told, nothing written.
    response = submit(
        client,
        page,
        "/checklist",
        follow_redirects=True,
        **{"checklist-trade_register_outcome": "not_met"},
    )
    assert "Someone else changed this case" in Page(response).text
    db.session.expire_all()
    assert db.session.get(ReviewCheck, checks[CheckItem.TRADE_REGISTER].id).outcome == (
        CheckOutcome.MET
    )


def test_a_note_too_long_is_told_and_kept(client):
    case = submitted_case()
    staff_sign_in(client, UserFactory(reviewer=True))
    page = get_page(client, f"/backoffice/cases/{case.id}")
    response = submit(client, page, "/checklist", **{"checklist-rvo_advice_note": "x" * 2001})
    assert response.status_code == 400
    assert "Enter at most 2,000 characters" in Page(response).text
    assert db.session.scalar(db.select(db.func.count(ReviewCheck.application_id))) == 0


# --- sponsor accounts (item 4): search, profile, team, mandates --------------------------------


def test_sponsor_account_is_found_and_shows_profile_team_and_mandates(client):
    owner = member(legal_name="Account Holder B.V.", kvk_number="87654321")
    org = owner.memberships[0].organisation
    MembershipFactory(organisation=org, user=UserFactory(name="Rita Reader"), role=OrgRole.READER)
    agency = OrganisationFactory(legal_name="Relocation Agency B.V.", kvk_number="11223344")
    MandateFactory(sponsor=org, intermediary=agency, categories=["labour", "research"])
    db.session.commit()
    staff_sign_in(client, UserFactory(reviewer=True))

    for query in ("holder", "8765"):
        found = get_page(client, "/backoffice/organisations", query_string={"q": query})
        assert [a.get_text() for a in found.soup.select("tbody a")] == ["Account Holder B.V."]
    page = get_page(client, f"/backoffice/organisations/{org.id}")
    assert "87654321" in page.text  # the profile
    team = page.soup.select("table tbody tr")
    rows = [row.get_text(" ", strip=True) for row in team]
    assert any("Rita Reader" in row and "Reader" in row for row in rows), rows
    assert not any(" reader" in row for row in rows)  # the label, not the stored value
    mandate = page.soup.select_one("#mandates li").get_text(" ", strip=True)
    assert "Given to Relocation Agency B.V. (11223344)" in mandate
    assert "Labour" in mandate and "Active" in mandate
    # The agency's own account shows the mandate it holds.
    page = get_page(client, f"/backoffice/organisations/{agency.id}")
    assert "Held for Account Holder B.V." in page.soup.select_one("#mandates li").get_text()
