"""Management information and the process-mining event log (back office, supervisors).

Every figure is computed in SQL (counts, and the median by ORDER BY … OFFSET) or in Python
over a result bounded by the period (decisions per hour or per day), and works on SQLite and
PostgreSQL alike. The event log is streamed: a few hundred cases in memory at a time.
"""

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from xml.sax.saxutils import quoteattr

from sqlalchemy import case, func, select

from portal.backoffice.audit_log import local_midnight
from portal.backoffice.weekly import local_day_counts
from portal.cases.work_queue import QUEUE_STATUSES
from portal.clock import AMSTERDAM
from portal.csv_io import csv_line_writer
from portal.extensions import db
from portal.models import Application, ApplicationKind, ApplicationStatus, StatusEvent, User

DEFAULT_WEEKS = 12
MAX_PERIOD_DAYS = 3 * 366
DECISIONS = (ApplicationStatus.GRANTED, ApplicationStatus.REFUSED)
EVENT_LOG_BATCH = 500


def default_period(today: date) -> tuple[date, date]:
    """The last 12 ISO weeks: from the Monday 11 weeks before this week's, up to today."""
    monday = today - timedelta(days=today.weekday())
    return monday - timedelta(weeks=DEFAULT_WEEKS - 1), today


# --- figures ------------------------------------------------------------------------------


@dataclass
class KindFigures:
    kind: ApplicationKind
    open: int = 0
    clock_stopped: int = 0
    past_deadline: int = 0
    decided: int = 0
    granted: int = 0
    refused: int = 0
    median_days: float | None = None


@dataclass
class WeekFigures:
    year: int
    week: int
    monday: date
    granted: int = 0
    refused: int = 0

    @property
    def label(self) -> str:
        return f"{self.year}-W{self.week:02d}"


@dataclass
class Figures:
    start: date
    end: date
    kinds: list[KindFigures]
    weeks: list[WeekFigures]
    median_days: float | None
    totals: KindFigures = field(init=False)

    def __post_init__(self):
        totals = KindFigures(kind=None)
        for row in self.kinds:
            for name in ("open", "clock_stopped", "past_deadline", "decided", "granted", "refused"):
                setattr(totals, name, getattr(totals, name) + getattr(row, name))
        totals.median_days = self.median_days
        self.totals = totals


def _days_to_decision():
    """Elapsed days from submission to decision (fractional), in this database's SQL."""
    if db.session.get_bind().dialect.name == "postgresql":
        return func.extract("epoch", Application.decided_at - Application.submitted_at) / 86400.0
    return func.julianday(Application.decided_at) - func.julianday(Application.submitted_at)


def _decided_in(start: date, end: date):
    return (
        Application.status.in_(DECISIONS),
        Application.submitted_at.is_not(None),
        Application.decided_at >= local_midnight(start),
        Application.decided_at < local_midnight(end + timedelta(days=1)),
    )


