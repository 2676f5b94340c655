"""The organisation profile: edited by administrators, history kept, legal identity locked
once recognised (a change report to the IND instead); a verified KvK number is locked too."""

from sqlalchemy import func, select, update

from portal import audit, history
from portal.audit import AuditAction
from portal.extensions import db
from portal.models import (
    ChangeReport,
    ChangeReportStatus,
    ChangeSubject,
    LegalForm,
    Organisation,
    Recognition,
    RecognitionStatus,
    User,
)
from portal.models.base import utcnow
from portal.models.organisation import LEGAL_IDENTITY_FIELDS, PROFILE_FIELDS
from portal.organisations import kvk
from portal.organisations.kvk import KvkNumberTaken

__all__ = ["KvkNumberTaken"]


class LegalIdentityLocked(Exception):
    """The organisation is recognised: its legal identity changes only by a change report."""


class NothingChanged(Exception):
    pass


class ChangeReportPending(Exception):
    def __init__(self, report: ChangeReport):
        super().__init__(report.id)
        self.report = report


class NotPending(Exception):
    """The change report was decided already."""


def is_locked(organisation: Organisation) -> bool:
    """Locked once any recognition was granted (and is granted or suspended now)."""
    return (
        db.session.scalar(
            select(func.count()).where(
                Recognition.organisation_id == organisation.id,
                Recognition.status.in_((RecognitionStatus.GRANTED, RecognitionStatus.SUSPENDED)),
            )
        )
        > 0
    )


def locked_fields(organisation: Organisation) -> tuple[str, ...]:
    """The legal-identity fields that change only through a change report the IND accepts:
    all of them once recognised; the KvK number alone once it is verified."""
    if is_locked(organisation):
        return LEGAL_IDENTITY_FIELDS
    if organisation.is_verified:
        return ("kvk_number",)
    return ()


def _normalise(changes: dict) -> dict:
    if changes.get("legal_form"):
        changes["legal_form"] = LegalForm(changes["legal_form"])
    return changes


def update_profile(organisation: Organisation, changes: dict, actor: User) -> list:
    """Apply profile changes; legal-identity fields only while not recognised."""
    changes = _normalise(dict(changes))
    unknown = set(changes) - set(PROFILE_FIELDS) - set(LEGAL_IDENTITY_FIELDS)
    if unknown:
        raise ValueError(f"not profile fields: {sorted(unknown)}")
    identity = {
        k: v
        for k, v in changes.items()
        if k in LEGAL_IDENTITY_FIELDS
        and history.as_text(v) != history.as_text(getattr(organisation, k))
    }
    if set(identity) & set(locked_fields(organisation)):
        raise LegalIdentityLocked(sorted(identity))
    if "kvk_number" in identity and kvk.taken(identity["kvk_number"], exclude=organisation):
        raise KvkNumberTaken(identity["kvk_number"])
    rows = history.apply_changes(
        organisation, ChangeSubject.ORGANISATION, organisation.id, changes, actor
    )
    if rows:
        audit.record(
            AuditAction.ORGANISATION_PROFILE_CHANGED,
            actor=actor,
            organisation=organisation,
            target=organisation,
            details={"fields": [row.field for row in rows]},
        )
    db.session.flush()
    return rows


def pending_change_report(organisation: Organisation) -> ChangeReport | None:
    return db.session.scalar(
        select(ChangeReport).where(
            ChangeReport.organisation_id == organisation.id,
            ChangeReport.status == ChangeReportStatus.PENDING,
        )
    )


def report_change(
    organisation: Organisation, changes: dict, explanation: str, actor: User
) -> ChangeReport:
    """Report a change of legal identity to the IND; nothing changes until staff accept."""
    pending = pending_change_report(organisation)
    if pending is not None:
        raise ChangeReportPending(pending)
    diff = {}
    for field, new in _normalise(dict(changes)).items():
        if field not in LEGAL_IDENTITY_FIELDS:
            raise ValueError(field)
        old = getattr(organisation, field)
        if history.as_text(old) != history.as_text(new):
            diff[field] = {"old": history.as_text(old), "new": history.as_text(new)}
    if not diff:
        raise NothingChanged()
    if "kvk_number" in diff and kvk.taken(diff["kvk_number"]["new"], exclude=organisation):
        raise KvkNumberTaken(diff["kvk_number"]["new"])
    report = ChangeReport(
        organisation_id=organisation.id,
        changes=diff,
        explanation=explanation,
        submitted_by_id=actor.id,
    )
    db.session.add(report)
    db.session.flush()
    audit.record(
        AuditAction.ORGANISATION_CHANGE_REPORTED,
        actor=actor,
        organisation=organisation,
        target=report,
        details={"fields": sorted(diff)},
    )
    return report


def decide_change_report(report: ChangeReport, staff: User, *, accept: bool, note: str) -> None:
    """Staff accept (the change is applied, with history) or reject a change report."""
    if report.status != ChangeReportStatus.PENDING:
        raise NotPending(report.id)
    # Claim the report first: of two staff deciding at once, one wins and the other is told.
    claimed = db.session.execute(
        update(ChangeReport)
        .where(ChangeReport.id == report.id, ChangeReport.status == ChangeReportStatus.PENDING)
        .values(status=ChangeReportStatus.ACCEPTED if accept else ChangeReportStatus.REJECTED)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:
        db.session.refresh(report)
        raise NotPending(report.id)
    db.session.refresh(report)
    organisation = report.organisation
    if accept:
        new_kvk = report.changes.get("kvk_number", {}).get("new")
        if new_kvk and kvk.taken(new_kvk, exclude=organisation):
            raise KvkNumberTaken(new_kvk)
        values = {field: change["new"] for field, change in report.changes.items()}
        history.apply_changes(
            organisation,
            ChangeSubject.ORGANISATION,
            organisation.id,
            _normalise(values),
            staff,
            change_report_id=report.id,
        )
        if new_kvk and organisation.is_verified:
            # The IND accepted the new number: unverified claimants of it are frozen.
            kvk.freeze_others(organisation, staff)
    report.decided_by_id = staff.id
    report.decided_at = utcnow()
    report.decision_note = note
    audit.record(
        AuditAction.CHANGE_REPORT_ACCEPTED if accept else AuditAction.CHANGE_REPORT_REJECTED,
        actor=staff,
        organisation=organisation,
        target=report,
        details={"fields": sorted(report.changes), "note": note},
    )
    db.session.flush()
