"""The back office: staff only, second factor, decisions with letters, no double decisions."""

import io
from datetime import timedelta

import pyotp
import pytest
from pypdf import PdfReader

from portal import clock
from portal.blueprints.backoffice import OPEN_ENDPOINTS
from portal.extensions import db
from portal.models import (
    Application,
    ApplicationStatus,
    AuditEvent,
    Letter,
    LetterKind,
    Recognition,
    RecognitionStatus,
)
from tests.support.auth import sign_in, staff_sign_in
from tests.support.casework import act, grant, submit, submitted_case
from tests.support.factories import PASSWORD, ApplicationFactory, UserFactory, member
from tests.support.pages import Page, get_page


@pytest.fixture(autouse=True)
def english(client):
    client.get("/language/en")


def _backoffice_rules(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("backoffice.") and rule.endpoint not in OPEN_ENDPOINTS:
            url = rule.rule
            for argument in rule.arguments:
                url = url.replace(f"<int:{argument}>", "1").replace(f"<{argument}>", "1")
            yield rule, url


def test_sponsor_users_never_reach_the_back_office(app, client):
    case = submitted_case()
    sign_in(client, member())
    token = get_page(client, "/dashboard").csrf()
    checked = 0
    for rule, url in _backoffice_rules(app):
        url = url.replace("/1", f"/{case.id}")
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            response = client.open(url, method=method, data={"csrf_token": token})
            assert response.status_code in (403, 404), (method, url, response.status_code)
            checked += 1
    assert checked >= 15
    assert db.session.get(Application, case.id).status == ApplicationStatus.SUBMITTED


def test_strangers_are_sent_to_the_staff_sign_in(client):
    response = client.get("/backoffice/")
    assert response.status_code == 302
    assert "/backoffice/sign-in" in response.headers["Location"]


def test_staff_sign_in_needs_the_second_factor(client):
    staff = UserFactory(reviewer=True)
    token = get_page(client, "/backoffice/sign-in").csrf()
    client.post(
        "/backoffice/sign-in",
        data={"csrf_token": token, "email": staff.email, "password": PASSWORD},
    )
    # Password alone does not give access.
    assert client.get("/backoffice/").status_code == 302
    token = get_page(client, "/backoffice/sign-in/code").csrf()
    wrong = str((int(pyotp.TOTP(staff.totp_secret).now()) + 500000) % 1000000).zfill(6)
    page = Page(client.post("/backoffice/sign-in/code", data={"csrf_token": token, "code": wrong}))
    assert page.status == 400
    assert "The code is not right" in page.field_error("code")
    page = Page(client.post("/backoffice/sign-in/code", data={"csrf_token": token, "code": "12"}))
    assert "6-digit code" in page.field_error("code")
    assert client.get("/backoffice/").status_code == 302


def test_sponsor_accounts_cannot_use_the_staff_sign_in(client):
    user = member()
    token = get_page(client, "/backoffice/sign-in").csrf()
    response = client.post(
        "/backoffice/sign-in",
        data={"csrf_token": token, "email": user.email, "password": PASSWORD},
    )
    assert response.status_code == 400


def test_queue_is_ordered_by_deadline_with_days_left(client):
    later = submitted_case(legal_name="Later B.V.")
    sooner = submitted_case(legal_name="Sooner B.V.")
    sooner.decision_deadline = clock.today() + timedelta(days=3)
    overdue = submitted_case(legal_name="Overdue B.V.")
    overdue.decision_deadline = clock.today() - timedelta(days=2)
    db.session.flush()
    staff_sign_in(client, UserFactory(reviewer=True))
    rows = get_page(client, "/backoffice/").soup.select("tbody tr")
    names = [row.find_all("td")[1].get_text(strip=True) for row in rows]
    assert names == ["Overdue B.V.", "Sooner B.V.", "Later B.V."]
    assert "2 days overdue" in rows[0].get_text()
    assert "3 days left" in rows[1].get_text()
    assert later.reference in rows[2].get_text()


def test_viewing_a_case_is_audited(client):
    case = submitted_case()
    staff = UserFactory(reviewer=True)
    staff_sign_in(client, staff)
    get_page(client, f"/backoffice/cases/{case.id}")
    event = db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "staff.case.viewed"))
    assert (event.actor_id, event.target_id) == (staff.id, case.id)


