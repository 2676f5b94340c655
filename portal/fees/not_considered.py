"""Setting an application aside as "not considered" (buiten behandeling): the fee was not paid
within the reminder's term.

Possible only after the reminder was sent and its date to pay by has passed (the reminder's
term, reference data `fee_reminder_term`); before that `obstacle` says why and from when.
A decision like every other: `lifecycle.record_transition` (guarded, compare-and-set on the
version the reviewer saw), its own letter with the objection clause, an audit event. A payment
that arrives afterwards is listed for manual matching ("not considered", portal/fees/payments.py).
"""

from dataclasses import dataclass
from datetime import date, timedelta

from portal import audit, clock
from portal.audit import AuditAction
from portal.cases.errors import CaseError
from portal.cases.lifecycle import NotDecidable, StaleCase, record_transition
from portal.extensions import db
from portal.fees.payments import person_on_letters
from portal.fees.records import PAYABLE_STATUSES
from portal.letters.issuing import issue_letter
from portal.models import Application, ApplicationStatus, LetterKind, User
from portal.models.base import utcnow
from portal.reference import fees as fee_reference

# From where a case can be set aside: open, its fee unpaid.
SET_ASIDE_FROM = PAYABLE_STATUSES


@dataclass(frozen=True)
class Obstacle:
    """Why the case cannot be set aside (now): `code`, and from when it can (if known)."""

    code: str  # no_fee, paid, amount_not_set, no_reminder, term_running, closed
    possible_from: date | None = None


class NotYet(CaseError):
    def __init__(self, obstacle: Obstacle):
        super().__init__(obstacle.code)
        self.obstacle = obstacle


def obstacle(application: Application, today: date | None = None) -> Obstacle | None:
    """None when the reviewer may set the case aside today; else why not, and from when."""
    today = today or clock.today()
    fee = application.fee
    if application.status not in SET_ASIDE_FROM:
        return Obstacle("closed")
    if fee is None:
        return Obstacle("no_fee")
    if fee.paid_on is not None:
        return Obstacle("paid")
    if fee.amount_cents is None:
        return Obstacle("amount_not_set")
    if fee.reminded_on is None:
        # The reminder goes out the day after the date to pay by; its term runs from then.
        sent = max(fee.due_on + timedelta(days=1), today)
        term = timedelta(days=fee_reference.reminder_term_days(sent))
        return Obstacle("no_reminder", sent + term + timedelta(days=1))
    start = fee.due_on + timedelta(days=1)  # the reminder's date to pay by has passed
    if today < start:
        return Obstacle("term_running", start)
    return None


def set_aside(
    application: Application, actor: User, expected_version: int, *, today: date | None = None
) -> Application:
    """Record the decision, send the letter, audit. Raises NotYet (the term has not passed),
    NotDecidable (closed meanwhile) or StaleCase (changed since the reviewer saw it)."""
    today = today or clock.today()
    if application.version == expected_version:
        found = obstacle(application, today)
        if found is not None and found.code != "closed":
            raise NotYet(found)
    decided_at = utcnow()
    if not record_transition(
        application,
        SET_ASIDE_FROM,
        ApplicationStatus.NOT_CONSIDERED,
        actor,
        expected_version=expected_version,
        occurred_at=decided_at,
        decided_at=decided_at,
        decided_by_id=actor.id,
    ):
        if application.status not in SET_ASIDE_FROM:
            raise NotDecidable(application.status)
        raise StaleCase(application.version)
    fee = application.fee
    issue_letter(
        application.organisation,
        LetterKind.NOT_CONSIDERED,
        application=application,
        actor=actor,
        person=person_on_letters(application),
        amount_cents=fee.amount_cents - fee.received_cents,
        reminded_on=fee.reminded_on,
        pay_by=fee.due_on,
    )
    audit.record(
        AuditAction.APPLICATION_NOT_CONSIDERED,
        actor=actor,
        organisation=application.organisation,
        target=application,
        details={"reminded_on": fee.reminded_on.isoformat(), "pay_by": fee.due_on.isoformat()},
    )
    db.session.flush()
    return application
