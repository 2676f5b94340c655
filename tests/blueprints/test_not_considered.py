"""An unpaid fee after the reminder's term: the reviewer sets the application aside as "not
considered" (buiten behandeling) — a decision through the same transition rules as every
other, with its own letter and objection clause (issue 17, item 5)."""

import re
from datetime import timedelta

import pytest

from portal.extensions import db
from portal.fees import reconcile
from portal.models import (
    Application,
    ApplicationStatus,
    AuditEvent,
    EntryOutcome,
    Fee,
    Letter,
    LetterKind,
    StatementEntry,
    StatusEvent,
)
from tests.support.auth import sign_in, staff_sign_in, staff_sign_out
from tests.support.factories import ApplicationFactory, UserFactory, member
from tests.support.pages import get_page


@pytest.fixture(autouse=True)
def english(client):
    client.get("/language/en")


def reminded_case(app, move_today):
    """A submitted case whose fee went unpaid and was reminded; returns (case, fee, user)."""
    user = member()
    org = user.memberships[0].organisation
    case = ApplicationFactory(submitted=True, organisation=org, created_by=user, fee=False)
    fee = db.session.scalar(db.select(Fee).where(Fee.application_id == case.id))
    move_today(fee.due_on + timedelta(days=1))
    app.test_cli_runner().invoke(args=["fees", "send-reminders"])
    db.session.refresh(fee)
    return case, fee, user


def confirm_page(client, case, status=200):
    return get_page(client, f"/backoffice/cases/{case.id}/not-considered", status)


def post(client, case, page):
    form = page.soup.select_one("form[action$='/not-considered']")
    data = {i["name"]: i.get("value", "") for i in form.select("input[name]")}
    return client.post(form["action"], data=data)


def test_before_the_reminders_term_it_is_refused_with_the_date(app, client, move_today):
    case, fee, _user = reminded_case(app, move_today)
    reviewer = UserFactory(reviewer=True)
    staff_sign_in(client, reviewer)
    case_page = get_page(client, f"/backoffice/cases/{case.id}")
    assert case_page.soup.select_one("#not-considered-link a")
    move_today(fee.due_on)  # the reminder's last day to pay
    page = confirm_page(client, case)
    possible = fee.due_on + timedelta(days=1)
    message = page.soup.select_one("#not-yet").get_text(" ", strip=True)
    assert f"from {possible.day} {possible:%B %Y}" in message
    assert page.soup.select_one("form[action$='/not-considered']") is None
    # A POST anyway (a page from before, a crafted request) is refused the same way.
    token = get_page(client, f"/backoffice/cases/{case.id}").csrf()
    response = client.post(
        f"/backoffice/cases/{case.id}/not-considered",
        data={"csrf_token": token, "version": str(case.version)},
    )
    assert response.status_code == 400
    assert "from " + f"{possible.day} {possible:%B %Y}" in response.get_data(as_text=True)
    assert db.session.get(Application, case.id).status == ApplicationStatus.SUBMITTED
    assert not db.session.scalars(
        db.select(Letter).where(Letter.kind == LetterKind.NOT_CONSIDERED)
    ).all()


def test_without_a_reminder_it_says_when_at_the_earliest(client, move_today):
    user = member()
    case = ApplicationFactory(
        submitted=True, organisation=user.memberships[0].organisation, created_by=user, fee=False
    )
    fee = db.session.scalar(db.select(Fee).where(Fee.application_id == case.id))
    move_today(fee.due_on)
    staff_sign_in(client, UserFactory(reviewer=True))
    text = confirm_page(client, case).soup.select_one("#not-yet").get_text(" ", strip=True)
    earliest = fee.due_on + timedelta(days=1 + 14 + 1)
    assert "No reminder has been sent" in text
    assert f"{earliest.day} {earliest:%B %Y}" in text


