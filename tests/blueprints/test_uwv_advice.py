"""Issue 22, item 2, through HTTP: a single-permit (GVVA) case waits for UWV's labour-market
advice — the reviewer records the request, then the advice by hand — and the decision letter
states it, in English and in Dutch. Also an ICT and a seasonal grant letter."""

from datetime import date, timedelta

import pytest

from portal import clock
from portal.extensions import db
from portal.models import (
    Application,
    ApplicationStatus,
    AuditEvent,
    Letter,
    LetterKind,
    UwvAdvice,
)
from portal.reference import work as work_reference
from tests.blueprints.test_work_permits import GVVA_JOB, LABOUR_MARKET, SEASON, TRANSFER
from tests.support.auth import sign_in, sign_out, staff_sign_in, staff_sign_out
from tests.support.casework import act, grant
from tests.support.factories import UserFactory, member
from tests.support.fees import pay
from tests.support.letters import pdf_text
from tests.support.pages import Page, get_page
from tests.support.residence import PERSON, recognise, save, start, submit, upload_required

TODAY = date(2026, 11, 29)


@pytest.fixture(autouse=True)
def english(client, monkeypatch):
    client.get("/language/en")
    monkeypatch.setattr(clock, "today", lambda: TODAY)


def submitted(client, kind: str, sections: dict, language: str = "en") -> Application:
    """A recognised sponsor files and submits `kind`; the fee's amount is set and paid."""
    user = member(preferred_language=language)
    recognise(user)
    sign_in(client, user)
    tasks_url = start(client, kind)
    person = {**PERSON, "procedure": "residence", "v_number": "12 3456 7890"}
    assert save(client, tasks_url, "person", person).status_code == 302
    for key, data in sections.items():
        assert save(client, tasks_url, key, data).status_code == 302, key
    upload_required(client, tasks_url, kind)
    assert submit(client, tasks_url).status_code == 302
    sign_out(client)
    return db.session.scalar(db.select(Application).where(Application.kind == kind))


def fee_paid(client, case) -> None:
    """No fee for these types is in the reference data: staff set it; then it is paid."""
    assert act(client, case, "/fee", **{"fee-amount": "423,00"}).status_code == 302
    pay(case)


def gvva(client, language="en") -> Application:
    case = submitted(client, "gvva", {"job": GVVA_JOB, "labour_market": LABOUR_MARKET}, language)
    staff_sign_in(client, UserFactory(reviewer=True))
    fee_paid(client, case)
    return case


def test_a_gvva_case_is_granted_only_after_uwv_advice_and_the_letter_says_so(client):
    case = gvva(client)
    page = get_page(client, f"/backoffice/cases/{case.id}")
    assert "Not requested yet" in page.soup.select_one("#uwv-advice").text
    assert "does not stop the decision clock" in page.text
    assert "not verified" in page.text
    act(client, case, "/claim")
    blockers = get_page(client, f"/backoffice/cases/{case.id}/grant")
    assert "Ask UWV for its labour-market advice first" in blockers.text

    # The request: recorded once, audited; the deadline does not move (reference data).
    deadline = db.session.get(Application, case.id).decision_deadline
    assert (
        act(
            client, case, "/uwv-advice/request", **{"uwv-request-note": "Sent by e-mail"}
        ).status_code
        == 302
    )
    advice = db.session.scalar(db.select(UwvAdvice))
    assert advice.requested_on == TODAY and not advice.suspends_clock
    page = get_page(client, f"/backoffice/cases/{case.id}")
    assert "waiting for UWV" in page.soup.select_one("#uwv-advice").text
    assert page.soup.find(id="request-uwv-advice") is None
    assert (
        "UWV's advice has not been recorded yet"
        in get_page(client, f"/backoffice/cases/{case.id}/grant").text
    )

    # Recording: a date before the request or in the future is refused next to the field.
    for wrong, message in (
        ("28-11-2026", "before it was requested"),
        ("30-11-2026", "cannot be in the future"),
    ):
        refused = Page(
            act(
                client,
                case,
                "/uwv-advice/record",
                **{
                    "uwv-record-outcome": "positive",
                    "uwv-record-received_on": wrong,
                    "uwv-record-text": "No priority candidates available",
                },
            )
        )
        assert refused.status == 400
        assert message in refused.field_error("uwv-record-received_on")
    recorded = act(
        client,
        case,
        "/uwv-advice/record",
        **{
            "uwv-record-outcome": "positive",
            "uwv-record-received_on": "29-11-2026",
            "uwv-record-text": "No priority candidates available",
        },
    )
    assert recorded.status_code == 302
    case = db.session.get(Application, case.id)
    assert case.decision_deadline == deadline
    # The sponsor reads it under "what happens next".
    sponsor = case.created_by
    staff_sign_out(client)
    sign_in(client, sponsor)
    mine = get_page(client, f"/applications/{case.id}").text
    assert "UWV's advice on the labour market arrived on 29 November 2026" in mine
    sign_out(client)
    staff_sign_in(client, case.assigned_to)
    actions = set(db.session.scalars(db.select(AuditEvent.action)))
    assert {"application.uwv_advice_requested", "application.uwv_advice_recorded"} <= actions
    assert "Positive" in get_page(client, f"/backoffice/cases/{case.id}").text

    assert grant(client, case).status_code == 302
    case = db.session.get(Application, case.id)
    assert case.status == ApplicationStatus.GRANTED
    letter = db.session.scalar(
        db.select(Letter).where(Letter.kind == LetterKind.RESIDENCE_DECISION)
    )
    text = " ".join(pdf_text(letter).split())
    assert "single permit for residence and paid employment (GVVA)" in text
    assert "Advice of UWV" in text and "No priority candidates available" in text
    assert "The decision follows this advice" in text


