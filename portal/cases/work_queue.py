"""The back office's work queue: which cases are open, filters and order (a notice of default
first, then the statutory deadline), cases at risk, what an overdue case could cost in
penalties, who can handle cases.
Cases whose decision period has not started (waiting for the payment it runs from) are listed
apart: no deadline, no penalty exposure."""

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import or_, select

from portal import reference
from portal.cases.references import parse_reference
from portal.cases.status import reply_received_column
from portal.collation import by_name
from portal.extensions import db
from portal.models import (
    Application,
    ApplicationStatus,
    NoticeOfDefault,
    Organisation,
    StaffRole,
    User,
)
from portal.oversight.status import escape_like

# Cases staff work on: submitted and not yet decided.
QUEUE_STATUSES = (
    ApplicationStatus.SUBMITTED,
    ApplicationStatus.IN_REVIEW,
    ApplicationStatus.INFORMATION_REQUESTED,
)
DECIDED_STATUSES = (
    ApplicationStatus.GRANTED,
    ApplicationStatus.REFUSED,
    ApplicationStatus.WITHDRAWN,
    ApplicationStatus.NOT_CONSIDERED,
)
AT_RISK_DAYS = 14
CASE_HANDLERS = (StaffRole.REVIEWER, StaffRole.SUPERVISOR)


@dataclass
class QueueFilter:
    kind: str | None = None
    category: str | None = None
    status: str | None = None
    assigned: str | None = None  # "me", "unassigned", or None for all
    due: str | None = None  # "at_risk", "overdue", or None for all
    reply: str | None = None  # "received": the answer to the latest request has arrived
    order: str | None = None  # "reply": replies received first (oldest first); else deadline
    search: str | None = None  # a case reference, a KvK number or part of an organisation's name


def search_clause(text: str):
    """The cases `text` names: a case reference (exact, through its unique index; typed with
    or without dashes and check letter), a KvK number (8 digits: exact, through its index;
    fewer: its start) or part of the organisation's name. None when nothing was typed.
    Names and KvK numbers of organisations are not personal data, so they may be in the URL."""
    text = " ".join(text.split())[:200]
    if not text:
        return None
    reference_typed = parse_reference(text)
    if reference_typed is not None:
        return Application.reference == reference_typed
    if text.isascii() and text.isdigit():
        kvk = (
            Organisation.kvk_number == text
            if len(text) == 8
            else Organisation.kvk_number.startswith(text)
        )
        return Application.organisation_id.in_(select(Organisation.id).where(kvk))
    return Application.organisation_id.in_(select(Organisation.id).where(name_clause(text)))


def name_clause(text: str):
    """Organisations whose legal or trade name contains `text`: ILIKE, answered by trigram
    indexes on PostgreSQL (ix_organisation_legal_name_trgm, ix_organisation_trade_name_trgm)."""
    pattern = f"%{escape_like(text)}%"
    return or_(
        Organisation.legal_name.ilike(pattern, escape="\\"),
        Organisation.trade_name.ilike(pattern, escape="\\"),
    )


def queue_query(filters: QueueFilter, user: User, today: date):
    """Open cases, nearest statutory deadline first (or, ordered by reply, the cases whose
    reply arrived first); generic over Application.kind."""
    query = select(Application).where(
        Application.status.in_(QUEUE_STATUSES), Application.decision_deadline.is_not(None)
    )
    reply_received = reply_received_column()
    searched = search_clause(filters.search or "")
    if searched is not None:
        query = query.where(searched)
    if filters.reply == "received":
        query = query.where(reply_received.is_not(None))
    if filters.kind:
        query = query.where(Application.kind == filters.kind)
    if filters.category:
        query = query.where(Application.category == filters.category)
    if filters.status:
        query = query.where(Application.status == filters.status)
    if filters.assigned == "me":
        query = query.where(Application.assigned_to_id == user.id)
    elif filters.assigned == "unassigned":
        query = query.where(Application.assigned_to_id.is_(None))
    running = Application.status != ApplicationStatus.INFORMATION_REQUESTED
    if filters.due == "overdue":
        query = query.where(running, Application.decision_deadline < today)
    elif filters.due == "at_risk":
        query = query.where(
            running,
            Application.decision_deadline >= today,
            Application.decision_deadline <= today + timedelta(days=AT_RISK_DAYS),
        )
    if filters.order == "reply":
        return query.order_by(
            reply_received.is_(None), reply_received, Application.decision_deadline, Application.id
        )
    # A notice of default on top (the oldest first: its penalty is nearest or running), then
    # the nearest statutory deadline.
    notice = notice_received_column()
    return query.order_by(notice.is_(None), notice, Application.decision_deadline, Application.id)


def notice_received_column():
    """For a case (correlated to Application): the day its notice of default (Awb 4:17,
    portal/cases/default_notice.py) arrived, or NULL."""
    return (
        select(NoticeOfDefault.received_on)
        .where(NoticeOfDefault.application_id == Application.id)
        .correlate(Application)
        .scalar_subquery()
    )


def waiting_for_payment(limit: int, search: str | None = None) -> list[Application]:
    """Open cases whose decision period has not started (it runs from payment, and the fee is
    not paid): listed apart, oldest submission first, with no deadline and no penalty; the
    queue's search narrows them too."""
    query = select(Application).where(
        Application.status.in_(QUEUE_STATUSES), Application.decision_deadline.is_(None)
    )
    searched = search_clause(search or "")
    if searched is not None:
        query = query.where(searched)
    return db.session.scalars(
        query.order_by(Application.submitted_at, Application.id).limit(limit)
    ).all()


def replies_received(case_ids) -> dict[int, date]:
    """For the cases on a page of the queue: the day the reply to the latest request arrived."""
    if not case_ids:
        return {}
    return {
        case_id: received
        for case_id, received in db.session.execute(
            select(Application.id, reply_received_column()).where(
                Application.id.in_(sorted(case_ids))
            )
        )
        if received is not None
    }


@dataclass(frozen=True)
class Exposure:
    """What an overdue case could cost in penalties (Awb 4:17) if a notice of default came."""

    accrued_cents: int  # had the notice arrived the day after the deadline
    maximum_cents: int
    penalty_from_if_notified_today: date


def penalty_exposure(application: Application, today: date) -> Exposure | None:
    """For an overdue case whose clock runs: the penalty a notice of default would bring."""
    deadline = application.decision_deadline
    if (
        deadline is None
        or deadline >= today
        or application.status not in QUEUE_STATUSES
        or application.status == ApplicationStatus.INFORMATION_REQUESTED
    ):
        return None
    rules = reference.late_decision_penalty(today)
    days_since_earliest_notice = (today - deadline).days - 1
    return Exposure(
        accrued_cents=rules.cents_after(days_since_earliest_notice),
        maximum_cents=rules.maximum_cents,
        penalty_from_if_notified_today=today + timedelta(days=rules.grace_days),
    )


def case_handlers():
    return db.session.scalars(
        select(User)
        .where(User.staff_role.in_(CASE_HANDLERS), User.active.is_(True))
        .order_by(by_name(User.name))
    ).all()
