"""Paying a fee online (issue 17, item 2): the Mollie SDK against a stub of Mollie's API on
127.0.0.1 (tests/support/mollie_stub.py), so the SDK's own request handling runs.

Pay online → a payment at the provider (amount from the fee record, the payment reference as
description, return and webhook addresses) → the checkout page; the webhook carries only an
id, fetched by id and booked through the same `payments.book` as a transfer, once; an id the
portal did not create is refused and logged. Without configuration there is no button."""

from datetime import UTC, datetime, timedelta

import pytest

from portal import clock
from portal.extensions import db
from portal.models import (
    Application,
    AuditEvent,
    Fee,
    Letter,
    LetterKind,
    OnlinePayment,
    OrgRole,
    PaidVia,
)
from tests.support.auth import sign_in, sign_out, staff_sign_in
from tests.support.factories import MembershipFactory, UserFactory, member
from tests.support.mollie_stub import API_KEY, MollieStub
from tests.support.pages import get_page


@pytest.fixture(autouse=True)
def english(client):
    client.get("/language/en")


@pytest.fixture
def mollie(app):
    with MollieStub() as stub:
        before = {k: app.config.get(k) for k in ("MOLLIE_API_KEY", "MOLLIE_API_ENDPOINT")}
        app.config.update(MOLLIE_API_KEY=API_KEY, MOLLIE_API_ENDPOINT=stub.base)
        try:
            yield stub
        finally:
            app.config.update(before)


def submitted(client, user) -> Application:
    """A recognition application submitted through the pages: its fee (€5,080.00) is due."""
    sign_in(client, user)
    token = get_page(client, "/applications/recognition/new").csrf()
    check = client.post(
        "/applications/recognition/new", data={"csrf_token": token, "category": "labour"}
    ).headers["Location"]
    token = get_page(client, check).csrf()
    response = client.post(check, data={"csrf_token": token, "declaration": "y"})
    assert response.status_code == 302
    return db.session.scalars(
        db.select(Application).where(
            Application.organisation_id == user.memberships[0].organisation_id
        )
    ).one()


def pay_online(client, application):
    page = get_page(client, f"/applications/{application.id}")
    form = page.soup.select_one("#pay-online")
    assert form is not None, "no Pay online button"
    return client.post(form["action"], data={"csrf_token": page.csrf()})


def letters(kind):
    return db.session.scalars(db.select(Letter).where(Letter.kind == kind)).all()


def refusals():
    return db.session.scalars(
        db.select(AuditEvent).where(AuditEvent.action == "fee.online_refused")
    ).all()


def test_without_configuration_there_is_no_button_and_no_route(client):
    application = submitted(client, member(persons_employed=200))
    page = get_page(client, f"/applications/{application.id}")
    assert page.soup.select_one("#how-to-pay") is not None
    assert page.soup.select_one("#pay-online") is None
    assert client.post(f"/payments/applications/{application.id}/pay").status_code in (400, 404)
    assert client.get(f"/payments/applications/{application.id}").status_code == 404
    assert client.post("/payments/webhook", data={"id": "tr_x"}).status_code == 404
    assert "form-action 'self';" in page.response.headers["Content-Security-Policy"]


def test_pay_online_creates_the_payment_and_sends_the_sponsor_to_the_checkout(client, mollie):
    application = submitted(client, member(persons_employed=200))
    page = get_page(client, f"/applications/{application.id}")
    csp = page.response.headers["Content-Security-Policy"]
    assert f"form-action 'self' {mollie.base};" in csp  # the provider's origin only
    response = pay_online(client, application)
    assert response.status_code == 303
    payment = db.session.scalars(db.select(OnlinePayment)).one()
    assert response.headers["Location"] == f"{mollie.base}/checkout/{payment.provider_id}"
    method, path, body = mollie.requests[-1]
    assert (method, path) == ("POST", "/v2/payments")
    assert body["amount"] == {"currency": "EUR", "value": "5080.00"}
    assert body["description"] == application.reference
    assert body["redirectUrl"].endswith(f"/payments/applications/{application.id}")
    assert body["webhookUrl"].endswith("/payments/webhook")
    assert (payment.amount_cents, payment.status, payment.handled_at) == (508000, "open", None)
    assert db.session.scalar(
        db.select(AuditEvent).where(AuditEvent.action == "fee.online_started")
    ).details == {"payment": payment.provider_id, "cents": 508000}
    # Back before paying: the honest state, and the transfer as the way that always works.
    back = get_page(client, f"/payments/applications/{application.id}")
    assert "still open" in back.soup.select_one("#payment-state").get_text()
    assert application.reference in back.soup.select_one("#transfer-details").get_text()