def test_refusal_needs_a_reason_and_a_second_reviewer_then_issues_the_letter(client, app):
    case = submitted_case(legal_name="Refused B.V.")
    first = UserFactory(reviewer=True)
    staff_sign_in(client, first)
    page = Page(act(client, case, "/decision"))
    assert page.status == 400
    assert "Enter the reason for the refusal" in page.field_error("decision-reason")
    assert db.session.get(Application, case.id).status == ApplicationStatus.SUBMITTED

    reason = "The organisation is not solvent."
    response = act(client, case, "/decision", **{"decision-reason": reason})
    assert response.status_code == 302
    case = db.session.get(Application, case.id)
    # Proposed, not refused: no letter yet.
    assert case.status == ApplicationStatus.SUBMITTED
    assert case.refusal_proposed_by_id == first.id
    assert db.session.scalar(db.select(Letter).where(Letter.application_id == case.id)) is None

    # The proposer cannot approve their own refusal.
    page = Page(
        act(client, case, "/refusal", follow_redirects=True, **{"refusal-verdict": "approve"})
    )
    assert "another reviewer must approve it" in page.text
    assert db.session.get(Application, case.id).status == ApplicationStatus.SUBMITTED

    second = app.test_client()
    second.get("/language/en")
    approver = UserFactory(reviewer=True)
    staff_sign_in(second, approver)
    assert act(second, case, "/refusal", **{"refusal-verdict": "approve"}).status_code == 302
    case = db.session.get(Application, case.id)
    assert case.status == ApplicationStatus.REFUSED
    assert case.decided_by_id == approver.id
    assert db.session.scalar(db.select(Recognition)) is None
    letter = db.session.scalar(db.select(Letter).where(Letter.application_id == case.id))
    assert letter.kind == LetterKind.RECOGNITION_REFUSED
    text = PdfReader(io.BytesIO(letter.pdf)).pages[0].extract_text()
    assert reason in text
    assert "within 6 weeks" in text


def test_a_case_is_decided_once(client, app):
    case = submitted_case()
    staff_sign_in(client, UserFactory(reviewer=True))
    other = app.test_client()
    other.get("/language/en")
    staff_sign_in(other, UserFactory(reviewer=True))
    # Both have the case open; the first grants.
    stale_page = get_page(other, f"/backoffice/cases/{case.id}")
    assert grant(client, case).status_code == 302
    # The second, with the form they loaded before, proposes a refusal: told, nothing changed.
    response = submit(
        other,
        stale_page,
        "/decision",
        follow_redirects=True,
        **{"decision-reason": "Too late"},
    )
    assert "already been decided" in response.get_data(as_text=True)
    case = db.session.get(Application, case.id)
    assert case.status == ApplicationStatus.GRANTED
    assert case.refusal_proposed_by_id is None
    recognition = db.session.scalar(db.select(Recognition))
    assert recognition.status == RecognitionStatus.GRANTED
    kinds = db.session.scalars(db.select(Letter.kind).where(Letter.application_id == case.id))
    assert list(kinds) == [LetterKind.RECOGNITION_GRANTED]


def test_drafts_are_not_visible_to_staff(client):
    draft = ApplicationFactory(status=ApplicationStatus.DRAFT)
    staff_sign_in(client, UserFactory(reviewer=True))
    assert client.get(f"/backoffice/cases/{draft.id}").status_code == 404
    assert client.get("/backoffice/cases/999999").status_code == 404