def _median(conditions, count: int) -> float | None:
    """The median of days to decision over `count` rows: the middle one or two, by OFFSET."""
    if count == 0:
        return None
    days = _days_to_decision()
    middle = db.session.scalars(
        select(days).where(*conditions).order_by(days).offset((count - 1) // 2).limit(2 - count % 2)
    ).all()
    return round(sum(float(value) for value in middle) / len(middle), 1)


def _local_decision_days(start: date, end: date) -> list[tuple[date, ApplicationStatus, int]]:
    """Decisions per Amsterdam day and outcome, bounded by the period."""
    rows = local_day_counts(
        Application.decided_at, _decided_in(start, end), by=(Application.status,)
    )
    return [(day, ApplicationStatus(status), count) for day, status, count in rows]


def _weeks(start: date, end: date) -> list[WeekFigures]:
    weeks = []
    monday = start - timedelta(days=start.weekday())
    while monday <= end:
        year, week, _ = monday.isocalendar()
        weeks.append(WeekFigures(year=year, week=week, monday=monday))
        monday += timedelta(weeks=1)
    return weeks


def figures(today: date, start: date, end: date) -> Figures:
    """Backlog and past-deadline cases now; decisions and median days over [start, end]."""
    by_kind = {kind: KindFigures(kind=kind) for kind in ApplicationKind}
    running = Application.status != ApplicationStatus.INFORMATION_REQUESTED
    backlog = db.session.execute(
        select(
            Application.kind,
            func.count(),
            func.sum(case((Application.status == ApplicationStatus.INFORMATION_REQUESTED, 1))),
            func.sum(case(((running & (Application.decision_deadline < today)), 1))),
        )
        .where(Application.status.in_(QUEUE_STATUSES))
        .group_by(Application.kind)
    ).all()
    for kind, count, stopped, late in backlog:
        row = by_kind[ApplicationKind(kind)]
        row.open, row.clock_stopped, row.past_deadline = count, stopped or 0, late or 0

    decided = _decided_in(start, end)
    outcomes = db.session.execute(
        select(Application.kind, Application.status, func.count())
        .where(*decided)
        .group_by(Application.kind, Application.status)
    ).all()
    for kind, status, count in outcomes:
        row = by_kind[ApplicationKind(kind)]
        row.decided += count
        if ApplicationStatus(status) == ApplicationStatus.GRANTED:
            row.granted += count
        else:
            row.refused += count
    for row in by_kind.values():
        row.median_days = _median((*decided, Application.kind == row.kind), row.decided)

    weeks = _weeks(start, end)
    index = {(w.year, w.week): w for w in weeks}
    for day, status, count in _local_decision_days(start, end):
        year, week, _ = day.isocalendar()
        target = index.get((year, week))
        if target is None:  # pragma: no cover - the period bounds the days
            continue
        if status == ApplicationStatus.GRANTED:
            target.granted += count
        else:
            target.refused += count

    total = sum(row.decided for row in by_kind.values())
    return Figures(
        start=start,
        end=end,
        kinds=list(by_kind.values()),
        weeks=weeks,
        median_days=_median(decided, total),
    )


# --- the event log ------------------------------------------------------------------------

# Activity names are fixed English identifiers, the same in every export and language,
# so that a process-mining tool sees one activity per step.
ACTIVITY_BY_STATUS = {
    ApplicationStatus.DRAFT: "Application started",
    ApplicationStatus.SUBMITTED: "Application submitted",
    ApplicationStatus.INFORMATION_REQUESTED: "Information requested",
    ApplicationStatus.GRANTED: "Granted",
    ApplicationStatus.REFUSED: "Refused",
    ApplicationStatus.WITHDRAWN: "Withdrawn",
    ApplicationStatus.NOT_CONSIDERED: "Not considered",
}


def activity(from_status: ApplicationStatus | None, to_status: ApplicationStatus) -> str:
    if to_status == ApplicationStatus.IN_REVIEW:
        if from_status == ApplicationStatus.INFORMATION_REQUESTED:
            return "Reply received"
        return "Review started"
    return ACTIVITY_BY_STATUS.get(to_status, to_status.value)


@dataclass(frozen=True)
class LogEvent:
    case_id: str
    activity: str
    timestamp: datetime
    resource: str
    role: str
    kind: str
    category: str

    @property
    def iso_timestamp(self) -> str:
        return self.timestamp.astimezone(AMSTERDAM).isoformat(timespec="milliseconds")


def resource(actor_id: int | None, staff_role) -> tuple[str, str]:
    """Who did it, pseudonymously: "staff-12" / "sponsor-34" and the role, never a name or an
    e-mail address (the export leaves the portal for analysis tools; staff with access to the
    portal can still look the id up). "system" when no user acted."""
    if actor_id is None:
        return "system", "system"
    if staff_role is not None:
        return f"staff-{actor_id}", getattr(staff_role, "value", staff_role)
    return f"sponsor-{actor_id}", "sponsor"


def _cases(start: date | None, end: date | None, after_id: int, limit: int):
    statement = (
        select(Application.id, Application.reference, Application.kind, Application.category)
        .where(Application.reference.is_not(None), Application.submitted_at.is_not(None))
        .where(Application.id > after_id)
        .order_by(Application.id)
        .limit(limit)
    )
    if start is not None:
        statement = statement.where(Application.submitted_at >= local_midnight(start))
    if end is not None:
        statement = statement.where(
            Application.submitted_at < local_midnight(end + timedelta(days=1))
        )
    return db.session.execute(statement).all()


def event_log(
    start: date | None = None, end: date | None = None, batch: int = EVENT_LOG_BATCH
) -> Iterator[list[LogEvent]]:
    """Traces, one list of events per case in time order, for the cases submitted in the
    period (whole traces: every event of such a case, also after the period), `batch` cases
    in memory at a time."""
    after_id = 0
    while True:
        cases = _cases(start, end, after_id, batch)
        if not cases:
            return
        info = {row.id: row for row in cases}
        rows = db.session.execute(
            select(
                StatusEvent.application_id,
                StatusEvent.from_status,
                StatusEvent.to_status,
                StatusEvent.occurred_at,
                StatusEvent.actor_id,
                User.staff_role,
            )
            .outerjoin(User, User.id == StatusEvent.actor_id)
            .where(StatusEvent.application_id.in_(list(info)))
            .order_by(StatusEvent.application_id, StatusEvent.occurred_at, StatusEvent.id)
        ).all()
        trace: list[LogEvent] = []
        current = None
        for row in rows:
            if row.application_id != current and trace:
                yield trace
                trace = []
            current = row.application_id
            case_row = info[row.application_id]
            who, role = resource(row.actor_id, row.staff_role)
            trace.append(
                LogEvent(
                    case_id=case_row.reference,
                    activity=activity(row.from_status, row.to_status),
                    timestamp=row.occurred_at,
                    resource=who,
                    role=role,
                    kind=getattr(case_row.kind, "value", case_row.kind),
                    category=getattr(case_row.category, "value", case_row.category),
                )
            )
        if trace:
            yield trace
        if len(cases) < batch:
            return
        after_id = cases[-1].id


EVENT_LOG_COLUMNS = ["case_id", "activity", "timestamp", "resource", "role", "kind", "category"]


def event_log_csv(start: date | None, end: date | None) -> Iterator[str]:
    """The event log as CSV for process-mining tools: UTF-8 without a BOM (tools read the
    first column name literally), one row per event, cells neutralised all the same."""
    line = csv_line_writer()
    yield line(EVENT_LOG_COLUMNS)
    for trace in event_log(start, end):
        yield "".join(
            line([e.case_id, e.activity, e.iso_timestamp, e.resource, e.role, e.kind, e.category])
            for e in trace
        )


XES_HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<log xes.version="1849-2016" xes.features="" xmlns="http://www.xes-standard.org/">
  <extension name="Concept" prefix="concept" uri="http://www.xes-standard.org/concept.xesext"/>
  <extension name="Time" prefix="time" uri="http://www.xes-standard.org/time.xesext"/>
  <extension name="Organizational" prefix="org" uri="http://www.xes-standard.org/org.xesext"/>
  <extension name="Lifecycle" prefix="lifecycle" uri="http://www.xes-standard.org/lifecycle.xesext"/>
  <global scope="trace">
    <string key="concept:name" value="UNKNOWN"/>
  </global>
  <global scope="event">
    <string key="concept:name" value="UNKNOWN"/>
    <date key="time:timestamp" value="1970-01-01T00:00:00.000+00:00"/>
    <string key="org:resource" value="UNKNOWN"/>
    <string key="lifecycle:transition" value="complete"/>
  </global>
  <classifier name="Activity" keys="concept:name"/>
  <string key="concept:name" value="IND Sponsor Portal cases"/>
"""


def _xes_string(key: str, value: str, indent: str) -> str:
    return f"{indent}<string key={quoteattr(key)} value={quoteattr(value)}/>\n"


def event_log_xes(start: date | None, end: date | None) -> Iterator[str]:
    """The same event log as XES (IEEE 1849): log > trace (concept:name = the case
    reference, kind, category) > event (concept:name, time:timestamp, org:resource, org:role,
    lifecycle:transition = complete). Streamed one trace at a time."""
    yield XES_HEAD
    for trace in event_log(start, end):
        first = trace[0]
        parts = ["  <trace>\n"]
        parts.append(_xes_string("concept:name", first.case_id, "    "))
        parts.append(_xes_string("kind", first.kind, "    "))
        parts.append(_xes_string("category", first.category, "    "))
        for e in trace:
            parts.append("    <event>\n")
            parts.append(_xes_string("concept:name", e.activity, "      "))
            parts.append(f'      <date key="time:timestamp" value={quoteattr(e.iso_timestamp)}/>\n')
            parts.append(_xes_string("org:resource", e.resource, "      "))
            parts.append(_xes_string("org:role", e.role, "      "))
            parts.append(_xes_string("lifecycle:transition", "complete", "      "))
            parts.append("    </event>\n")
        parts.append("  </trace>\n")
        yield "".join(parts)
    yield "</log>\n"
