"""Intended decisions and the sponsor's response (Awb 4:8) through HTTP: a fine is refused
without one and while its term runs (up to and including the respond-by date); the sponsor
responds from the letter with a message and a document; staff see the response; the fine can
then be imposed and its letter refers to the response. The day after the term it can be
imposed without one, and the letter says so. An intended refusal works the same on a case."""

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from portal import clock, reference
from portal.extensions import db
from portal.models import (
    Category,
    IntendedDecision,
    IntendedKind,
    Letter,
    LetterKind,
    Sanction,
    SanctionKind,
)
from tests.support.auth import sign_in, sign_out, staff_sign_in, staff_sign_out
from tests.support.casework import act, submitted_case
from tests.support.factories import UserFactory, member, recognise
from tests.support.pages import Page, get_page
from tests.support.sanctions import send_sanction

TODAY = date(2026, 11, 2)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def english_on_a_fixed_day(client, move_today):
    move_today(TODAY)
    client.get("/language/en")


def _respond_by() -> date:
    return TODAY + timedelta(days=reference.intended_decision_response(TODAY).days)


def _sponsor():
    user = member(legal_name="Kanaal & Zonen B.V.")
    org = user.memberships[0].organisation
    recognise(org, Category.LABOUR)
    return user, org


def _send_intended_fine(client, org, grounds="Six reports were filed late."):
    page = get_page(client, f"/backoffice/organisations/{org.id}/intended-decision")
    return client.post(
        f"/backoffice/organisations/{org.id}/intended-decision",
        data={"csrf_token": page.csrf(), "kind": "fine", "category": "", "grounds": grounds},
    )


def _fine(client, org):
    """The fine as the back office sends it: previewed, then sent (tests/support/sanctions.py)."""
    page = get_page(client, f"/backoffice/organisations/{org.id}/fine")
    return send_sanction(
        client,
        f"/backoffice/organisations/{org.id}/fine",
        {"csrf_token": page.csrf(), "category": "", "amount": "8250", "reason": "Late."},
        follow_redirects=True,
    )


def _fines(org) -> int:
    return db.session.scalar(
        select(func.count()).where(
            Sanction.organisation_id == org.id, Sanction.kind == SanctionKind.FINE
        )
    )


def _respond(client, letter, message):
    page = get_page(client, f"/inbox/{letter.id}")
    return client.post(
        f"/inbox/{letter.id}/reply",
        data={
            "csrf_token": page.csrf(),
            "message": message,
            "documents": [(__import__("io").BytesIO(PDF), "payroll.pdf")],
        },
        content_type="multipart/form-data",
    )


def test_a_fine_needs_an_intended_decision_then_a_response_and_refers_to_it(client, move_today):
    sponsor, org = _sponsor()
    staff_sign_in(client, UserFactory(reviewer=True))
    refused = _fine(client, org)
    assert "Send the organisation the intended decision first" in refused.get_data(as_text=True)
    assert _fines(org) == 0

    assert _send_intended_fine(client, org).status_code == 302
    intended = db.session.scalars(select(IntendedDecision)).one()
    assert intended.respond_by == _respond_by()
    letter = db.session.get(Letter, intended.letter_id)
    assert letter.kind == LetterKind.INTENDED_DECISION and letter.respond_by == _respond_by()
    # The term runs: no fine yet.
    assert "may still respond" in _fine(client, org).get_data(as_text=True)
    assert _fines(org) == 0
    staff_sign_out(client)

    # The sponsor sees it to answer, and responds from the letter.
    sign_in(client, sponsor)
    todo = get_page(client, "/todo").text
    assert "Answer: Intended decision" in todo
    response = _respond(client, letter, "The reports were late because of a system outage.")
    assert response.status_code == 302
    assert "Answer: Intended decision" not in get_page(client, "/todo").text
    sign_out(client)

    # Staff see the response and its document; the fine is possible now and refers to it.
    move_today(TODAY + timedelta(days=3))
    staff_sign_in(client, UserFactory(reviewer=True))
    account = get_page(client, f"/backoffice/organisations/{org.id}")
    cell = account.soup.select_one(".intended-response").get_text(" ", strip=True)
    assert "system outage" in cell and "payroll.pdf" in cell
    _fine(client, org)
    assert _fines(org) == 1
    fine = db.session.scalars(select(Sanction)).one()
    assert db.session.get(IntendedDecision, intended.id).sanction_id == fine.id
    fine_letter = db.session.scalars(select(Letter).where(Letter.kind == LetterKind.FINE)).one()
    text = " ".join(fine_letter.body_text.split())
    assert "You responded on" in text and "did not respond" not in text
    assert "system outage" in text and letter.reference in text


