"""Management information per ISO week (Amsterdam): cases in, cases decided and how many of
those within the statutory period, and the backlog (open cases) at the end of each week; and
per application type the share decided within the statutory period.

Counts come from SQL grouped per Amsterdam day (PostgreSQL) or per UTC hour put on its
Amsterdam day here (SQLite has no time zones): `local_day_counts`, bounded by the period.
The backlog at the end of a week is counted back from today's open cases: those submitted
since then are taken off, those decided or withdrawn since then put back.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import func, select

from portal.backoffice.audit_log import local_midnight
from portal.cases.work_queue import QUEUE_STATUSES
from portal.clock import AMSTERDAM
from portal.extensions import db
from portal.models import Application, ApplicationKind, ApplicationStatus, StatusEvent

DECISIONS = (ApplicationStatus.GRANTED, ApplicationStatus.REFUSED)


def local_day_counts(moment, conditions, by=()) -> list[tuple]:
    """(Amsterdam day, *by values, count) for the rows matching `conditions`, by `moment`."""
    if db.session.get_bind().dialect.name == "postgresql":
        bucket = func.date(func.timezone("Europe/Amsterdam", moment))
    else:
        bucket = func.strftime("%Y-%m-%d %H:00:00", moment)
    rows = db.session.execute(
        select(bucket, *by, func.count()).where(*conditions).group_by(bucket, *by)
    ).all()
    result = []
    for value, *rest in rows:
        if isinstance(value, str) and " " in value:  # SQLite: a UTC hour
            moment_utc = datetime.fromisoformat(value).replace(tzinfo=UTC)
            day = moment_utc.astimezone(AMSTERDAM).date()
        else:
            day = value if isinstance(value, date) else date.fromisoformat(str(value))
        result.append((day, *rest))
    return result


def _between(moment, start: date, end: date) -> tuple:
    return moment >= local_midnight(start), moment < local_midnight(end + timedelta(days=1))


def share(part: int, whole: int) -> float | None:
    """`part` of `whole` as a percentage with one decimal; None when there is no whole."""
    return round(100 * part / whole, 1) if whole else None


@dataclass
class Week:
    year: int
    week: int
    monday: date
    submitted: int = 0
    decided: int = 0
    in_time: int = 0  # decided on or before the statutory deadline
    with_deadline: int = 0  # decided with a deadline (a clock that ran)
    backlog: int | None = None  # open at the end of the week (today, for this week)

    @property
    def share_in_time(self) -> float | None:
        return share(self.in_time, self.with_deadline)


@dataclass
class KindTimeliness:
    kind: ApplicationKind
    in_time: int = 0
    with_deadline: int = 0

    @property
    def share_in_time(self) -> float | None:
        return share(self.in_time, self.with_deadline)


@dataclass
class Flow:
    weeks: list[Week]
    kinds: dict[ApplicationKind, KindTimeliness]
    in_time: int
    with_deadline: int

    @property
    def share_in_time(self) -> float | None:
        return share(self.in_time, self.with_deadline)


def _week_of(weeks: dict, day: date) -> Week | None:
    year, week, _ = day.isocalendar()
    return weeks.get((year, week))


def flow(today: date, start: date, end: date) -> Flow:
    """The weeks from `start`'s Monday to `end`; per type the decisions in [start, end]."""
    weeks, monday = [], start - timedelta(days=start.weekday())
    while monday <= end:
        year, number, _ = monday.isocalendar()
        weeks.append(Week(year, number, monday))
        monday += timedelta(weeks=1)
    by_week = {(w.year, w.week): w for w in weeks}
    kinds = {kind: KindTimeliness(kind) for kind in ApplicationKind}
    first = weeks[0].monday
    last = max(today, end)  # the backlog counts back from today

    submitted = local_day_counts(
        Application.submitted_at, _between(Application.submitted_at, first, last)
    )
    decided = local_day_counts(
        Application.decided_at,
        (
            Application.status.in_(DECISIONS),
            Application.submitted_at.is_not(None),
            *_between(Application.decided_at, first, last),
        ),
        by=(Application.kind, Application.decision_deadline),
    )
    withdrawn = local_day_counts(
        StatusEvent.occurred_at,
        (
            Application.status == ApplicationStatus.WITHDRAWN,
            StatusEvent.application_id == Application.id,
            StatusEvent.to_status == ApplicationStatus.WITHDRAWN,
            StatusEvent.from_status.in_(QUEUE_STATUSES),
            *_between(StatusEvent.occurred_at, first, last),
        ),
    )
    open_now = db.session.scalar(select(func.count()).where(Application.status.in_(QUEUE_STATUSES)))

    # Change of the backlog per day: + submitted, − decided, − withdrawn.
    change: dict[date, int] = {}
    for day, count in submitted:
        change[day] = change.get(day, 0) + count
        if (week := _week_of(by_week, day)) and day <= end:
            week.submitted += count
    for day, kind, deadline, count in decided:
        change[day] = change.get(day, 0) - count
        if day < start or day > end:
            continue
        in_time = deadline is not None and day <= deadline
        if week := _week_of(by_week, day):
            week.decided += count
            week.with_deadline += count if deadline is not None else 0
            week.in_time += count if in_time else 0
        row = kinds[ApplicationKind(kind)]
        row.with_deadline += count if deadline is not None else 0
        row.in_time += count if in_time else 0
    for day, count in withdrawn:
        change[day] = change.get(day, 0) - count

    # Count back from today: the backlog at the end of a week is today's less what came in
    # after it, plus what left after it.
    for week in weeks:
        week_end = min(week.monday + timedelta(days=6), today)
        after = sum(delta for day, delta in change.items() if day > week_end)
        week.backlog = max(open_now - after, 0) if week.monday <= today else None
    return Flow(
        weeks=weeks,
        kinds=kinds,
        in_time=sum(k.in_time for k in kinds.values()),
        with_deadline=sum(k.with_deadline for k in kinds.values()),
    )
