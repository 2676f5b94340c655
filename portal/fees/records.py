"""Fee records: opened at submission, the amount set by staff where reference data has none,
and the one place a fee's state (amount to be set, due, overdue, paid) is computed."""

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select

from portal import audit, clock, reference
from portal.audit import AuditAction
from portal.cases.errors import CaseError
from portal.extensions import db
from portal.letters.issuing import issue_letter
from portal.models import (
    Application,
    ApplicationKind,
    ApplicationStatus,
    Category,
    Fee,
    LetterKind,
    Organisation,
    User,
)
from portal.models.base import utcnow
from portal.reference import fees as fee_reference

# A fee is payable while its case is open (submitted, in review, information requested).
PAYABLE_STATUSES = (
    ApplicationStatus.SUBMITTED,
    ApplicationStatus.IN_REVIEW,
    ApplicationStatus.INFORMATION_REQUESTED,
)
# The largest amount staff can enter for a fee, in cents (input is bounded: one million euros).
MAX_AMOUNT_CENTS = 100_000_000


class FeeUnknown(CaseError):
    """No recognition fee is in the reference data for the date (not published yet)."""

    def __init__(self, on: date):
        super().__init__(on.isoformat())
        self.on = on


def fee_for(
    organisation: Organisation, category: Category, on: date, legal_form_change: bool = False
) -> reference.Fee:
    """The recognition fee for the organisation and category on a date; FeeUnknown if none."""
    try:
        return reference.recognition_fee(
            organisation.persons_employed, category, on, legal_form_change
        )
    except reference.ReferenceDataMissing as missing:
        raise FeeUnknown(on) from missing


class AmountAlreadySet(CaseError):
    """Staff tried to set an amount on a fee that has one already (double submit)."""


class FeeCode:
    NONE = "none"  # no fee record (a draft, or a case from before fees were recorded)
    AMOUNT_TO_BE_SET = "amount_to_be_set"
    DUE = "due"
    OVERDUE = "overdue"
    PAID = "paid"
    CLOSED = "closed"  # not paid, and no longer due: the case was decided, withdrawn or set aside


@dataclass(frozen=True)
class FeeState:
    code: str
    amount_cents: int | None = None
    due_on: date | None = None
    paid_on: date | None = None
    received_cents: int = 0

    @property
    def is_paid(self) -> bool:
        return self.code == FeeCode.PAID

    @property
    def open(self) -> bool:
        return self.code in (FeeCode.AMOUNT_TO_BE_SET, FeeCode.DUE, FeeCode.OVERDUE)

    @property
    def outstanding_cents(self) -> int | None:
        if self.amount_cents is None or self.is_paid:
            return None
        return self.amount_cents - self.received_cents


def state_of(fee: Fee | None, today: date | None = None) -> FeeState:
    """Where a fee stands today: the one rule, read by pages, letters, the to-do list, CSV."""
    if fee is None:
        return FeeState(FeeCode.NONE)
    return state_from(fee, fee.application.status, today)


def state_from(facts, status, today: date | None = None) -> FeeState:
    """The rule, from a fee's facts (`paid_on`, `amount_cents`, `due_on`, `received_cents`:
    the record or those columns) and its case's status."""
    recorded = (facts.amount_cents, facts.due_on, facts.paid_on, facts.received_cents)
    if facts.paid_on is not None:
        return FeeState(FeeCode.PAID, *recorded)
    if ApplicationStatus(status) not in PAYABLE_STATUSES:
        return FeeState(FeeCode.CLOSED, *recorded)
    if facts.amount_cents is None:
        return FeeState(FeeCode.AMOUNT_TO_BE_SET)
    today = today or clock.today()
    code = FeeCode.OVERDUE if facts.due_on is not None and facts.due_on < today else FeeCode.DUE
    return FeeState(code, facts.amount_cents, facts.due_on, None, facts.received_cents)


def fee_of(application: Application) -> Fee | None:
    return db.session.scalar(select(Fee).where(Fee.application_id == application.id))


def due_date(issued_on: date) -> date:
    return issued_on + timedelta(days=fee_reference.payment_term_days(issued_on))