@pytest.mark.parametrize(("days_after_term", "fined"), [(0, False), (1, True)])
def test_without_a_response_the_fine_waits_until_the_term_has_ended(
    client, move_today, days_after_term, fined
):
    _user, org = _sponsor()
    staff_sign_in(client, UserFactory(reviewer=True))
    assert _send_intended_fine(client, org).status_code == 302
    move_today(_respond_by() + timedelta(days=days_after_term))
    _fine(client, org)
    assert _fines(org) == (1 if fined else 0)
    if fined:
        fine_letter = db.session.scalars(select(Letter).where(Letter.kind == LetterKind.FINE)).one()
        assert "You did not respond within that term" in " ".join(fine_letter.body_text.split())


def test_a_suspension_needs_its_own_intended_decision_for_the_category(client, move_today):
    _user, org = _sponsor()
    staff_sign_in(client, UserFactory(supervisor=True))
    assert _send_intended_fine(client, org).status_code == 302
    move_today(_respond_by() + timedelta(days=1))
    url = f"/backoffice/organisations/{org.id}/recognitions/labour/suspend"
    page = get_page(client, url)
    state = page.soup.find("input", attrs={"name": "state"})["value"]
    response = client.post(
        url,
        data={"csrf_token": page.csrf(), "state": state, "reason": "Late."},
        follow_redirects=True,
    )
    assert "Send the organisation the intended decision first" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Sanction)) == 0


def test_reviewers_may_intend_a_fine_only_and_bad_input_is_kept(client):
    _user, org = _sponsor()
    staff_sign_in(client, UserFactory(reviewer=True))
    page = get_page(client, f"/backoffice/organisations/{org.id}/intended-decision")
    options = [o["value"] for o in page.soup.select("#kind option")]
    assert options == ["fine"]
    response = client.post(
        f"/backoffice/organisations/{org.id}/intended-decision",
        data={"csrf_token": page.csrf(), "kind": "suspension", "category": "", "grounds": "X"},
    )
    assert response.status_code == 400
    staff_sign_out(client)
    staff_sign_in(client, UserFactory(supervisor=True))
    page = get_page(client, f"/backoffice/organisations/{org.id}/intended-decision")
    refused = Page(
        client.post(
            f"/backoffice/organisations/{org.id}/intended-decision",
            data={
                "csrf_token": page.csrf(),
                "kind": "suspension",
                "category": "",
                "grounds": "Late reports.",
            },
        )
    )
    assert refused.status == 400
    assert refused.field_error("category")
    assert "Late reports." in refused.text
    assert db.session.scalar(select(func.count()).select_from(IntendedDecision)) == 0


def test_an_intended_refusal_on_a_case_the_response_and_the_refusal_letter(client, move_today):
    case = submitted_case(days_left=40)
    reviewer = UserFactory(reviewer=True)
    staff_sign_in(client, reviewer)
    act(client, case, "/claim")
    response = act(
        client,
        case,
        "/intended-refusal",
        **{"intended-grounds": "The organisation does not show continuity."},
    )
    assert response.status_code == 302
    intended = db.session.scalars(select(IntendedDecision)).one()
    assert intended.kind == IntendedKind.REFUSAL and intended.application_id == case.id
    letter = db.session.get(Letter, intended.letter_id)
    staff_sign_out(client)

    sign_in(client, case.created_by)
    assert _respond(client, letter, "Our annual accounts show a profit.").status_code == 302
    sign_out(client)

    staff_sign_in(client, reviewer)
    page = get_page(client, f"/backoffice/cases/{case.id}")
    assert "annual accounts show a profit" in page.soup.select_one(".intended-response").get_text()
    act(client, case, "/decision", **{"decision-reason": "No continuity."})
    staff_sign_out(client)
    staff_sign_in(client, UserFactory(reviewer=True))
    act(client, case, "/refusal", **{"refusal-verdict": "approve"})
    refusal = db.session.scalars(
        select(Letter).where(Letter.kind == LetterKind.RECOGNITION_REFUSED)
    ).one()
    text = " ".join(refusal.body_text.split())
    assert "Our annual accounts show a profit." in text and letter.reference in text
    assert clock.today() == TODAY
