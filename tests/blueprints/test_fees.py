"""Fees: a record per submitted application, shown the same on every page, the to-do list and
letters; staff set an amount reference data has none for; the organisation's fees and CSV."""

import csv
import io
from datetime import timedelta

import pytest

from portal import clock
from portal.extensions import db
from portal.formatting import money
from portal.models import Application, AuditEvent, Fee, Letter, LetterKind, StaffRole
from portal.reference import ReferenceDataMissing
from portal.residence import rules as residence_rules
from tests.support.auth import sign_in, sign_out, staff_sign_in
from tests.support.casework import act, answer_checklist
from tests.support.factories import ApplicationFactory, UserFactory, member
from tests.support.pages import get_page
from tests.support.residence import fill_in, recognise
from tests.support.residence import submit as submit_residence


@pytest.fixture(autouse=True)
def english(client):
    client.get("/language/en")


def start(client, category: str) -> str:
    token = get_page(client, "/applications/recognition/new").csrf()
    response = client.post(
        "/applications/recognition/new", data={"csrf_token": token, "category": category}
    )
    assert response.status_code == 302
    return response.headers["Location"]


def submit(client, check_url: str, **extra):
    token = get_page(client, check_url).csrf()
    return client.post(check_url, data={"csrf_token": token, "declaration": "y", **extra})


def only(model):
    return db.session.scalars(db.select(model)).one()


def test_money_is_formatted_per_language_from_integer_cents():
    assert money(486600, "nl").replace("\xa0", " ") == "€ 4.866,00"
    assert money(486600, "en") == "€4,866.00"
    assert money(1, "en") == "€0.01"


def test_a_submitted_recognition_has_a_fee_due_on_its_page_letter_and_to_do_list(client):
    user = member(persons_employed=200)
    sign_in(client, user)
    response = submit(client, start(client, "labour"))
    assert response.status_code == 302
    application = only(Application)
    fee = only(Fee)
    today = clock.today()
    assert (fee.amount_cents, fee.reduced, fee.paid_on) == (508000, False, None)
    assert fee.due_on == today + timedelta(days=28)
    pay_by = f"{fee.due_on.day} {fee.due_on:%B %Y}"
    page = get_page(client, response.headers["Location"])
    status = page.soup.select_one("#fee-status").get_text(" ", strip=True)
    assert f"Fee €5,080.00 due — pay by {pay_by}" in status
    how = page.soup.select_one("#how-to-pay").get_text(" ", strip=True)
    assert application.reference in how and "NL91 ABNA 0417 1643 00" in how
    letter = db.session.scalar(db.select(Letter).where(Letter.kind == LetterKind.FEE_LETTER))
    body = " ".join(letter.body_text.split())
    assert f"Please pay by {pay_by}." in body
    assert f"Payment reference: {application.reference}" in body
    assert letter.respond_by is None  # a fee letter is no request to answer in the inbox
    todo = get_page(client, "/todo").text
    assert f"Fee €5,080.00 due for {application.reference} — pay by {pay_by}" in todo
    # In Dutch, the same fee in Dutch notation.
    client.get("/language/nl")
    page = get_page(client, response.headers["Location"])
    status = page.soup.select_one("#fee-status").get_text(" ", strip=True)
    assert "€ 5.080,00" in status.replace("\xa0", " ")


def test_a_change_of_legal_form_gets_the_reduced_fee(client):
    user = member(persons_employed=200)
    sign_in(client, user)
    check_url = start(client, "labour")
    page = get_page(client, check_url)
    assert "€2,539.00" in page.soup.select_one("#legal-form-hint").get_text()
    assert submit(client, check_url, legal_form_change="y").status_code == 302
    fee = only(Fee)
    assert (fee.amount_cents, fee.reduced, fee.legal_form_change) == (253900, True, True)


