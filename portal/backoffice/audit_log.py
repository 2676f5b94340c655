"""Searching the audit trail (back office): by actor, organisation, action and period.

Newest first, keyset-paginated on (occurred_at, id) — index ix_audit_event_time_id — so a
page costs the same at the start of the log and ten years back. The CSV export walks the
same query in batches: bounded memory whatever the size of the result.
"""

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import and_, or_, select

from portal.clock import AMSTERDAM
from portal.extensions import db
from portal.inputs import parse_id, parse_whole
from portal.models import Application, AuditEvent, Organisation, User

PAGE_SIZE = 50
EXPORT_BATCH = 500
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class AuditQuery:
    actor: str | None = None  # an e-mail address, or part of one
    organisation: str | None = None  # a KvK number, or (part of) the legal name
    action: str | None = None  # an action (AuditAction value)
    start: date | None = None  # Amsterdam dates, both inclusive
    end: date | None = None

    def as_details(self) -> dict:
        """What was searched for, for the audit event of the search itself."""
        values = {
            "actor": self.actor,
            "organisation": self.organisation,
            "action": self.action,
            "from": self.start.isoformat() if self.start else None,
            "to": self.end.isoformat() if self.end else None,
        }
        return {key: value for key, value in values.items() if value}


@dataclass(frozen=True)
class Cursor:
    """The last row shown: the next page starts just after (older than) it."""

    occurred_at: datetime
    id: int

    def token(self) -> str:
        micros = (self.occurred_at - _EPOCH) // timedelta(microseconds=1)
        return f"{micros}.{self.id}"

    @classmethod
    def parse(cls, token: str | None) -> "Cursor | None":
        """A cursor from the URL; anything malformed means 'from the newest'."""
        if not token or len(token) > 40:
            return None
        raw_micros, _, raw_id = token.partition(".")
        micros, event_id = parse_whole(raw_micros, 10**18), parse_id(raw_id)
        if micros is None or event_id is None:
            return None
        try:
            moment = _EPOCH + timedelta(microseconds=micros)
        except OverflowError:
            return None
        return cls(moment, event_id)


@dataclass(frozen=True)
class AuditRow:
    id: int
    occurred_at: datetime
    actor_id: int | None
    actor_email: str | None
    actor_role: str | None  # staff role, "sponsor", or None for the system
    action: str
    organisation_id: int | None
    organisation_name: str | None
    kvk_number: str | None
    target: str | None
    details: dict | None
    ip_address: str | None

    @property
    def details_text(self) -> str:
        if not self.details:
            return ""
        return json.dumps(self.details, ensure_ascii=False, sort_keys=True, default=str)


@dataclass(frozen=True)
class AuditPage:
    rows: list[AuditRow]
    next_cursor: Cursor | None


def _contains(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def local_midnight(day: date) -> datetime:
    return datetime.combine(day, time(), AMSTERDAM)


def _conditions(query: AuditQuery) -> list:
    conditions = []
    if query.actor:
        conditions.append(
            AuditEvent.actor_id.in_(
                select(User.id).where(User.email.ilike(_contains(query.actor), escape="\\"))
            )
        )
    if query.organisation:
        conditions.append(
            AuditEvent.organisation_id.in_(
                select(Organisation.id).where(
                    or_(
                        Organisation.kvk_number == query.organisation,
                        Organisation.legal_name.ilike(_contains(query.organisation), escape="\\"),
                    )
                )
            )
        )
    if query.action:
        conditions.append(AuditEvent.action == query.action)
    if query.start:
        conditions.append(AuditEvent.occurred_at >= local_midnight(query.start))
    if query.end:
        conditions.append(AuditEvent.occurred_at < local_midnight(query.end + timedelta(days=1)))
    return conditions


def _statement(query: AuditQuery, after: Cursor | None, limit: int):
    statement = (
        select(
            AuditEvent,
            User.email,
            User.staff_role,
            Organisation.legal_name,
            Organisation.kvk_number,
        )
        .outerjoin(User, User.id == AuditEvent.actor_id)
        .outerjoin(Organisation, Organisation.id == AuditEvent.organisation_id)
        .where(*_conditions(query))
        .order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc())
        .limit(limit)
    )
    if after is not None:
        statement = statement.where(
            or_(
                AuditEvent.occurred_at < after.occurred_at,
                and_(AuditEvent.occurred_at == after.occurred_at, AuditEvent.id < after.id),
            )
        )
    return statement


def _targets(events: list[AuditEvent]) -> dict[tuple[str, int], str]:
    """Readable targets: a case by its reference; anything else as 'kind #id'."""
    case_ids = {
        e.target_id for e in events if e.target_type == "application" and e.target_id is not None
    }
    references = {}
    if case_ids:
        references = dict(
            db.session.execute(
                select(Application.id, Application.reference).where(Application.id.in_(case_ids))
            ).all()
        )
    found = {}
    for e in events:
        if e.target_type is None:
            continue
        key = (e.target_type, e.target_id)
        reference = references.get(e.target_id) if e.target_type == "application" else None
        found[key] = (
            f"{e.target_type} {reference}" if reference else f"{e.target_type} #{e.target_id}"
        )
    return found


def _batch(query: AuditQuery, after: Cursor | None, limit: int) -> list[AuditRow]:
    results = db.session.execute(_statement(query, after, limit)).all()
    events = [result[0] for result in results]
    targets = _targets(events)
    rows = []
    for event, email, staff_role, name, kvk in results:
        if event.actor_id is None:
            role = None
        else:
            role = staff_role.value if staff_role is not None else "sponsor"
        rows.append(
            AuditRow(
                id=event.id,
                occurred_at=event.occurred_at,
                actor_id=event.actor_id,
                actor_email=email,
                actor_role=role,
                action=event.action,
                organisation_id=event.organisation_id,
                organisation_name=name,
                kvk_number=kvk,
                target=targets.get((event.target_type, event.target_id)),
                details=event.details,
                ip_address=event.ip_address,
            )
        )
    for event in events:
        db.session.expunge(event)
    return rows


def search(query: AuditQuery, after: Cursor | None = None, size: int = PAGE_SIZE) -> AuditPage:
    """One page, newest first; `next_cursor` is set when older rows exist."""
    rows = _batch(query, after, size + 1)
    more = len(rows) > size
    rows = rows[:size]
    last = rows[-1] if more else None
    return AuditPage(rows, Cursor(last.occurred_at, last.id) if last else None)


def iterate(query: AuditQuery, batch: int = EXPORT_BATCH) -> Iterator[AuditRow]:
    """Every matching row, newest first, `batch` rows in memory at a time."""
    after = None
    while True:
        rows = _batch(query, after, batch)
        yield from rows
        if len(rows) < batch:
            return
        after = Cursor(rows[-1].occurred_at, rows[-1].id)


CSV_HEADER = [
    "occurred_at",
    "actor_id",
    "actor_email",
    "actor_role",
    "action",
    "organisation_id",
    "organisation",
    "kvk_number",
    "target",
    "details",
    "ip_address",
]


def csv_rows(query: AuditQuery) -> Iterator[list]:
    for row in iterate(query):
        yield [
            row.occurred_at.astimezone(AMSTERDAM).isoformat(),
            row.actor_id,
            row.actor_email,
            row.actor_role,
            row.action,
            row.organisation_id,
            row.organisation_name,
            row.kvk_number,
            row.target,
            row.details_text,
            row.ip_address,
        ]