def open_fee(
    application: Application,
    amount_cents: int | None,
    *,
    reduced: bool = False,
    legal_form_change: bool = False,
    today: date | None = None,
) -> Fee:
    """The fee record of a case just submitted: the amount (None: to be set by staff) and,
    with an amount, the date to pay by."""
    today = today or clock.today()
    fee = Fee(
        application_id=application.id,
        organisation_id=application.organisation_id,
        amount_cents=amount_cents,
        reduced=reduced,
        legal_form_change=legal_form_change,
        due_on=due_date(today) if amount_cents is not None else None,
    )
    db.session.add(fee)
    db.session.flush()
    return fee


FEE_PURPOSE = {
    True: {"en": "your application for recognition as a sponsor", "nl": "uw aanvraag om erkenning"},
    False: {"en": "your residence application", "nl": "uw verblijfsaanvraag"},
}


def issue_fee_letter(application: Application, fee: Fee, *, actor=None, person=None):
    """The fee letter: amount, pay-by date, the IND's account (reference data) and the payment
    reference (the case reference). None while the amount is still to be set."""
    if fee.amount_cents is None:
        return None
    return issue_letter(
        application.organisation,
        LetterKind.FEE_LETTER,
        application=application,
        actor=actor,
        person=person,
        amount_cents=fee.amount_cents,
        pay_by=fee.due_on,
        payment_reference=application.reference,
        purpose=FEE_PURPOSE[application.kind == ApplicationKind.RECOGNITION],
    )


def set_amount(
    fee: Fee, amount_cents: int, actor: User, *, person=None, today: date | None = None
) -> Fee:
    """Staff enter the amount of a fee reference data had no figure for: the fee letter goes
    out with the date to pay by. Raises AmountAlreadySet when it has one."""
    today = today or clock.today()
    application = fee.application
    updated = db.session.execute(
        Fee.__table__.update()
        .where(Fee.id == fee.id, Fee.amount_cents.is_(None))
        .values(
            amount_cents=amount_cents,
            due_on=due_date(today),
            amount_set_by_id=actor.id,
            amount_set_at=utcnow(),
        )
    ).rowcount
    if updated != 1:
        raise AmountAlreadySet(application.reference)
    db.session.refresh(fee)
    issue_fee_letter(application, fee, actor=actor, person=person)
    audit.record(
        AuditAction.FEE_AMOUNT_SET,
        actor=actor,
        organisation=application.organisation,
        target=application,
        details={"amount_cents": amount_cents, "due_on": fee.due_on.isoformat()},
    )
    db.session.flush()
    return fee


@dataclass(frozen=True)
class FeeRow:
    fee: Fee
    application: Application
    state: FeeState


def fees_of_organisation(organisation_id: int, in_scope, today: date) -> list[FeeRow]:
    """The organisation's fees (within the mandate's categories), open first, newest first."""
    rows = db.session.execute(
        select(Fee, Application)
        .join(Application, Application.id == Fee.application_id)
        .where(Fee.organisation_id == organisation_id, in_scope(Application.category))
        .order_by(Fee.paid_on.is_not(None), Application.submitted_at.desc(), Fee.id.desc())
    ).all()
    return [FeeRow(fee, application, state_of(fee, today)) for fee, application in rows]


def payable_facts(organisation_id: int, in_scope):
    """Fees with an amount, unpaid, of cases still open, as the columns `state_from` reads with
    the case's id and reference (the to-do list reads them in its one statement)."""
    return (
        select(
            Application.id.label("application_id"),
            Application.reference.label("reference"),
            Application.status.label("status"),
            Fee.id.label("id"),
            Fee.paid_on.label("paid_on"),
            Fee.amount_cents.label("amount_cents"),
            Fee.due_on.label("due_on"),
            Fee.received_cents.label("received_cents"),
        )
        .select_from(Fee)
        .join(Application, Application.id == Fee.application_id)
        .where(
            Fee.organisation_id == organisation_id,
            Fee.paid_on.is_(None),
            Fee.amount_cents.is_not(None),
            Application.status.in_(PAYABLE_STATUSES),
            in_scope(Application.category),
        )
    )
