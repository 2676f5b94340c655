"""The sponsor's notice of default (ingebrekestelling, Awb 4:17).

Once a case's statutory decision period has passed — the deadline as the one clock has it
(portal/cases/status.py `clock_of`: payment start, requests for information, extension) —
the sponsor may send one notice. It is acknowledged by letter; from two weeks after it
(reference data `late_decision_penalty`) a penalty accrues per day until the decision, at
most for the number of days the data gives. Nothing is stored about the amount: it is
computed here from the notice, the rules in force on its day and the day the case closed.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from portal import audit, clock, reference
from portal.audit import AuditAction
from portal.cases import status as case_status
from portal.cases.casework import _person_of
from portal.cases.errors import CaseError
from portal.extensions import db
from portal.letters.issuing import issue_letter
from portal.models import Application, ApplicationStatus, LetterKind, NoticeOfDefault, User


class NoticeRefused(CaseError):
    """A notice of default cannot be sent now."""


class TooEarly(NoticeRefused):
    """The decision period has not passed: possible from `possible_from`."""

    def __init__(self, possible_from: date):
        super().__init__(possible_from.isoformat())
        self.possible_from = possible_from


class ClockNotRunning(NoticeRefused):
    """The clock stands still (information requested), waits for payment, or the case is
    closed: no period can pass."""


class AlreadySent(NoticeRefused):
    """One notice per case."""


def possible_from(application: Application, today: date) -> date | None:
    """The first day a notice may be sent: the day after the deadline while the clock runs;
    None while it does not (stopped, waiting for payment, decided)."""
    case_clock = case_status.clock_of(application, today)
    if not case_clock.running or case_clock.deadline is None:
        return None
    return case_clock.deadline + timedelta(days=1)


def penalty_start(received_on: date) -> date:
    """For a notice received on a day: the day from which the penalty accrues."""
    return received_on + timedelta(days=reference.late_decision_penalty(received_on).grace_days)


def notice_of(application: Application) -> NoticeOfDefault | None:
    return db.session.scalar(
        select(NoticeOfDefault).where(NoticeOfDefault.application_id == application.id)
    )


def notices_for(case_ids) -> dict[int, NoticeOfDefault]:
    """The notices of the cases on a page of the back-office queue."""
    if not case_ids:
        return {}
    return {
        notice.application_id: notice
        for notice in db.session.scalars(
            select(NoticeOfDefault).where(NoticeOfDefault.application_id.in_(sorted(case_ids)))
        )
    }


def send(application: Application, actor: User, today: date | None = None) -> NoticeOfDefault:
    """Record the sponsor's notice, issue the receipt letter and start the two weeks.
    Raises AlreadySent, ClockNotRunning or TooEarly (with the first possible day)."""
    today = today or clock.today()
    if notice_of(application) is not None:
        raise AlreadySent(application.reference)
    first_day = possible_from(application, today)
    if first_day is None:
        raise ClockNotRunning(application.status)
    if today < first_day:
        raise TooEarly(first_day)
    rules = reference.late_decision_penalty(today)
    notice = NoticeOfDefault(
        application_id=application.id,
        organisation_id=application.organisation_id,
        received_on=today,
        penalty_from=penalty_start(today),
        deadline=first_day - timedelta(days=1),
        sent_by_id=actor.id,
    )
    try:
        with db.session.begin_nested():
            db.session.add(notice)
            db.session.flush()
    except IntegrityError as error:  # a second tab sent it a moment earlier
        raise AlreadySent(application.reference) from error
    letter = issue_letter(
        application.organisation,
        LetterKind.NOTICE_OF_DEFAULT_RECEIVED,
        application=application,
        actor=actor,
        person=_person_of(application),
        notice=notice,
        rules=rules,
    )
    notice.letter_id = letter.id
    audit.record(
        AuditAction.APPLICATION_NOTICE_OF_DEFAULT,
        actor=actor,
        organisation=application.organisation,
        target=application,
        details={"deadline": notice.deadline.isoformat(), "letter_id": letter.id},
    )
    db.session.flush()
    return notice


@dataclass(frozen=True)
class Penalty:
    """Where the penalty of a notice stands on a day."""

    notice: NoticeOfDefault
    accrued_cents: int
    maximum_cents: int
    until: date  # today, or the day the case was decided (or withdrawn): it stops there
    stopped: bool
    verified: bool  # the amounts are confirmed by an official source (reference data)

    @property
    def accruing(self) -> bool:
        return not self.stopped and self.until > self.notice.penalty_from


def closed_on(application: Application) -> date | None:
    """The day a closed case was decided or withdrawn; None while open."""
    if application.is_open:
        return None
    if application.decided_at is not None:
        return clock.local_date(application.decided_at)
    closing = [e for e in application.events if e.to_status == ApplicationStatus.WITHDRAWN]
    return clock.local_date(closing[-1].occurred_at) if closing else None


def penalty(notice: NoticeOfDefault, application: Application, today: date) -> Penalty:
    rules = reference.late_decision_penalty(notice.received_on)
    ended = closed_on(application)
    until = min(today, ended) if ended is not None else today
    return Penalty(
        notice=notice,
        accrued_cents=rules.cents_after((until - notice.received_on).days),
        maximum_cents=rules.maximum_cents,
        until=until,
        stopped=ended is not None,
        verified=rules.verified,
    )
