"""Where a case stands, computed in this one place from stored facts and read by every page:

- `clock_of`: the statutory decision clock — running with its days left, stopped since the
  request for information with the respond-by date (never a countdown while it stands still),
  or not started: waiting for the payment its period runs from;
- `reply_received_column` / `reply_received_on`: the day the answer to the latest request for
  information arrived (the back-office queue's "reply received" flag, filter and sort);
- `event_activity`: what a step of the timeline was, and so who did it ("Reply sent" by the
  sponsor's user, "Information requested" by the IND), rather than the status it led to;
- `case_documents`: every document of the case, the application's own and those sent with
  replies, for the sponsor's and the reviewer's case pages alike.
"""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import exists, func, or_, select
from sqlalchemy.orm import aliased

from portal.cases import clock as statutory_clock
from portal.extensions import db
from portal.models import (
    Application,
    ApplicationStatus,
    CaseReply,
    ClockSuspension,
    Document,
    StatusEvent,
)

RUNNING_STATUSES = (ApplicationStatus.SUBMITTED, ApplicationStatus.IN_REVIEW)


@dataclass(frozen=True)
class CaseClock:
    deadline: date | None  # the statutory decision deadline as it stands now
    running: bool
    stopped_since: date | None = None
    respond_by: date | None = None
    request_letter_id: int | None = None
    projected_deadline: date | None = None  # while stopped: the deadline were the reply today
    days_left: int | None = None  # while running; negative when overdue
    # The period runs from payment (reference data) and the fee is not paid: not started.
    waiting_for_payment: bool = False

    @property
    def stopped(self) -> bool:
        return self.stopped_since is not None


def clock_of(application: Application, today: date) -> CaseClock:
    deadline = application.decision_deadline
    if application.status == ApplicationStatus.INFORMATION_REQUESTED:
        suspension = statutory_clock.open_clock_suspension(application)
        if suspension is not None:
            return CaseClock(
                deadline,
                running=False,
                stopped_since=suspension.started_on,
                respond_by=suspension.respond_by,
                request_letter_id=suspension.letter_id,
                projected_deadline=statutory_clock.projected_deadline(
                    application, suspension, today
                ),
            )
    if application.status in RUNNING_STATUSES and deadline is not None:
        return CaseClock(deadline, running=True, days_left=(deadline - today).days)
    if application.status in RUNNING_STATUSES and statutory_clock.period_start(application) is None:
        return CaseClock(None, running=False, waiting_for_payment=True)
    return CaseClock(deadline, running=False)


def reply_received_column():
    """For a case (correlated to Application): the day the answer to its latest request for
    information arrived, or NULL. An answer is a reply sent in the portal, or a reply staff
    registered before the respond-by date passed (a clock resumed later ran out of term)."""
    earlier = aliased(ClockSuspension)
    # Correlated to the outermost query's Application, two levels up.
    latest = (
        select(func.max(earlier.id))
        .where(earlier.application_id == Application.id)
        .correlate(Application)
        .scalar_subquery()
    )
    return (
        select(ClockSuspension.ended_on)
        .where(
            ClockSuspension.id == latest,
            ClockSuspension.ended_on.is_not(None),
            or_(
                ClockSuspension.ended_on <= ClockSuspension.respond_by,
                exists().where(CaseReply.letter_id == ClockSuspension.letter_id),
            ),
        )
        .scalar_subquery()
    )


def reply_received_on(application: Application) -> date | None:
    if application.status not in RUNNING_STATUSES:
        return None
    return db.session.scalar(
        select(reply_received_column()).where(Application.id == application.id)
    )


def event_activity(event: StatusEvent) -> str:
    """What the step was: a key of labels.ACTIVITY."""
    to_status, from_status = event.to_status, event.from_status
    if to_status == ApplicationStatus.IN_REVIEW:
        if from_status == ApplicationStatus.INFORMATION_REQUESTED:
            # The sponsor's answer restarts the clock; staff restart it for a reply that came
            # another way or when the term ran out.
            staff = event.actor is not None and event.actor.is_staff
            return "clock_resumed" if staff else "reply_sent"
        return "review_started"
    if to_status == ApplicationStatus.DRAFT:
        return "started"
    return to_status.value


@dataclass(frozen=True)
class CaseDocument:
    document: Document
    reply: CaseReply | None  # None: sent with the application

    @property
    def sent_on(self):
        return self.reply.created_at if self.reply is not None else self.document.uploaded_at


def case_documents(application: Application) -> list[CaseDocument]:
    """The case's documents: the application's own (in upload order), then those sent with
    replies to letters (oldest reply first)."""
    documents = db.session.scalars(
        select(Document)
        .where(
            Document.application_id == application.id,
            Document.organisation_id == application.organisation_id,
        )
        .order_by(Document.id)
    ).all()
    reply_ids = {d.reply_id for d in documents if d.reply_id is not None}
    replies = {}
    if reply_ids:
        replies = {
            r.id: r
            for r in db.session.scalars(select(CaseReply).where(CaseReply.id.in_(reply_ids)))
        }
    own = [CaseDocument(d, None) for d in documents if d.reply_id is None]
    sent = [CaseDocument(d, replies[d.reply_id]) for d in documents if d.reply_id is not None]
    sent.sort(key=lambda item: (item.reply.created_at, item.reply.id, item.document.id))
    return own + sent