def test_after_the_term_the_reviewer_sets_it_aside_with_letter_and_status_everywhere(
    app, client, move_today
):
    case, fee, user = reminded_case(app, move_today)
    move_today(fee.due_on + timedelta(days=1))
    reviewer = UserFactory(reviewer=True)
    staff_sign_in(client, reviewer)
    page = confirm_page(client, case)
    response = post(client, case, page)
    assert response.status_code == 302
    case = db.session.get(Application, case.id)
    assert case.status == ApplicationStatus.NOT_CONSIDERED
    assert case.decided_by_id == reviewer.id and case.decided_at is not None
    event = db.session.scalars(
        db.select(StatusEvent)
        .where(StatusEvent.application_id == case.id)
        .order_by(StatusEvent.id.desc())
    ).first()
    assert (event.from_status, event.to_status) == (
        ApplicationStatus.SUBMITTED,
        ApplicationStatus.NOT_CONSIDERED,
    )
    assert db.session.scalar(
        db.select(AuditEvent).where(AuditEvent.action == "application.not_considered")
    )
    letter = db.session.scalars(
        db.select(Letter).where(Letter.kind == LetterKind.NOT_CONSIDERED)
    ).one()
    body = " ".join(letter.body_text.split())
    assert "Objection." in body or "Bezwaar." in body
    assert case.reference in body
    # Twice (a second tab, the back button): the case was decided, nothing happens twice.
    post(client, case, page)
    assert (
        len(
            db.session.scalars(
                db.select(Letter).where(Letter.kind == LetterKind.NOT_CONSIDERED)
            ).all()
        )
        == 1
    )
    staff_sign_out(client)
    # The sponsor: the status on the case page, no fee on the to-do list, objection next step.
    client.get("/language/en")
    sign_in(client, user)
    show = get_page(client, f"/applications/{case.id}")
    assert "Not considered" in show.soup.select_one("#case-summary").get_text()
    assert "The IND decided on" in show.soup.select_one("#next-steps, main").get_text()
    assert "no longer due" in show.soup.select_one("#fee-status").get_text()
    assert (
        show.soup.select_one("#pay-online") is None and show.soup.select_one("#how-to-pay") is None
    )
    assert case.reference not in get_page(client, "/todo").text
    fees = get_page(client, "/organisation/fees")
    assert fees.soup.select_one(f"#fee-{case.reference}") is not None


def test_a_payment_after_it_is_listed_for_manual_matching(app, client, move_today):
    case, fee, _user = reminded_case(app, move_today)
    move_today(fee.due_on + timedelta(days=1))
    staff_sign_in(client, UserFactory(reviewer=True))
    post(client, case, confirm_page(client, case))
    statement = re.sub(
        r"\s+",
        " ",
        """<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt><Stmt>
<Acct><Id><IBAN>NL91ABNA0417164300</IBAN></Id></Acct>
<Ntry><Amt Ccy="EUR">{amount}</Amt><CdtDbtInd>CRDT</CdtDbtInd><BookgDt><Dt>{day}</Dt></BookgDt>
<AcctSvcrRef>NC-1</AcctSvcrRef><NtryDtls><TxDtls><RmtInf><Ustrd>{reference}</Ustrd></RmtInf>
</TxDtls></NtryDtls></Ntry></Stmt></BkToCstmrStmt></Document>""",
    ).format(
        amount=f"{fee.amount_cents // 100}.{fee.amount_cents % 100:02d}",
        day=fee.due_on.isoformat(),
        reference=case.reference,
    )
    reconcile.import_statement(statement.encode(), "late.xml", UserFactory(supervisor=True))
    entry = db.session.scalars(db.select(StatementEntry)).one()
    assert (entry.outcome, entry.reason) == (EntryOutcome.MANUAL, "not_considered")
    assert db.session.get(Fee, fee.id).paid_on is None


def test_a_paid_fee_cannot_be_set_aside(app, client, move_today):
    case, fee, _user = reminded_case(app, move_today)
    move_today(fee.due_on + timedelta(days=3))
    fee.paid_on, fee.received_cents = fee.due_on, fee.amount_cents
    db.session.flush()
    staff_sign_in(client, UserFactory(reviewer=True))
    assert (
        get_page(client, f"/backoffice/cases/{case.id}").soup.select_one("#not-considered-link")
        is None
    )
    assert "has been paid" in confirm_page(client, case).soup.select_one("#not-yet").get_text()
