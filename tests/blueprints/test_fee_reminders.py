"""A fee not paid within its term gets one reminder with a new date to pay by."""

from datetime import timedelta

from portal import clock
from portal.extensions import db
from portal.models import AuditEvent, Fee, Letter, LetterKind
from tests.support.auth import sign_in
from tests.support.factories import ApplicationFactory, member
from tests.support.pages import get_page


def test_the_reminder_goes_once_after_the_term_and_moves_the_pay_by_date(app, client, move_today):
    user = member()
    org = user.memberships[0].organisation
    case = ApplicationFactory(submitted=True, organisation=org, created_by=user, fee=False)
    paid = ApplicationFactory(submitted=True, organisation=org, created_by=user)
    fee = db.session.scalar(db.select(Fee).where(Fee.application_id == case.id))
    due = fee.due_on
    runner = app.test_cli_runner()
    move_today(due)  # the last day of the term: not yet
    assert "0 fee reminder(s) sent." in runner.invoke(args=["fees", "send-reminders"]).output
    move_today(due + timedelta(days=1))
    assert "1 fee reminder(s) sent." in runner.invoke(args=["fees", "send-reminders"]).output
    assert "0 fee reminder(s) sent." in runner.invoke(args=["fees", "send-reminders"]).output
    letter = db.session.scalars(
        db.select(Letter).where(Letter.kind == LetterKind.FEE_REMINDER)
    ).one()
    new_date = due + timedelta(days=15)
    assert letter.application_id == case.id and letter.application_id != paid.id
    body = " ".join(letter.body_text.split())
    assert f"Payment reference: {case.reference}" in body or "Betalingskenmerk" in body
    fee = db.session.get(Fee, fee.id)
    assert fee.reminded_on == due + timedelta(days=1) and fee.due_on == new_date
    assert db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "fee.reminded"))
    client.get("/language/en")
    sign_in(client, user)
    status = get_page(client, f"/applications/{case.id}").soup.select_one("#fee-status")
    assert f"pay by {new_date.day} {new_date:%B %Y}" in status.get_text(" ", strip=True)
    assert clock.today() == due + timedelta(days=1)
