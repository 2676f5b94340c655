"""The clock from payment: a recognition's 90 days start when the fee is paid. Until then the
case says so, the queue lists it apart with no penalty exposure, and no grant is possible;
the payment brings the "payment received — we decide by" letter and the deadline."""

from datetime import date, timedelta

import pytest

from portal.extensions import db
from portal.models import Application, ApplicationStatus, Letter, LetterKind
from tests.support.auth import sign_in, sign_out, staff_sign_in
from tests.support.casework import act, answer_checklist, submit
from tests.support.factories import UserFactory, member
from tests.support.fees import pay
from tests.support.pages import get_page

SUBMITTED = date(2026, 3, 2)


@pytest.fixture(autouse=True)
def english_on_a_fixed_day(client, move_today):
    move_today(SUBMITTED)
    client.get("/language/en")


def submit_recognition(client) -> Application:
    user = member(persons_employed=200, legal_name="Unpaid B.V.")
    sign_in(client, user)
    token = get_page(client, "/applications/recognition/new").csrf()
    check_url = client.post(
        "/applications/recognition/new", data={"csrf_token": token, "category": "labour"}
    ).headers["Location"]
    token = get_page(client, check_url).csrf()
    assert client.post(check_url, data={"csrf_token": token, "declaration": "y"}).status_code == 302
    return db.session.scalars(db.select(Application)).one()


def test_unpaid_the_period_has_not_started_nothing_is_overdue_and_no_grant(client, move_today):
    application = submit_recognition(client)
    assert application.decision_deadline is None
    page = get_page(client, f"/applications/{application.id}")
    assert "Decision period not started — waiting for payment" in page.soup.select_one(
        "#deadline"
    ).get_text(" ", strip=True)
    assert "starts when the fee has been paid" in page.soup.select_one(
        "#what-happens-next"
    ).get_text(" ", strip=True)
    sign_out(client)

    move_today(SUBMITTED + timedelta(days=200))  # long past any 90 days
    reviewer = UserFactory(reviewer=True)
    staff_sign_in(client, reviewer)
    queue = get_page(client, "/backoffice/")
    assert application.reference in queue.soup.select_one("#waiting-for-payment").get_text()
    assert "No cases match." in queue.text  # the deadline-ordered list has none
    overdue = get_page(client, "/backoffice/?due=overdue")
    assert "No cases match." in overdue.text
    case = get_page(client, f"/backoffice/cases/{application.id}")
    assert case.soup.select_one("#waiting-for-payment") is not None
    assert "Penalty exposure" not in case.text
    act(client, application, "/claim")
    answer_checklist(client, application)
    confirm = get_page(client, f"/backoffice/cases/{application.id}/grant")
    blockers = confirm.soup.select_one("#grant-blockers").get_text(" ", strip=True)
    assert "The fee has not been paid" in blockers
    assert confirm.soup.find("form", action=f"/backoffice/cases/{application.id}/grant") is None
    # Posted anyway (an old tab): refused, nothing decided.
    fresh = db.session.get(Application, application.id)
    response = client.post(
        f"/backoffice/cases/{application.id}/grant",
        data={"csrf_token": case.csrf(), "version": str(fresh.version)},
    )
    assert response.status_code in (302, 400, 409)
    assert db.session.get(Application, application.id).status == ApplicationStatus.IN_REVIEW


def test_the_payment_starts_the_clock_and_brings_the_we_decide_by_letter(client, move_today):
    application = submit_recognition(client)
    paid_on = date(2026, 3, 20)
    move_today(paid_on)
    pay(application, paid_on)
    application = db.session.get(Application, application.id)
    assert application.decision_deadline == paid_on + timedelta(days=90) == date(2026, 6, 18)
    letter = db.session.scalar(db.select(Letter).where(Letter.kind == LetterKind.PAYMENT_RECEIVED))
    body = " ".join(letter.body_text.split())
    assert "We decide by 18 June 2026 at the latest" in body
    assert "€5,080.00" in body and "20 March 2026" in body
    # The acknowledgement sent on submission stays as it was.
    acknowledgement = db.session.scalar(
        db.select(Letter).where(Letter.kind == LetterKind.ACKNOWLEDGEMENT)
    )
    assert "18 June 2026" not in acknowledgement.body_text
    page = get_page(client, f"/applications/{application.id}")
    assert "18 June 2026" in page.soup.select_one("#deadline").get_text()
    assert "Paid on 20 March 2026" in page.soup.select_one("#fee-status").get_text()
    assert page.soup.select_one("#how-to-pay") is None
    assert f"due for {application.reference}" not in get_page(client, "/todo").text

    reviewer = UserFactory(reviewer=True)
    sign_out(client)
    staff_sign_in(client, reviewer)
    queue = get_page(client, "/backoffice/")
    assert "No cases wait for payment." in queue.text
    act(client, application, "/claim")
    answer_checklist(client, application)
    confirm = get_page(client, f"/backoffice/cases/{application.id}/grant")
    assert confirm.soup.select_one("#grant-blockers") is None
    assert "Paid on 20 March 2026" in confirm.soup.select_one("#answer-fee-paid").get_text()
    assert submit(client, confirm, "/grant").status_code == 302
    assert db.session.get(Application, application.id).status == ApplicationStatus.GRANTED


def test_a_request_before_payment_stops_nothing_before_the_period_starts(client, move_today):
    application = submit_recognition(client)
    sign_out(client)
    reviewer = UserFactory(reviewer=True)
    staff_sign_in(client, reviewer)
    move_today(date(2026, 3, 5))
    response = act(
        client,
        application,
        "/request-information",
        **{
            "request-message": "Send the annual accounts.",
            "request-respond_by": "2026-04-30",
        },
    )
    assert response.status_code == 302
    pay(application, date(2026, 3, 10))  # paid while the request is open
    assert db.session.get(Application, application.id).decision_deadline == date(2026, 6, 8)
    move_today(date(2026, 3, 17))
    response = act(client, application, "/resume", **{"resume-note": "Accounts received by post."})
    assert response.status_code == 302
    # Stopped from the payment (10 March, the period's start) to the reply: 7 days, not 12.
    assert db.session.get(Application, application.id).decision_deadline == date(2026, 6, 15)
