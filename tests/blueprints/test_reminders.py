"""`flask reminders send`: extension reminders and overdue-report reminders, once per permit."""

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.models import Letter, LetterKind, ReminderSent
from tests.support.auth import sign_in
from tests.support.duties import clock_moment, employer, permit
from tests.support.factories import ApplicationFactory
from tests.support.letters import pdf_text
from tests.support.pages import get_page

TODAY = date(2027, 3, 10)


@pytest.fixture
def today(move_today):
    move_today(TODAY)
    return move_today


def send(app) -> str:
    result = app.test_cli_runner().invoke(args=["reminders", "send"])
    assert result.exit_code == 0, result.output
    return result.output


def letters(organisation, kind):
    return db.session.scalars(
        select(Letter).where(Letter.organisation_id == organisation.id, Letter.kind == kind)
    ).all()


def test_extension_reminder_once_per_permit_in_its_window(app, client, today):
    user, organisation = employer()
    due = permit(organisation, date(2027, 4, 1), "Due", v_number="1234567890")
    permit(organisation, date(2028, 5, 1), "Later")  # window not open yet
    applied = permit(organisation, date(2027, 5, 1), "Applied")
    ApplicationFactory(
        organisation=organisation,
        person_id=applied.person_id,
        created_by=user,
        status="submitted",
        submitted_at=clock_moment(date(2027, 3, 5)),
    )
    db.session.commit()

    assert "Sent 1 extension reminder(s) and 0 overdue-report reminder(s)." in send(app)
    (letter,) = letters(organisation, LetterKind.EXTENSION_REMINDER)
    assert letter.person_name == due.person.full_name and letter.v_number == "1234567890"
    text = pdf_text(letter)
    assert "1 April 2027" in text and due.person.full_name in text
    # Again, the next day: nothing twice.
    today(TODAY + timedelta(days=1))
    assert "Sent 0 extension reminder(s)" in send(app)
    assert len(letters(organisation, LetterKind.EXTENSION_REMINDER)) == 1
    # The sponsor finds it in the inbox.
    client.get("/language/en")
    sign_in(client, user)
    assert letter.subject in get_page(client, "/inbox").text


def test_overdue_report_reminder_after_expiry_and_the_reporting_period(app, today):
    _user, organisation = employer(preferred_language="nl")
    expired = permit(organisation, date(2027, 2, 1), "Verlopen", v_number="2345678901")
    db.session.commit()
    # 1 Feb + 4 weeks = 1 Mar: on 1 Mar the report is not late yet.
    today(date(2027, 3, 1))
    assert "0 overdue-report reminder(s)" in send(app)
    today(date(2027, 3, 2))
    assert "1 overdue-report reminder(s)" in send(app)
    (letter,) = letters(organisation, LetterKind.REMINDER_OVERDUE_REPORT)
    assert letter.language == "nl" and letter.v_number == "2345678901"
    text = pdf_text(letter)
    assert "verlopen zonder verlenging" in text
    assert "1 februari 2027" in text and "1 maart 2027" in text
    assert expired.person.full_name in text
    assert "0 overdue-report reminder(s)" in send(app)
    assert db.session.scalar(select(db.func.count(ReminderSent.id))) == 1


def test_no_overdue_reminder_when_the_end_of_the_stay_was_reported(app, today):
    from portal.duties import reports
    from portal.models import ReportKind

    user, organisation = employer()
    left = permit(organisation, date(2027, 1, 1), "Left")
    reports.file_report(
        organisation,
        user,
        kind=ReportKind.LEFT_NETHERLANDS,
        event_date=date(2026, 12, 20),
        details="",
        person=left.person,
        today=date(2026, 12, 21),
    )
    db.session.commit()
    assert "Sent 0 extension reminder(s) and 0 overdue-report reminder(s)." in send(app)


def test_a_reminder_sent_by_the_command_is_announced_by_e_mail(app, today, smtp_server):
    user, organisation = employer()  # an administrator: immediate notices by default
    permit(organisation, date(2027, 4, 1), "Mailed", v_number="3456789012")
    db.session.commit()
    send(app)
    assert sorted(m["To"] for m in smtp_server.messages) == sorted([user.email, organisation.email])
    (letter,) = letters(organisation, LetterKind.EXTENSION_REMINDER)
    for message in smtp_server.messages:
        body = message.get_content()
        assert "open the inbox" in body and f"/inbox/{letter.id}" not in body  # no link
        assert "3456789012" not in body  # never the letter's content