def test_the_webhook_books_the_payment_once_and_the_clock_starts(client, mollie):
    application = submitted(client, member(persons_employed=200))
    assert application.decision_deadline is None  # recognition: waits for payment
    pay_online(client, application)
    payment = db.session.scalars(db.select(OnlinePayment)).one()
    paid_at = datetime.now(UTC) - timedelta(hours=1)
    mollie.set_status(payment.provider_id, "paid", paid_at)
    assert mollie.notify(payment.provider_id, client).status_code == 200
    fee = db.session.scalars(db.select(Fee)).one()
    paid_on = clock.local_date(paid_at)
    assert (fee.paid_on, fee.paid_via, fee.received_cents) == (paid_on, PaidVia.ONLINE, 508000)
    db.session.refresh(application)
    assert application.decision_deadline == paid_on + timedelta(days=90)
    assert len(letters(LetterKind.PAYMENT_RECEIVED)) == 1
    fetched = [r for r in mollie.requests if r[0] == "GET"]
    assert fetched[-1][1] == f"/v2/payments/{payment.provider_id}"  # fetched by id
    # A replay (Mollie retries; an attacker repeats it) changes nothing.
    version = application.version
    assert mollie.notify(payment.provider_id, client).status_code == 200
    db.session.refresh(application)
    assert application.version == version
    assert len(letters(LetterKind.PAYMENT_RECEIVED)) == 1
    assert db.session.scalar(db.select(Fee.received_cents)) == 508000
    # The return page and the case page say it is paid; the button is gone.
    back = get_page(client, f"/payments/applications/{application.id}")
    assert "the fee has been paid" in back.soup.select_one("#payment-state").get_text()
    case = get_page(client, f"/applications/{application.id}")
    assert "Paid on" in case.soup.select_one("#fee-status").get_text()
    assert case.soup.select_one("#pay-online") is None


def test_the_return_page_fetches_the_status_when_the_webhook_has_not_come(client, mollie):
    application = submitted(client, member(persons_employed=200))
    pay_online(client, application)
    payment = db.session.scalars(db.select(OnlinePayment)).one()
    mollie.set_status(payment.provider_id, "paid")
    back = get_page(client, f"/payments/applications/{application.id}")
    assert "the fee has been paid" in back.soup.select_one("#payment-state").get_text()
    assert db.session.scalar(db.select(Fee.paid_via)) == PaidVia.ONLINE
    mollie.notify(payment.provider_id, client)  # the webhook after: nothing twice
    assert len(letters(LetterKind.PAYMENT_RECEIVED)) == 1


@pytest.mark.parametrize("status", ["failed", "expired", "canceled"])
def test_a_payment_not_completed_says_so_and_offers_the_transfer(client, mollie, status):
    application = submitted(client, member(persons_employed=200))
    pay_online(client, application)
    payment = db.session.scalars(db.select(OnlinePayment)).one()
    mollie.set_status(payment.provider_id, status)
    assert mollie.notify(payment.provider_id, client).status_code == 200
    back = get_page(client, f"/payments/applications/{application.id}")
    assert "not completed" in back.soup.select_one("#payment-state").get_text()
    assert "NL91 ABNA 0417 1643 00" in back.soup.select_one("#transfer-details").get_text()
    assert db.session.scalar(db.select(Fee.paid_on)) is None
    assert db.session.scalar(db.select(OnlinePayment.status)) == status
    assert get_page(client, f"/applications/{application.id}").soup.select_one("#pay-online")


