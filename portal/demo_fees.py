"""The demo's fees (portal/demo.py): every recognition case's fee paid by transfer on the day
it was submitted; the employer's residence case (submitted 12 days ago) keeps its fee open,
within its payment term — `flask fees sample-statement` writes a bank statement that pays it."""

from portal import clock
from portal.fees import payments
from portal.models import PaidVia


def pay(application) -> None:
    """Pay the case's fee today (the demo's moment)."""
    fee = application.fee
    payments.book(fee, fee.amount_cents, clock.today(), PaidVia.TRANSFER)
