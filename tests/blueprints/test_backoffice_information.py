"""Requesting information stops the statutory clock; the reply (receive_reply) restarts it and
moves the deadline by the days it stood still."""

import io
from datetime import timedelta

import pytest
from pypdf import PdfReader

from portal import clock
from portal.cases import lifecycle as applications
from portal.extensions import db
from portal.models import (
    Application,
    ApplicationStatus,
    AuditEvent,
    ClockSuspension,
    Letter,
    LetterKind,
    StatusEvent,
)
from tests.support.auth import staff_sign_in
from tests.support.casework import act, submit, submitted_case
from tests.support.factories import UserFactory
from tests.support.pages import Page, get_page


@pytest.fixture(autouse=True)
def english(client):
    client.get("/language/en")


def ask(client, case, message="Send the annual accounts for 2025.", days=14):
    respond_by = clock.today() + timedelta(days=days)
    return act(
        client,
        case,
        "/request-information",
        **{"request-message": message, "request-respond_by": respond_by.isoformat()},
    )


def test_request_for_information_stops_the_clock_and_sends_a_letter(client):
    case = submitted_case(days_left=30)
    reviewer = UserFactory(reviewer=True)
    staff_sign_in(client, reviewer)
    assert ask(client, case).status_code == 302

    case = db.session.get(Application, case.id)
    assert case.status == ApplicationStatus.INFORMATION_REQUESTED
    suspension = db.session.scalar(db.select(ClockSuspension))
    assert suspension.started_on == clock.today()
    assert suspension.respond_by == clock.today() + timedelta(days=14)
    letter = db.session.get(Letter, suspension.letter_id)
    assert letter.kind == LetterKind.REQUEST_FOR_INFORMATION
    assert letter.respond_by == suspension.respond_by
    text = PdfReader(io.BytesIO(letter.pdf)).pages[0].extract_text()
    assert "Send the annual accounts for 2025." in text
    assert "4:15" in text
    page = get_page(client, f"/backoffice/cases/{case.id}")
    assert "Clock stopped" in page.text
    # While the clock is stopped there is no decision form.
    assert page.soup.find("form", action=f"/backoffice/cases/{case.id}/decision") is None
    assert (
        db.session.scalar(
            db.select(AuditEvent).where(AuditEvent.action == "application.information_requested")
        ).actor_id
        == reviewer.id
    )


@pytest.mark.parametrize(
    ("message", "respond_by", "field", "error"),
    [
        ("", "+14", "request-message", "Enter what information"),
        ("Accounts", "", "request-respond_by", "Enter the date by which"),
        ("Accounts", "31-04-2026", "request-respond_by", "Enter a real date"),
        ("Accounts", "2026-02-30", "request-respond_by", "Enter a real date"),
        ("Accounts", "+2", "request-respond_by", "at least 7 days"),
        ("Accounts", "+400", "request-respond_by", "at most 90 days"),
    ],
)
def test_bad_requests_are_told_and_kept(client, message, respond_by, field, error):
    case = submitted_case()
    staff_sign_in(client, UserFactory(reviewer=True))
    if respond_by.startswith("+"):
        respond_by = (clock.today() + timedelta(days=int(respond_by[1:]))).isoformat()
    page = Page(
        act(
            client,
            case,
            "/request-information",
            **{"request-message": message, "request-respond_by": respond_by},
        )
    )
    assert page.status == 400
    assert error in page.field_error(field)
    # Kept in the three boxes: day, month, year.
    shown = "-".join(reversed(respond_by.split("-"))) if respond_by[4:5] == "-" else respond_by
    assert page.value("request-respond_by") == shown
    assert db.session.get(Application, case.id).status == ApplicationStatus.SUBMITTED


def test_the_reply_restarts_the_clock_and_moves_the_deadline(client):
    case = submitted_case(days_left=30)
    deadline = case.decision_deadline
    staff_sign_in(client, UserFactory(reviewer=True))
    ask(client, case, days=14)
    case = db.session.get(Application, case.id)
    sponsor_user = case.submitted_by

    # The sponsor answers 5 days later (through issue 6's inbox, which calls this service).
    later = clock.today() + timedelta(days=5)
    applications.receive_reply(case, sponsor_user, "Accounts attached.", today=later)
    db.session.flush()
    assert case.status == ApplicationStatus.IN_REVIEW
    assert case.decision_deadline == deadline + timedelta(days=5)
    suspension = db.session.scalar(db.select(ClockSuspension))
    assert (suspension.ended_on, suspension.suspended_days) == (later, 5)
    assert suspension.reply_text == "Accounts attached."
    last = db.session.scalar(db.select(StatusEvent).order_by(StatusEvent.id.desc()))
    assert (last.from_status, last.to_status, last.actor_id) == (
        ApplicationStatus.INFORMATION_REQUESTED,
        ApplicationStatus.IN_REVIEW,
        sponsor_user.id,
    )
    # Answering twice (double submit) is refused and changes nothing.
    with pytest.raises(applications.NotAwaitingReply):
        applications.receive_reply(case, sponsor_user, "Again", today=later)
    assert case.decision_deadline == deadline + timedelta(days=5)


def test_a_late_reply_counts_only_up_to_the_respond_by_date(client):
    case = submitted_case(days_left=30)
    deadline = case.decision_deadline
    staff_sign_in(client, UserFactory(reviewer=True))
    ask(client, case, days=10)
    case = db.session.get(Application, case.id)
    applications.receive_reply(
        case, case.submitted_by, "Sorry, late.", today=clock.today() + timedelta(days=25)
    )
    assert case.decision_deadline == deadline + timedelta(days=10)


def test_staff_resume_the_clock_for_a_reply_that_came_by_post(client):
    case = submitted_case(days_left=30)
    deadline = case.decision_deadline
    staff_sign_in(client, UserFactory(reviewer=True))
    ask(client, case)
    page = Page(act(client, case, "/resume", **{"resume-note": ""}))
    assert page.status == 400
    assert (
        act(client, case, "/resume", **{"resume-note": "Letter received by post."}).status_code
        == 302
    )
    case = db.session.get(Application, case.id)
    assert case.status == ApplicationStatus.IN_REVIEW
    assert case.decision_deadline == deadline  # same day: the clock stood still 0 days
    # The case can now be decided again.
    page = get_page(client, f"/backoffice/cases/{case.id}")
    assert page.soup.find("form", action=f"/backoffice/cases/{case.id}/decision") is not None


def test_no_request_while_a_refusal_awaits_approval(client):
    case = submitted_case()
    staff_sign_in(client, UserFactory(reviewer=True))
    stale = get_page(client, f"/backoffice/cases/{case.id}")
    act(client, case, "/decision", **{"decision-outcome": "refuse", "decision-reason": "No."})
    page = Page(
        submit(
            client,
            stale,
            "/request-information",
            follow_redirects=True,
            **{
                "request-message": "More",
                "request-respond_by": (clock.today() + timedelta(days=14)).isoformat(),
            },
        )
    )
    assert "Someone else changed this case" in page.text
    assert db.session.get(Application, case.id).status == ApplicationStatus.SUBMITTED
