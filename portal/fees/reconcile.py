"""Importing a bank statement: each credit matched by payment reference and amount.

Per transaction: the case reference found in the structured creditor reference or the free
text (spaces and case do not matter) and the amount. Exact (or completing a part payment) →
the fee is paid on the booking date; a part payment is booked and listed; an unknown
reference, a fee already paid, a case decided or withdrawn, an amount not set or an overpayment
→ listed for manual matching with the reason. A reversal turns the payment back, and the
clock with it. Idempotent: an entry seen before (its key) changes nothing; the same file
twice is refused as already imported. Whole or nothing: the caller commits once.
"""

import hashlib
import re
from dataclasses import dataclass, field

from sqlalchemy import select

from portal import audit, clock, reference
from portal.audit import AuditAction
from portal.extensions import db
from portal.fees import payments
from portal.fees.statements import MAX_BYTES, StatementRefused, Transaction, read_statement  # noqa: F401
from portal.models import (
    Application,
    BankStatement,
    EntryOutcome,
    Fee,
    PaidVia,
    StatementEntry,
    User,
)

# A case reference as printed (ER-2026-000042-K): found in text without spaces, any case.
REFERENCE = re.compile(r"([A-Z]{2})-?(\d{4})-?(\d{6})-?([A-Z])")
UNKNOWN_REFERENCE = "unknown_reference"
PARTIAL = "partial"
NO_PAYMENT_TO_REVERSE = "no_payment_to_reverse"
COMBINED = "combined"  # one transfer naming several cases: one transfer pays one fee


class AlreadyImported(Exception):
    """This statement (the same file) was imported before, or is being imported right now."""


@dataclass
class ImportResult:
    statement: BankStatement
    counts: dict = field(default_factory=dict)


def find_references(text: str) -> list[str]:
    """The case references in the text, each once, in order."""
    compact = re.sub(r"\s+", "", text or "").upper()
    return list(dict.fromkeys("-".join(m.groups()) for m in REFERENCE.finditer(compact)))


def find_reference(text: str) -> str | None:
    found = find_references(text)
    return found[0] if found else None


def import_statement(data: bytes, filename: str, actor: User) -> ImportResult:
    """Read, check and book a statement. Raises StatementRefused or AlreadyImported."""
    statement = read_statement(data)
    account = re.sub(r"\s+", "", reference.ind_bank_account(clock.today()).iban).upper()
    if statement.iban != account:
        raise StatementRefused("wrong_account", statement.iban)
    sha256 = hashlib.sha256(data).hexdigest()
    if db.session.scalar(select(BankStatement.id).where(BankStatement.sha256 == sha256)):
        raise AlreadyImported(sha256)
    record = BankStatement(
        sha256=sha256,
        format=statement.format,
        iban=statement.iban,
        filename=(filename or "statement")[:200],
        imported_by_id=actor.id,
    )
    db.session.add(record)
    db.session.flush()  # a concurrent import of the same file fails here (unique sha256)
    result = ImportResult(record)
    seen = set(
        db.session.scalars(
            select(StatementEntry.entry_key).where(
                StatementEntry.entry_key.in_([t.key for t in statement.transactions])
            )
        )
    )
    for transaction in statement.transactions:
        if transaction.key in seen:
            outcome = "seen_before"
        else:
            seen.add(transaction.key)
            outcome = _book(record, transaction, actor).value
        result.counts[outcome] = result.counts.get(outcome, 0) + 1
    audit.record(
        AuditAction.FEE_STATEMENT_IMPORTED,
        actor=actor,
        target=record,
        details={"format": statement.format.value, "counts": result.counts},
    )
    db.session.flush()
    return result


def _fee_for(reference_text: str) -> tuple[Application | None, Fee | None]:
    found = find_reference(reference_text)
    if found is None:
        return None, None
    application = db.session.scalar(select(Application).where(Application.reference == found))
    return application, application.fee if application is not None else None


def _book(record: BankStatement, transaction: Transaction, actor: User) -> EntryOutcome:
    application, fee = _fee_for(transaction.reference)
    entry = StatementEntry(
        statement_id=record.id,
        entry_key=transaction.key,
        booked_on=transaction.booked_on,
        amount_cents=transaction.cents,
        reversal=transaction.reversal,
        reference_text=transaction.reference or "",
        application_id=application.id if application else None,
    )
    details = {"entry": transaction.key, "statement": record.id}
    if transaction.reversal:
        if fee is None or fee.received_cents < transaction.cents:
            entry.outcome, entry.reason = EntryOutcome.MANUAL, NO_PAYMENT_TO_REVERSE
        else:
            payments.undo(fee, transaction.cents, actor=actor, details=details)
            entry.outcome = EntryOutcome.REVERSED
    elif not transaction.credit:
        entry.outcome = EntryOutcome.DEBIT
    elif len(find_references(transaction.reference)) > 1:
        entry.outcome, entry.reason = EntryOutcome.MANUAL, COMBINED
    elif fee is None:
        entry.outcome, entry.reason = EntryOutcome.MANUAL, UNKNOWN_REFERENCE
    else:
        try:
            complete = payments.book(
                fee,
                transaction.cents,
                transaction.booked_on,
                PaidVia.TRANSFER,
                actor=actor,
                details=details,
            )
        except payments.NotPayable as refused:
            entry.outcome, entry.reason = EntryOutcome.MANUAL, refused.reason
        else:
            entry.outcome = EntryOutcome.PAID if complete else EntryOutcome.PART
            entry.reason = None if complete else PARTIAL
    db.session.add(entry)
    return entry.outcome


def manual_list(limit: int = 200) -> list[StatementEntry]:
    """Entries for manual matching (and part payments not yet completed), newest first."""
    return db.session.scalars(
        select(StatementEntry)
        .where(StatementEntry.outcome.in_((EntryOutcome.MANUAL, EntryOutcome.PART)))
        .order_by(StatementEntry.booked_on.desc(), StatementEntry.id.desc())
        .limit(limit)
    ).all()


class NotMatchable(Exception):
    """The entry cannot be booked on the case named; `reason` says why."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def match_by_hand(entry: StatementEntry, reference_text: str, actor: User) -> EntryOutcome:
    """Finance books a listed transfer on the case it names: the same booking as an automatic
    match (audited as fee.paid, by hand). Raises NotMatchable (nothing changed)."""
    if entry.outcome != EntryOutcome.MANUAL or entry.reversal:
        raise NotMatchable("not_listed")
    application, fee = _fee_for(reference_text)
    if fee is None:
        raise NotMatchable(UNKNOWN_REFERENCE)
    details = {"entry": entry.entry_key, "statement": entry.statement_id, "by_hand": True}
    try:
        complete = payments.book(
            fee, entry.amount_cents, entry.booked_on, PaidVia.TRANSFER, actor=actor, details=details
        )
    except payments.NotPayable as refused:
        raise NotMatchable(refused.reason) from refused
    entry.application_id = application.id
    entry.outcome = EntryOutcome.PAID if complete else EntryOutcome.PART
    entry.reason = None if complete else PARTIAL
    db.session.flush()
    return entry.outcome
