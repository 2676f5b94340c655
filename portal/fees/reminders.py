"""The reminder for a fee not paid within its term (`flask fees send-reminders`, daily).

Once per fee: the reminder letter gives a new date to pay by (the reminder's term, reference
data) and the fee shows that date everywhere. Fees of closed cases are not reminded.
"""

from datetime import date, timedelta

from sqlalchemy import select

from portal import audit, clock
from portal.audit import AuditAction
from portal.extensions import db
from portal.fees.payments import person_on_letters
from portal.fees.records import PAYABLE_STATUSES
from portal.letters.issuing import issue_letter
from portal.models import Application, Fee, LetterKind
from portal.reference import fees as fee_reference


def due_reminders(today: date) -> list[Fee]:
    return db.session.scalars(
        select(Fee)
        .join(Application, Application.id == Fee.application_id)
        .where(
            Fee.paid_on.is_(None),
            Fee.amount_cents.is_not(None),
            Fee.reminded_on.is_(None),
            Fee.due_on < today,
            Application.status.in_(PAYABLE_STATUSES),
        )
        .order_by(Fee.id)
    ).all()


def send_reminders(today: date | None = None) -> int:
    """Remind every fee past its term once; returns how many were sent. The caller commits."""
    today = today or clock.today()
    sent = 0
    for fee in due_reminders(today):
        application = fee.application
        fee.reminded_on = today
        fee.due_on = today + timedelta(days=fee_reference.reminder_term_days(today))
        issue_letter(
            application.organisation,
            LetterKind.FEE_REMINDER,
            application=application,
            person=person_on_letters(application),
            amount_cents=fee.amount_cents - fee.received_cents,
            pay_by=fee.due_on,
            payment_reference=application.reference,
        )
        audit.record(
            AuditAction.FEE_REMINDED,
            organisation=application.organisation,
            target=application,
            details={"pay_by": fee.due_on.isoformat()},
        )
        sent += 1
    db.session.flush()
    return sent