def test_status_updates_for_payments_the_portal_did_not_create_are_refused(client, mollie):
    application = submitted(client, member(persons_employed=200))
    # Paid at Mollie with the right description, but never created by the portal.
    foreign = mollie.add(status="paid", value="5080.00", description=application.reference)
    for payment_id in (foreign["id"], "tr_doesnotexist", "not-an-id"):
        assert client.post("/payments/webhook", data={"id": payment_id}).status_code == 200
    assert db.session.scalar(db.select(Fee.paid_on)) is None
    assert letters(LetterKind.PAYMENT_RECEIVED) == []
    assert [e.details["reason"] for e in refusals()] == ["unknown", "unknown", "malformed"]
    # Ours by id, but Mollie's record says another amount: refused too.
    pay_online(client, application)
    payment = db.session.scalars(db.select(OnlinePayment)).one()
    mollie.payments[payment.provider_id]["amount"]["value"] = "0.01"
    mollie.set_status(payment.provider_id, "paid")
    mollie.notify(payment.provider_id, client)
    assert db.session.scalar(db.select(Fee.paid_on)) is None
    assert refusals()[-1].details == {"reason": "not_ours", "payment": payment.provider_id}


def test_a_checkout_address_on_another_host_is_never_followed(client, mollie, monkeypatch):
    application = submitted(client, member(persons_employed=200))
    add = mollie.add

    def elsewhere(**values):
        payment = add(**values)
        payment["_links"]["checkout"]["href"] = "https://pay.example.net/checkout"
        return payment

    monkeypatch.setattr(mollie, "add", elsewhere)
    response = pay_online(client, application)
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/applications/{application.id}")
    assert refusals()[-1].details["reason"] == "checkout_host"
    assert db.session.scalars(db.select(OnlinePayment)).all() == []


def test_a_paid_fee_cannot_be_paid_again_online(client, mollie):
    application = submitted(client, member(persons_employed=200))
    page = get_page(client, f"/applications/{application.id}")
    fee = db.session.scalars(db.select(Fee)).one()
    fee.paid_on, fee.received_cents = clock.today(), fee.amount_cents
    db.session.flush()
    response = client.post(
        f"/payments/applications/{application.id}/pay", data={"csrf_token": page.csrf()}
    )
    assert response.status_code == 302
    assert [r for r in mollie.requests if r[0] == "POST"] == []


def test_readers_see_no_button_and_others_get_404(client, mollie):
    owner = member(persons_employed=200)
    application = submitted(client, owner)
    sign_out(client)
    reader = MembershipFactory(organisation=owner.memberships[0].organisation, role=OrgRole.READER)
    sign_in(client, reader.user)
    page = get_page(client, f"/applications/{application.id}")
    assert page.soup.select_one("#pay-online") is None
    url = f"/payments/applications/{application.id}/pay"
    assert client.post(url, data={"csrf_token": page.csrf()}).status_code == 403
    sign_out(client)
    stranger = member()
    sign_in(client, stranger)
    token = get_page(client, "/dashboard").csrf()
    assert client.post(url, data={"csrf_token": token}).status_code == 404
    assert client.get(f"/payments/applications/{application.id}").status_code == 404


def test_paid_online_after_a_transfer_is_kept_for_finance_not_booked_twice(client, mollie):
    application = submitted(client, member(persons_employed=200))
    pay_online(client, application)
    payment = db.session.scalars(db.select(OnlinePayment)).one()
    fee = db.session.scalars(db.select(Fee)).one()
    fee.paid_on, fee.received_cents, fee.paid_via = clock.today(), 508000, PaidVia.TRANSFER
    db.session.flush()
    mollie.set_status(payment.provider_id, "paid")
    assert mollie.notify(payment.provider_id, client).status_code == 200
    assert db.session.scalar(db.select(Fee.received_cents)) == 508000  # not twice
    assert db.session.scalar(db.select(OnlinePayment.not_booked_reason)) == "already_paid"
    sign_out(client)
    staff_sign_in(client, UserFactory(supervisor=True))
    client.get("/language/en")
    listed = get_page(client, "/backoffice/fees/statements").soup.select_one("#online-not-booked")
    text = listed.get_text(" ", strip=True)
    assert payment.provider_id in text and application.reference in text
    assert "The fee was paid already" in text
