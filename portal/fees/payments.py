"""A fee paid, and a payment turned back (a reversal on the bank statement).

Paying the whole amount marks the fee paid on the payment's date. For a kind whose decision
period runs from payment (reference data), the statutory deadline is composed from that day
(portal/cases/clock.py) and the "payment received — we decide by" letter goes out. A part
payment is kept (received so far) until a later one completes it. A reversal turns the
payment back, and the clock with it: the case waits for payment again.
"""

from datetime import date

from sqlalchemy import update

from portal import audit
from portal import clock as portal_clock
from portal.audit import AuditAction
from portal.cases import clock as statutory_clock
from portal.cases.errors import CaseError
from portal.extensions import db
from portal.fees.records import PAYABLE_STATUSES
from portal.letters.issuing import issue_letter
from portal.models import Application, ApplicationStatus, Fee, LetterKind, PaidVia
from portal.residence.presentation import person_of


class NotPayable(CaseError):
    """The payment cannot be booked on this fee; `reason` says why (for manual matching)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


# Reasons a payment goes to the manual matching list instead (labels in portal/labels.py).
ALREADY_PAID = "already_paid"
AMOUNT_NOT_SET = "amount_not_set"
CASE_CLOSED = "case_closed"
NOT_CONSIDERED = "not_considered"
OVERPAID = "overpaid"


def check_payable(fee: Fee, cents: int) -> None:
    """Raise NotPayable when `cents` cannot simply be booked on the fee."""
    if fee.paid_on is not None:
        raise NotPayable(ALREADY_PAID)
    if fee.application.status == ApplicationStatus.NOT_CONSIDERED:
        raise NotPayable(NOT_CONSIDERED)
    if fee.application.status not in PAYABLE_STATUSES:
        raise NotPayable(CASE_CLOSED)
    if fee.amount_cents is None:
        raise NotPayable(AMOUNT_NOT_SET)
    if fee.received_cents + cents > fee.amount_cents:
        raise NotPayable(OVERPAID)


def _bump(application: Application, **values) -> None:
    """Change the case (its deadline) and its version: forms shown before are stale."""
    db.session.execute(
        update(Application)
        .where(Application.id == application.id)
        .values(version=Application.version + 1, **values)
    )
    db.session.refresh(application)


def book(fee: Fee, cents: int, booked_on: date, via: PaidVia, *, actor=None, details=None) -> bool:
    """Book a payment on the fee; True when it completes the fee (then paid on `booked_on`).
    Raises NotPayable (nothing changed) when the payment does not fit the fee."""
    check_payable(fee, cents)
    fee.received_cents += cents
    application = fee.application
    complete = fee.received_cents == fee.amount_cents
    decide_by = None
    if complete:
        fee.paid_on = booked_on
        fee.paid_via = via
        if statutory_clock.runs_from_payment(application, booked_on):
            decide_by = statutory_clock.deadline_from_payment(application, booked_on)
            _bump(application, decision_deadline=decide_by)
        issue_letter(
            application.organisation,
            LetterKind.PAYMENT_RECEIVED,
            application=application,
            actor=actor,
            person=person_on_letters(application),
            amount_cents=fee.amount_cents,
            paid_on=booked_on,
            decide_by=decide_by or application.decision_deadline,
        )
    audit.record(
        AuditAction.FEE_PAID,
        actor=actor,
        organisation=application.organisation,
        target=application,
        details={
            "cents": cents,
            "booked_on": booked_on.isoformat(),
            "via": via.value,
            "complete": complete,
            "decision_deadline": decide_by and decide_by.isoformat(),
            **(details or {}),
        },
    )
    db.session.flush()
    return complete


def person_on_letters(application: Application):
    return person_of(application) if application.kind.is_residence else None


def undo(fee: Fee, cents: int, *, actor=None, details=None) -> None:
    """A payment turned back (a reversal): the amount leaves the fee; a fee no longer paid in
    full waits for payment again, and so does the clock of a kind that runs from payment."""
    fee.received_cents = max(fee.received_cents - cents, 0)
    application = fee.application
    if fee.paid_on is not None and fee.received_cents < (fee.amount_cents or 0):
        submitted_on = portal_clock.local_date(application.submitted_at)
        fee.paid_on = None
        fee.paid_via = None
        if statutory_clock.runs_from_payment(application, submitted_on):
            _bump(application, decision_deadline=None)
    audit.record(
        AuditAction.FEE_PAYMENT_UNDONE,
        actor=actor,
        organisation=application.organisation,
        target=application,
        details={"cents": cents, **(details or {})},
    )
    db.session.flush()
