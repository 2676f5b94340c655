"""Oversight of sponsors by the IND: an organisation's history, search, and sanctions."""

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import and_, or_, select

from portal import clock
from portal.collation import by_name
from portal.extensions import db
from portal.models import (
    Application,
    ApplicationKind,
    Organisation,
    Recognition,
    RecognitionStatus,
    Report,
    Sanction,
)
from portal.models.application import OPEN_STATUSES, ApplicationStatus
from portal.organisations import kvk

REPORTS_SHOWN = 50


@dataclass
class History:
    applications: list
    recognitions: list
    sanctions: list
    states: dict  # recognition id → its status as it counts today (effective_status)
    reports: list = field(default_factory=list)


def history(organisation: Organisation, exclude: Application | None = None) -> History:
    """Earlier cases, recognitions and sanctions of an organisation, newest first."""
    applications = select(Application).where(
        Application.organisation_id == organisation.id,
        Application.status != ApplicationStatus.DRAFT,
    )
    if exclude is not None:
        applications = applications.where(Application.id != exclude.id)
    recognitions = db.session.scalars(
        select(Recognition)
        .where(Recognition.organisation_id == organisation.id)
        .order_by(Recognition.category)
    ).all()
    today = clock.today()
    return History(
        applications=db.session.scalars(
            applications.order_by(Application.submitted_at.desc(), Application.id.desc())
        ).all(),
        recognitions=recognitions,
        states={r.id: effective_status(r, today) for r in recognitions},
        sanctions=db.session.scalars(
            select(Sanction)
            .where(Sanction.organisation_id == organisation.id)
            .order_by(Sanction.created_at.desc(), Sanction.id.desc())
        ).all(),
        reports=db.session.scalars(
            select(Report)
            .where(Report.organisation_id == organisation.id)
            .order_by(Report.id.desc())
            .limit(REPORTS_SHOWN)
        ).all(),
    )


def escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def search_organisations(text: str, limit: int = 100):
    """By KvK number (exact or prefix) or by name (contains), case-insensitive."""
    text = text.strip()[:200]
    query = select(Organisation)
    if text:
        pattern = f"%{escape_like(text.lower())}%"
        query = query.where(
            or_(
                Organisation.kvk_number.startswith(escape_like(text), escape="\\"),
                Organisation.legal_name.ilike(pattern, escape="\\"),
            )
        )
    # Several accounts may claim one KvK number: the verified one first (organisations.kvk).
    query = query.order_by(kvk.VERIFIED_FIRST, by_name(Organisation.legal_name))
    return db.session.scalars(query.limit(limit)).all()


def mandates(organisation: Organisation) -> list:
    """Mandates given or held, when the mandate model exists (issue 3 builds it)."""
    from portal import models

    mandate = getattr(models, "Mandate", None)
    if mandate is None:
        return []
    columns = [
        getattr(mandate, name)
        for name in ("organisation_id", "sponsor_id", "intermediary_id", "principal_id", "agent_id")
        if hasattr(mandate, name)
    ]
    if not columns:
        return []
    return db.session.scalars(
        select(mandate).where(or_(*(column == organisation.id for column in columns)))
    ).all()


def in_force_clause(on: date):
    """SQL: a recognition counts (register, new applications) when granted, or when its
    suspension ended before `on`."""
    return or_(
        Recognition.status == RecognitionStatus.GRANTED,
        and_(
            Recognition.status == RecognitionStatus.SUSPENDED,
            Recognition.suspended_until.is_not(None),
            Recognition.suspended_until < on,
        ),
    )


def effective_status(recognition: Recognition, on: date | None = None) -> RecognitionStatus:
    """The recognition's status as it counts on a date: a suspension whose last day has
    passed counts as granted, whether or not its ending has been recorded yet."""
    on = on or clock.today()
    if (
        recognition.status == RecognitionStatus.SUSPENDED
        and recognition.suspended_until is not None
        and recognition.suspended_until < on
    ):
        return RecognitionStatus.GRANTED
    return recognition.status


def applied_clause(organisation):
    """Recognition applications submitted and not yet decided: 'applied' in the dashboard's
    states of recognition (cases/lifecycle.category_states)."""
    return and_(
        Application.organisation_id == organisation.id,
        Application.kind == ApplicationKind.RECOGNITION,
        Application.status.in_(OPEN_STATUSES[1:]),
    )
