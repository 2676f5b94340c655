"""An open case's expected decision, read by the sponsor's case pages and the API: a date with a
range (portal/forecast/estimator.py), or the reason there is none — the clock stopped for a
request for information, the fee unpaid, or nothing comparable decided yet — and the last thing
that happened on the case ("not forgotten").
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import func, or_, select

from portal import clock
from portal.cases.status import CaseClock
from portal.extensions import db
from portal.forecast.backtest import Case
from portal.forecast.estimator import Estimate, History, calibrate, estimate
from portal.models import Application, ApplicationKind, ApplicationStatus, StatusEvent
from portal.reference.forecast import forecast_method

QUEUE = (
    ApplicationStatus.SUBMITTED,
    ApplicationStatus.IN_REVIEW,
    ApplicationStatus.INFORMATION_REQUESTED,
)
DECISIONS = (ApplicationStatus.GRANTED, ApplicationStatus.REFUSED)


@dataclass(frozen=True)
class Expectation:
    # "date", or why there is none: "clock_stopped", "waiting_for_payment", "nothing_comparable"
    state: str
    computed_on: date
    window_weeks: int
    estimate: Estimate | None = None

    @property
    def range_percent(self) -> int:
        return round(forecast_method(self.computed_on).range_share * 100)


def _lifetimes(*conditions):
    """(kind, submitted on, left the queue on or None, left by a decision) per submitted case:
    left by its decision, or by its last step (a withdrawal)."""
    last_step = (
        select(func.max(StatusEvent.occurred_at))
        .where(StatusEvent.application_id == Application.id)
        .scalar_subquery()
    )
    rows = db.session.execute(
        select(
            Application.kind,
            Application.submitted_at,
            Application.status,
            func.coalesce(Application.decided_at, last_step),
        )
        .where(Application.submitted_at.is_not(None))
        .where(Application.status != ApplicationStatus.DRAFT)
        .where(*conditions)
    )
    for kind, submitted_at, status, left in rows:
        in_queue = ApplicationStatus(status) in QUEUE
        left_on = None if in_queue or left is None else clock.local_date(_aware(left))
        yield (
            ApplicationKind(kind),
            clock.local_date(submitted_at),
            left_on,
            ApplicationStatus(status) in DECISIONS,
        )


def history(kind: ApplicationKind, today: date) -> History:
    """The kind's cases in the queue during the last `history_days`."""
    since = datetime.combine(
        today - timedelta(days=forecast_method(today).history_days), datetime.min.time(), UTC
    )
    in_period = or_(
        Application.submitted_at >= since,
        Application.status.in_(QUEUE),
        Application.decided_at >= since,
    )
    return History.of(row[1:] for row in _lifetimes(Application.kind == kind, in_period))


def recorded_cases() -> list[Case]:
    """Every submitted case in this database, for the backtest."""
    return [Case(kind.value, *row) for kind, *row in _lifetimes()]


def _aware(moment):
    """SQLite returns a coalesced time as text or naive; it is UTC as stored."""
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def cases_ahead(application: Application) -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(Application)
        .where(
            Application.kind == application.kind,
            Application.status.in_(QUEUE),
            Application.submitted_at < application.submitted_at,
            Application.id != application.id,
        )
    )


def expectation_of(
    application: Application, case_clock: CaseClock, today: date
) -> Expectation | None:
    """None for a case that is not in the IND's queue (a draft, or decided)."""
    if application.status not in QUEUE or application.submitted_at is None:
        return None
    window = forecast_method(today).window_weeks
    if case_clock.stopped:
        return Expectation("clock_stopped", today, window)
    if case_clock.waiting_for_payment:
        return Expectation("waiting_for_payment", today, window)
    calibration = calibrate(history(application.kind, today), today, forecast_method(today))
    if calibration is None:
        return Expectation("nothing_comparable", today, window)
    shown = estimate(calibration, cases_ahead(application), today)
    return Expectation("date", today, window, shown)


@dataclass(frozen=True)
class LastStep:
    what: str  # "received", "assigned", "in_review", "information_requested", "reply_received"
    on: datetime


def last_step(application: Application) -> LastStep | None:
    """The last thing that happened on an open case, from its events and its assignment; who
    did it is never named (the sponsor sees the IND's role only)."""
    steps = []
    for event in application.events:
        if event.to_status == ApplicationStatus.SUBMITTED:
            steps.append(LastStep("received", event.occurred_at))
        elif event.to_status == ApplicationStatus.IN_REVIEW:
            replied = event.from_status == ApplicationStatus.INFORMATION_REQUESTED
            steps.append(LastStep("reply_received" if replied else "in_review", event.occurred_at))
        elif event.to_status == ApplicationStatus.INFORMATION_REQUESTED:
            steps.append(LastStep("information_requested", event.occurred_at))
    if application.assigned_at is not None:
        steps.append(LastStep("assigned", application.assigned_at))
    # Assigning a new case starts its review in the same moment: say "assigned" then.
    rank = {"assigned": 1}
    return max(
        steps,
        key=lambda step: (step.on.replace(second=0, microsecond=0), rank.get(step.what, 0)),
        default=None,
    )
