"""Voluntary disclosure (issue 25, item 6): a sponsor reports its own breach of a duty; the back
office sees it as such; a warning or fine that takes it into account says so in its letter, and
each disclosure is taken into account once."""

from datetime import date

import pytest
from sqlalchemy import select

from portal import clock
from portal.extensions import db
from portal.models import AuditEvent, Disclosure, Letter, LetterKind, OrgRole
from tests.support.auth import sign_in, staff_sign_in
from tests.support.factories import MembershipFactory, UserFactory, member, recognise
from tests.support.letters import pdf_text
from tests.support.pages import Page, get_page
from tests.support.sanctions import send_sanction

TODAY = date(2026, 11, 29)


@pytest.fixture(autouse=True)
def english_on_a_fixed_day(client, monkeypatch):
    monkeypatch.setattr(clock, "today", lambda: TODAY)
    client.get("/language/en")


def sponsor():
    user = member(legal_name="Zelfmelder B.V.")
    org = user.memberships[0].organisation
    recognise(org)
    return user, org


def disclose(client, **values) -> Page:
    page = get_page(client, "/duties/disclosures")
    return Page(client.post("/duties/disclosures", data={"csrf_token": page.csrf(), **values}))


GOOD = {
    "kind": "late_report",
    "occurred_on": "2026-10-01",
    "description": "We reported the end of one employment six weeks late.",
}


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("kind", "", "Choose what happened"),
        ("occurred_on", "", "Enter the date it happened"),
        ("occurred_on", "2026-11-30", "cannot be in the future"),
        ("description", "", "Describe what happened"),
        ("description", "x" * 2001, "at most 2000 characters"),
    ],
)
def test_bad_input_is_explained_and_kept(client, field, value, message):
    user, org = sponsor()
    sign_in(client, user)
    page = disclose(client, **{**GOOD, field: value})
    assert page.status == 400
    assert message in page.soup.find(class_="error-summary").get_text()
    if field != "description":
        assert GOOD["description"] in page.text
    assert db.session.scalar(select(db.func.count()).select_from(Disclosure)) == 0


def test_only_administrators_of_the_organisation_itself_disclose(client):
    user, org = sponsor()
    submitter = MembershipFactory(organisation=org, role=OrgRole.SUBMITTER).user
    sign_in(client, submitter)
    assert client.get("/duties/disclosures").status_code == 403
    assert not get_page(client, "/duties").soup.find("a", href="/duties/disclosures")


def test_a_disclosure_is_seen_by_staff_and_mitigates_a_warning_once(client, app):
    user, org = sponsor()
    sign_in(client, user)
    assert get_page(client, "/duties").soup.find("a", href="/duties/disclosures")
    response = disclose(client, **GOOD)
    assert response.status == 302
    disclosure = db.session.scalar(select(Disclosure))
    assert (disclosure.organisation_id, disclosure.created_by_id) == (org.id, user.id)
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "disclosure.made"))

    staff = app.test_client()
    staff.get("/language/en")
    staff_sign_in(staff, UserFactory(supervisor=True))
    shown = get_page(staff, f"/backoffice/organisations/{org.id}").soup.find(id="disclosure-list")
    assert "A change reported too late" in shown.get_text()
    assert "Not yet part of a sanction" in shown.get_text()

    page = get_page(staff, f"/backoffice/organisations/{org.id}/warning")
    assert page.soup.find("input", id=f"mitigating-{disclosure.id}") is not None
    response = send_sanction(
        staff,
        f"/backoffice/organisations/{org.id}/warning",
        data={
            "csrf_token": page.csrf(),
            "category": "labour",
            "reason": "One change reported six weeks late.",
            "mitigating": str(disclosure.id),
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    db.session.refresh(disclosure)
    assert disclosure.sanction_id is not None
    letter = db.session.scalar(
        select(Letter).where(Letter.organisation_id == org.id, Letter.kind == LetterKind.WARNING)
    )
    text = " ".join(pdf_text(letter).split())
    assert "You reported this yourself." in text
    assert "We took that into account as a mitigating fact." in text

    # Taken into account once: the fine page no longer offers it.
    page = get_page(staff, f"/backoffice/organisations/{org.id}/fine")
    assert page.soup.find("input", id=f"mitigating-{disclosure.id}") is None
    # The sponsor sees that it was taken into account.
    listed = get_page(client, "/duties/disclosures").soup.find(id="disclosure-list").get_text()
    assert "taken into account as a mitigating fact" in listed


def test_a_warning_without_a_disclosure_says_nothing_of_it(client, app):
    user, org = sponsor()
    sign_in(client, user)
    disclose(client, **GOOD)
    staff = app.test_client()
    staff.get("/language/en")
    staff_sign_in(staff, UserFactory(supervisor=True))
    page = get_page(staff, f"/backoffice/organisations/{org.id}/warning")
    send_sanction(
        staff,
        f"/backoffice/organisations/{org.id}/warning",
        data={"csrf_token": page.csrf(), "category": "labour", "reason": "Something else."},
    )
    letter = db.session.scalar(select(Letter).where(Letter.kind == LetterKind.WARNING))
    assert "reported this yourself" not in pdf_text(letter)
    assert db.session.scalar(select(Disclosure)).sanction_id is None


def test_another_organisations_disclosure_cannot_be_named(client, app):
    user, org = sponsor()
    other_user = member(legal_name="Ander B.V.")
    other = other_user.memberships[0].organisation
    recognise(other)
    sign_in(client, other_user)
    disclose(client, **GOOD)
    foreign = db.session.scalar(select(Disclosure))
    staff = app.test_client()
    staff_sign_in(staff, UserFactory(supervisor=True))
    page = get_page(staff, f"/backoffice/organisations/{org.id}/warning")
    response = send_sanction(
        staff,
        f"/backoffice/organisations/{org.id}/warning",
        data={
            "csrf_token": page.csrf(),
            "category": "labour",
            "reason": "x",
            "mitigating": str(foreign.id),
        },
    )
    assert response.status_code == 400  # not a choice on this organisation's page
    db.session.refresh(foreign)
    assert foreign.sanction_id is None
