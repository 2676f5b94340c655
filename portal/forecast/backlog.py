"""The backlog forecast for supervisors (issue 24, method in docs/forecast.md): per application
kind, the open cases, the weekly inflow and decisions of the last weeks, and for the coming
weeks the backlog and the cases past their statutory deadline — under the current capacity and
under a capacity the supervisor enters as a number of reviewers more (or fewer).

A plain flow model: each week the average inflow arrives (each new case's deadline the decision
period after its arrival) and the average number of decisions leaves, the cases with the
earliest deadline first (the best case for deadlines). The penalty exposure is an upper bound:
as if every applicant past the deadline had sent a notice of default on the day it passed
(amounts: reference data, unverified).
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import func, select

from portal import reference
from portal.backoffice.audit_log import local_midnight
from portal.cases.work_queue import CASE_HANDLERS, QUEUE_STATUSES
from portal.extensions import db
from portal.models import Application, ApplicationKind, ApplicationStatus, User

WEEKS_AHEAD = 12
WEEKS_MEASURED = 8
DECISIONS = (ApplicationStatus.GRANTED, ApplicationStatus.REFUSED)


@dataclass
class Week:
    monday: date
    backlog: int = 0
    past_deadline: int = 0
    exposure_cents: int = 0


@dataclass
class KindForecast:
    kind: ApplicationKind
    open: int
    inflow_per_week: float
    decisions_per_week: float
    weeks: list[Week] = field(default_factory=list)


@dataclass
class Forecast:
    today: date
    reviewers: int
    extra_reviewers: int
    kinds: list[KindForecast]
    scenario: list[KindForecast] | None  # with the extra reviewers; None without a change

    def total(self, which: str = "kinds") -> list[Week]:
        rows = getattr(self, which) or []
        weeks = [Week(w.monday) for w in rows[0].weeks] if rows else []
        for row in rows:
            for total, week in zip(weeks, row.weeks, strict=True):
                total.backlog += week.backlog
                total.past_deadline += week.past_deadline
                total.exposure_cents += week.exposure_cents
        return weeks


def _period_days(kind: ApplicationKind, today: date) -> int:
    return reference.decision_period_days("residence" if kind.is_residence else kind.value, today)


def project(
    deadlines: list[date | None],
    inflow: float,
    capacity: float,
    period_days: int,
    today: date,
    penalty: reference.PenaltyRules,
) -> list[Week]:
    """The flow model for one kind: `deadlines` of the open cases (None: the clock stands
    still or has not started, so no deadline can pass)."""
    queue = sorted(deadlines, key=lambda d: d or date.max)
    arrived = decided = 0.0
    weeks = []
    for number in range(1, WEEKS_AHEAD + 1):
        monday = today + timedelta(weeks=number - 1)
        end = today + timedelta(weeks=number)
        arrived += inflow
        new = int(arrived)
        arrived -= new
        queue += [monday + timedelta(days=3 + period_days)] * new
        queue.sort(key=lambda d: d or date.max)
        decided += capacity
        leaving = min(int(decided), len(queue))
        decided -= int(decided)
        queue = queue[leaving:]
        late = [d for d in queue if d is not None and d < end]
        weeks.append(
            Week(
                monday,
                backlog=len(queue),
                past_deadline=len(late),
                exposure_cents=sum(penalty.cents_after((end - d).days) for d in late),
            )
        )
    return weeks


def _per_week(column, kind, today: date) -> float:
    since = local_midnight(today - timedelta(weeks=WEEKS_MEASURED))
    conditions = [Application.kind == kind, column >= since]
    if column is Application.decided_at:
        conditions.append(Application.status.in_(DECISIONS))
    count = db.session.scalar(select(func.count()).select_from(Application).where(*conditions))
    return count / WEEKS_MEASURED


def active_reviewers() -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(User)
        .where(User.staff_role.in_(CASE_HANDLERS), User.active.is_(True))
    )


def forecast(today: date, extra_reviewers: int = 0) -> Forecast:
    penalty = reference.late_decision_penalty(today)
    reviewers = active_reviewers()
    open_deadlines: dict[ApplicationKind, list] = {kind: [] for kind in ApplicationKind}
    for kind, status, deadline in db.session.execute(
        select(Application.kind, Application.status, Application.decision_deadline).where(
            Application.status.in_(QUEUE_STATUSES)
        )
    ):
        stopped = ApplicationStatus(status) == ApplicationStatus.INFORMATION_REQUESTED
        open_deadlines[ApplicationKind(kind)].append(None if stopped else deadline)

    def kinds(factor: float) -> list[KindForecast]:
        rows = []
        for kind in ApplicationKind:
            inflow = _per_week(Application.submitted_at, kind, today)
            capacity = _per_week(Application.decided_at, kind, today)
            row = KindForecast(kind, len(open_deadlines[kind]), inflow, capacity)
            row.weeks = project(
                open_deadlines[kind],
                inflow,
                capacity * factor,
                _period_days(kind, today),
                today,
                penalty,
            )
            rows.append(row)
        return rows

    scenario = None
    if extra_reviewers and reviewers:
        scenario = kinds(max(reviewers + extra_reviewers, 0) / reviewers)
    return Forecast(today, reviewers, extra_reviewers, kinds(1.0), scenario)
