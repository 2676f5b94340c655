"""Fees in tests: a transfer arrives (the bank's part, done as the statement import does it)."""

from datetime import date

from portal import clock
from portal.extensions import db
from portal.fees import payments
from portal.models import Application, Fee, PaidVia


def pay(application: Application, on: date | None = None) -> Fee:
    """The whole fee of the case arrives by transfer on `on` (default today)."""
    fee = db.session.scalar(db.select(Fee).where(Fee.application_id == application.id))
    payments.book(fee, fee.amount_cents - fee.received_cents, on or clock.today(), PaidVia.TRANSFER)
    db.session.commit()
    return fee
