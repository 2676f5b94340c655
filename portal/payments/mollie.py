"""Mollie through its official SDK (`mollie-api-python`): a payment created for a fee, and its
status fetched by id when Mollie calls the webhook or the sponsor comes back.

Mollie's webhook carries only the payment's id; the status is whatever the API says when the
portal fetches the payment by that id with its own key (Mollie's prescribed check: nothing in
the call itself is trusted). An id the portal did not create, or a payment whose amount or
description is not what the portal asked for, is refused and logged; nothing changes.
Booking is once: the row's `handled_at` is set by compare-and-set, so a replayed call (or the
webhook and the return page at the same moment) books nothing twice.
"""

import logging
import re
from datetime import datetime

from flask import current_app
from mollie.api.client import Client
from mollie.api.error import Error as MollieError
from mollie.api.error import NotFoundError
from sqlalchemy import select, update

from portal import audit, clock
from portal.audit import AuditAction
from portal.cases.errors import CaseError
from portal.extensions import db
from portal.fees import payments as fee_payments
from portal.fees import records as fee_records
from portal.models import Application, Fee, OnlinePayment, PaidVia, User
from portal.models.base import utcnow

log = logging.getLogger(__name__)

PAYMENT_ID = re.compile(r"tr_[A-Za-z0-9]{1,60}")
# The provider's words for a payment that will not be paid any more.
ENDED = ("failed", "expired", "canceled")


class ProviderUnavailable(CaseError):
    """The provider did not answer (or answered with an error): try again later."""


class NotPayableOnline(CaseError):
    """The fee cannot be paid now (paid already, amount not set, case closed)."""


class CallbackRefused(Exception):
    """A status update the portal does not accept; `reason` is logged and audited."""

    def __init__(self, reason: str, payment_id: str = ""):
        super().__init__(reason, payment_id)
        self.reason = reason


def _client() -> Client:
    client = Client(api_endpoint=current_app.config.get("MOLLIE_API_ENDPOINT") or "", retry=0)
    client.set_api_key(current_app.config["MOLLIE_API_KEY"])
    return client


def _value(cents: int) -> str:
    """Mollie's amount: a string with two decimals in euros ('5080.00'); never a float."""
    return f"{cents // 100}.{cents % 100:02d}"


def start(
    application: Application, actor: User, *, redirect_url: str, webhook_url: str
) -> OnlinePayment:
    """Create a payment at the provider for what is still due on the case's fee: the amount
    from the fee record, the payment reference as description. Raises NotPayableOnline or
    ProviderUnavailable (nothing stored)."""
    fee = fee_records.fee_of(application)
    state = fee_records.state_of(fee)
    if fee is None or state.outstanding_cents is None:
        raise NotPayableOnline(application.reference)
    try:
        fee_payments.check_payable(fee, state.outstanding_cents)
    except fee_payments.NotPayable as refused:
        raise NotPayableOnline(refused.reason) from refused
    try:
        payment = _client().payments.create(
            {
                "amount": {"currency": "EUR", "value": _value(state.outstanding_cents)},
                "description": application.reference,
                "redirectUrl": redirect_url,
                "webhookUrl": webhook_url,
                "metadata": {"fee": fee.id},
            }
        )
        provider_id, status, checkout = payment.id, payment.status, payment.checkout_url
    except (MollieError, KeyError, TypeError) as error:
        log.warning("payment provider: creating a payment failed: %s", error)
        raise ProviderUnavailable(str(error)[:200]) from error
    row = OnlinePayment(
        fee_id=fee.id,
        organisation_id=application.organisation_id,
        provider_id=str(provider_id)[:64],
        amount_cents=state.outstanding_cents,
        status=str(status)[:20],
        checkout_url=str(checkout or "")[:500],
        created_by_id=actor.id,
    )
    db.session.add(row)
    db.session.flush()
    audit.record(
        AuditAction.FEE_ONLINE_STARTED,
        actor=actor,
        organisation=application.organisation,
        target=application,
        details={"payment": row.provider_id, "cents": row.amount_cents},
    )
    return row


def latest(fee: Fee) -> OnlinePayment | None:
    return db.session.scalar(
        select(OnlinePayment)
        .where(OnlinePayment.fee_id == fee.id)
        .order_by(OnlinePayment.id.desc())
        .limit(1)
    )


def not_booked(limit: int = 200) -> list[OnlinePayment]:
    """Payments made online but not booked on their fee (paid otherwise meanwhile, case
    closed): listed for finance beside the bank statement's manual matching."""
    return db.session.scalars(
        select(OnlinePayment)
        .where(OnlinePayment.not_booked_reason.is_not(None))
        .order_by(OnlinePayment.id.desc())
        .limit(limit)
    ).all()


def refuse(reason: str, payment_id: str) -> None:
    """Log and audit a status update the portal does not accept (nothing else changes)."""
    log.warning("payment provider: status update refused (%s) for %r", reason, payment_id[:80])
    audit.record(
        AuditAction.FEE_ONLINE_REFUSED, details={"reason": reason, "payment": payment_id[:80]}
    )


def update_status(payment_id: str) -> OnlinePayment:
    """Fetch the payment by id from the provider and act on what it says: paid → booked on
    the fee once. Raises CallbackRefused (unknown or not ours) or ProviderUnavailable."""
    if not PAYMENT_ID.fullmatch(payment_id or ""):
        raise CallbackRefused("malformed", payment_id or "")
    row = db.session.scalar(select(OnlinePayment).where(OnlinePayment.provider_id == payment_id))
    if row is None:
        raise CallbackRefused("unknown", payment_id)
    try:
        payment = _client().payments.get(payment_id)
        fetched = (payment.id, payment.status, payment.amount, payment.description)
        paid_at = payment.paid_at
    except NotFoundError as error:
        raise CallbackRefused("not_at_provider", payment_id) from error
    except MollieError as error:
        log.warning("payment provider: fetching %s failed: %s", payment_id, error)
        raise ProviderUnavailable(str(error)[:200]) from error
    fee = row.fee
    expected = (payment_id, {"currency": "EUR", "value": _value(row.amount_cents)})
    if (fetched[0], fetched[2]) != expected or fetched[3] != fee.application.reference:
        raise CallbackRefused("not_ours", payment_id)
    row.status = str(fetched[1])[:20]
    if fetched[1] == "paid":
        _book_once(row, paid_at)
    db.session.flush()
    return row


def _book_once(row: OnlinePayment, paid_at: str | None) -> None:
    claimed = db.session.execute(
        update(OnlinePayment)
        .where(OnlinePayment.id == row.id, OnlinePayment.handled_at.is_(None))
        .values(handled_at=utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.refresh(row)
    if claimed != 1:
        return  # booked before: a replay changes nothing
    try:
        paid_on = clock.local_date(datetime.fromisoformat(paid_at))
    except (TypeError, ValueError):
        paid_on = clock.today()
    details = {"payment": row.provider_id}
    try:
        fee_payments.book(row.fee, row.amount_cents, paid_on, PaidVia.ONLINE, details=details)
    except fee_payments.NotPayable as refused:
        # Paid online after the fee was paid otherwise or the case closed: kept for finance.
        row.not_booked_reason = refused.reason
        refuse(f"not_booked:{refused.reason}", row.provider_id)