def _residence_without_a_fee_figure(client, monkeypatch):
    # As for most residence kinds in 2026: reference data has no figure for the type and year.
    monkeypatch.setattr(residence_rules.ref, "residence_fee", _no_figure)
    user = member()
    recognise(user)
    sign_in(client, user)
    tasks_url = fill_in(client, "hsm_residence")
    response = submit_residence(client, tasks_url)
    assert response.status_code == 302, response.get_data(as_text=True)[-1500:]
    return user, only(Application)


def _no_figure(kind, on):
    raise ReferenceDataMissing("residence_fee", on)


def test_staff_set_an_amount_reference_data_lacks_and_the_fee_letter_goes_out(client, monkeypatch):
    user, application = _residence_without_a_fee_figure(client, monkeypatch)
    fee = only(Fee)
    assert fee.amount_cents is None and fee.due_on is None
    page = get_page(client, f"/applications/{application.id}")
    assert "Amount to be set by the IND" in page.soup.select_one("#fee-status").get_text()
    assert "Amount to be set" in page.soup.select_one("#waiting").get_text()
    assert get_page(client, "/todo").text.count(application.reference) == 0
    sign_out(client)

    reviewer = UserFactory(staff_role=StaffRole.REVIEWER)
    staff_sign_in(client, reviewer)
    client.get("/language/en")
    # No grant while the amount is not set, every checklist item met or not.
    act(client, application, "/claim")
    answer_checklist(client, application)
    confirm = get_page(client, f"/backoffice/cases/{application.id}/grant")
    blockers = confirm.soup.select_one("#grant-blockers").get_text(" ", strip=True)
    assert "The amount of the fee has not been set" in blockers
    for typed, says in [
        ("abc", "Enter the amount in euros, for example 423 or 423,00"),
        ("0,00", "Enter an amount above zero"),
        ("-5", "Enter an amount above zero"),
        ("2000000", "at most € 1,000,000"),
    ]:
        response = act(client, application, "/fee", **{"fee-amount": typed})
        assert response.status_code == 400
        page_text = response.get_data(as_text=True)
        assert says in page_text and f'value="{typed}"' in page_text
    assert only(Fee).amount_cents is None
    response = act(client, application, "/fee", **{"fee-amount": "1.234,50"})
    assert response.status_code == 302
    fee = only(Fee)
    assert fee.amount_cents == 123450 and fee.amount_set_by_id == reviewer.id
    assert fee.due_on == clock.today() + timedelta(days=28)
    letter = db.session.scalar(db.select(Letter).where(Letter.kind == LetterKind.FEE_LETTER))
    assert "€1,234.50" in " ".join(letter.body_text.split())
    event = db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "fee.amount_set"))
    assert event.actor_id == reviewer.id and event.details["amount_cents"] == 123450
    page = get_page(client, f"/backoffice/cases/{application.id}")
    assert page.soup.find(id="fee-amount") is None  # no second amount
    assert "Fee €1,234.50 due" in page.soup.select_one("#fee-status").get_text()


def test_the_organisation_lists_its_open_and_paid_fees_and_exports_them(client):
    user = member()
    org = user.memberships[0].organisation
    paid = ApplicationFactory(submitted=True, organisation=org, created_by=user)
    open_case = ApplicationFactory(
        submitted=True, organisation=org, created_by=user, category="study", fee=False
    )
    stranger = ApplicationFactory(submitted=True, fee=False)
    sign_in(client, user)
    page = get_page(client, "/organisation/fees")
    open_rows = page.soup.select_one("#open-fees").get_text(" ", strip=True)
    paid_rows = page.soup.select_one("#paid-fees").get_text(" ", strip=True)
    assert open_case.reference in open_rows and "€5,080.00 due" in open_rows
    assert paid.reference in paid_rows and "Paid on" in paid_rows
    assert stranger.reference not in page.text
    response = client.get("/organisation/fees.csv")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0][:3] == ["Payment reference", "Application", "Amount (EUR)"]
    by_reference = {row[0]: row for row in rows[1:]}
    assert set(by_reference) == {paid.reference, open_case.reference}
    assert by_reference[open_case.reference][2:5] == ["5080.00", "0.00", "Due"]
    assert by_reference[paid.reference][4] == "Paid"
    assert db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "export.fees"))