def test_the_dutch_decision_letter_states_a_negative_advice(client):
    case = gvva(client, language="nl")
    act(client, case, "/claim")
    act(client, case, "/uwv-advice/request")
    act(
        client,
        case,
        "/uwv-advice/record",
        **{
            "uwv-record-outcome": "negative",
            "uwv-record-received_on": "29-11-2026",
            "uwv-record-text": "Voldoende aanbod op de arbeidsmarkt",
        },
    )
    assert grant(client, case).status_code == 302
    letter = db.session.scalar(
        db.select(Letter).where(Letter.kind == LetterKind.RESIDENCE_DECISION)
    )
    text = " ".join(pdf_text(letter).split())
    assert "gecombineerde vergunning voor verblijf en arbeid" in text
    assert "Advies van UWV" in text and "negatief" in text
    assert "anders besloten dan dit advies" in text


def test_when_reference_data_says_the_request_stops_the_clock_the_deadline_moves(
    client, monkeypatch
):
    rules = work_reference.UwvAdviceRules(True, 35, False, "test")
    monkeypatch.setattr(work_reference, "uwv_advice", lambda on: rules)
    case = gvva(client)
    deadline = db.session.get(Application, case.id).decision_deadline
    act(client, case, "/uwv-advice/request")
    summary = get_page(client, f"/backoffice/cases/{case.id}").soup.select_one("#uwv-advice").text
    assert "The clock stands still until the advice is recorded" in summary
    later = TODAY + timedelta(days=10)
    monkeypatch.setattr(clock, "today", lambda: later)
    act(
        client,
        case,
        "/uwv-advice/record",
        **{
            "uwv-record-outcome": "positive",
            "uwv-record-received_on": "09-12-2026",
            "uwv-record-text": "Positive",
        },
    )
    case = db.session.get(Application, case.id)
    assert case.decision_deadline == deadline + timedelta(days=10)
    assert "the deadline moved by 10 days" in get_page(client, f"/backoffice/cases/{case.id}").text


def test_other_kinds_have_no_uwv_step(client):
    case = submitted(client, "ict", {"transfer": TRANSFER, "mobility": {"mobility": "none"}})
    staff_sign_in(client, UserFactory(reviewer=True))
    page = get_page(client, f"/backoffice/cases/{case.id}")
    assert page.soup.find(id="uwv-advice") is None
    # The ICT's own checklist (reference data review_checklist).
    assert "Group relationship proven; the group company is established outside the EU" in page.text
    assert "Transfer period within the maximum for the role" in page.text
    token = page.csrf()
    response = client.post(
        f"/backoffice/cases/{case.id}/uwv-advice/request",
        data={"csrf_token": token, "uwv-request-version": str(case.version)},
    )
    assert response.status_code == 302
    assert db.session.scalar(db.select(UwvAdvice)) is None


@pytest.mark.parametrize(
    ("kind", "sections", "says"),
    [
        (
            "ict",
            {
                "transfer": TRANSFER,
                "mobility": {
                    "mobility": "short_term",
                    "mobility_country": "BE",
                    "mobility_days": "30",
                },
            },
            ("intra-corporate transfer (Directive 2014/66/EU) as a specialist", "notification"),
        ),
        ("seasonal_work", {"season": SEASON}, ("seasonal work (Directive 2014/36/EU)",)),
    ],
)
def test_ict_and_seasonal_grant_letters(client, kind, sections, says):
    case = submitted(client, kind, sections)
    staff_sign_in(client, UserFactory(reviewer=True))
    fee_paid(client, case)
    assert grant(client, case).status_code == 302
    letter = db.session.scalar(
        db.select(Letter).where(Letter.kind == LetterKind.RESIDENCE_DECISION)
    )
    text = " ".join(pdf_text(letter).split())
    for phrase in says:
        assert phrase in text
    assert case.reference[:2] in ("IC", "SW")
