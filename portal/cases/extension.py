"""Extending the decision period with notice (Awb 4:14): a reviewer, once per case, before the
period ends, by at most the days in reference data (`decision_period_extension`), with a
reason that goes into a letter. The deadline moves by compare-and-set on the case's version;
the clock (portal/cases/clock.py `compose_deadline`) counts the extension's days."""

from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from portal import audit, clock, reference
from portal.audit import AuditAction
from portal.cases import status as case_status
from portal.cases.casework import _person_of
from portal.cases.errors import CaseError
from portal.cases.lifecycle import StaleCase, _transition
from portal.cases.work_queue import QUEUE_STATUSES
from portal.extensions import db
from portal.letters.issuing import issue_letter
from portal.models import Application, DeadlineExtension, LetterKind, User


class ExtensionRefused(CaseError):
    """The decision period cannot be extended now."""


class AlreadyExtended(ExtensionRefused):
    """Once per case."""


class PeriodEnded(ExtensionRefused):
    """The period ended on `deadline`: too late to extend (Awb 4:14 asks for notice before)."""

    def __init__(self, deadline: date):
        super().__init__(deadline.isoformat())
        self.deadline = deadline


class NoPeriod(ExtensionRefused):
    """The case is closed, or its period has not started (waiting for payment)."""


class TooLong(ExtensionRefused):
    def __init__(self, maximum: int):
        super().__init__(maximum)
        self.maximum = maximum


def extension_of(application: Application) -> DeadlineExtension | None:
    return db.session.scalar(
        select(DeadlineExtension).where(DeadlineExtension.application_id == application.id)
    )


def obstacle(application: Application, today: date) -> ExtensionRefused | None:
    """Why the period cannot be extended today, or None: the one rule for the case page and
    `extend`."""
    if application.status not in QUEUE_STATUSES or application.decision_deadline is None:
        return NoPeriod(application.status)
    if extension_of(application) is not None:
        return AlreadyExtended(application.reference)
    case_clock = case_status.clock_of(application, today)
    if case_clock.running and case_clock.deadline < today:
        return PeriodEnded(case_clock.deadline)
    return None


def extend(
    application: Application,
    actor: User,
    *,
    days: int,
    reason: str,
    expected_version: int,
    today: date | None = None,
) -> DeadlineExtension:
    """Move the deadline by `days`, record why, send the letter. Raises an ExtensionRefused
    (nothing written) or StaleCase when the case changed since the reviewer saw it."""
    today = today or clock.today()
    if application.version == expected_version:
        refused = obstacle(application, today)
        if refused is not None:
            raise refused
    maximum = reference.extension_max_days(today)
    if not 0 < days <= maximum:
        raise TooLong(maximum)
    previous = application.decision_deadline
    if previous is None or not _transition(
        application,
        QUEUE_STATUSES,
        None,
        expected_version=expected_version,
        decision_deadline=previous + timedelta(days=days),
    ):
        raise StaleCase(application.version)
    extension = DeadlineExtension(
        application_id=application.id,
        days=days,
        reason=reason,
        previous_deadline=previous,
        new_deadline=application.decision_deadline,
        extended_on=today,
        extended_by_id=actor.id,
    )
    try:
        with db.session.begin_nested():
            db.session.add(extension)
            db.session.flush()
    except IntegrityError as error:
        raise AlreadyExtended(application.reference) from error
    letter = issue_letter(
        application.organisation,
        LetterKind.DECISION_PERIOD_EXTENDED,
        application=application,
        actor=actor,
        person=_person_of(application),
        extension=extension,
    )
    extension.letter_id = letter.id
    audit.record(
        AuditAction.APPLICATION_PERIOD_EXTENDED,
        actor=actor,
        organisation=application.organisation,
        target=application,
        details={"days": days, "decision_deadline": application.decision_deadline.isoformat()},
    )
    db.session.flush()
    return extension
