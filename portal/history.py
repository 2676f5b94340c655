"""Change history: one row per changed field, with who, when, old and new value."""

from datetime import date
from enum import Enum

from flask import g, has_request_context
from sqlalchemy import select

from portal.extensions import db
from portal.models import ChangeHistory, ChangeSubject


def as_text(value) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _acting_organisation_id() -> int | None:
    context = g.get("context") if has_request_context() else None
    if context is None or context.mandate is None:
        return None
    return context.intermediary.id


def apply_changes(
    subject,
    subject_type: ChangeSubject,
    organisation_id: int,
    changes: dict,
    actor,
    *,
    change_report_id: int | None = None,
) -> list[ChangeHistory]:
    """Set each attribute that differs and keep a history row for it; returns the rows."""
    rows = []
    for field, new in changes.items():
        old = getattr(subject, field)
        if as_text(old) == as_text(new):
            continue
        setattr(subject, field, new)
        row = ChangeHistory(
            organisation_id=organisation_id,
            subject_type=subject_type,
            subject_id=subject.id,
            field=field,
            old_value=as_text(old),
            new_value=as_text(new),
            actor_id=getattr(actor, "id", None),
            acting_organisation_id=_acting_organisation_id(),
            change_report_id=change_report_id,
        )
        db.session.add(row)
        rows.append(row)
    return rows


def history_of(subject_type: ChangeSubject, subject_id: int, organisation_id: int, limit=200):
    """Newest first; scoped to the organisation."""
    return db.session.scalars(
        select(ChangeHistory)
        .where(
            ChangeHistory.subject_type == subject_type,
            ChangeHistory.subject_id == subject_id,
            ChangeHistory.organisation_id == organisation_id,
        )
        .order_by(ChangeHistory.changed_at.desc(), ChangeHistory.id.desc())
        .limit(limit)
    ).all()
