"""The sponsor withdraws a submitted application before its decision.

Compare-and-set, as for decisions: the UPDATE moves the case only while it is still open for a
decision (`WITHDRAWABLE`). A reviewer's decision and a withdrawal racing each other touch the
same row; the first to commit wins, the other finds the status changed and is told
(`NotWithdrawable` here, `NotDecidable` in the back office). Nothing is written for the loser.
"""

from portal import audit
from portal.audit import AuditAction
from portal.cases.errors import CaseError
from portal.cases.lifecycle import record_transition
from portal.extensions import db
from portal.letters.issuing import issue_letter
from portal.models import Application, ApplicationStatus, LetterKind, User
from portal.models.base import utcnow

WITHDRAWABLE = (
    ApplicationStatus.SUBMITTED,
    ApplicationStatus.IN_REVIEW,
    ApplicationStatus.INFORMATION_REQUESTED,
)


class NotWithdrawable(CaseError):
    """The case is a draft, was decided or was withdrawn already: nothing was changed."""

    def __init__(self, status: ApplicationStatus):
        super().__init__(status.value)
        self.status = status


def withdraw(application: Application, actor: User, person=None) -> Application:
    """Withdraw the case, confirm by letter (about `person`, for a residence case) and audit.
    Raises NotWithdrawable when the case is no longer open. A request for information that
    was open stays unanswered: its letter reads "closed" (portal/letters/status.py)."""
    withdrawn_at = utcnow()
    if not record_transition(
        application,
        WITHDRAWABLE,
        ApplicationStatus.WITHDRAWN,
        actor,
        occurred_at=withdrawn_at,
    ):
        raise NotWithdrawable(application.status)
    issue_letter(
        application.organisation,
        LetterKind.APPLICATION_WITHDRAWN,
        application=application,
        actor=actor,
        person=person,
    )
    audit.record(
        AuditAction.APPLICATION_WITHDRAWN,
        actor=actor,
        organisation=application.organisation,
        target=application,
        details={"reference": application.reference},
    )
    db.session.flush()
    return application
