"""Internal sign-off before submitting (issue 25): when the organisation asks for it
(`Organisation.sign_off_required`, set by its administrators), an application prepared by
someone who may not approve goes to the administrators first. An administrator approves it —
it is then submitted, by the approver, as any submission — or sends it back with a reason.
Each step is kept (`SignOff`) and shown in the case's history."""

from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from portal import audit, clock
from portal.audit import AuditAction
from portal.cases import lifecycle
from portal.cases.errors import CaseError
from portal.extensions import db
from portal.models import Application, ApplicationStatus, Organisation, SignOff, User
from portal.models.base import utcnow
from portal.permissions import Permission

SENT_FOR_APPROVAL = _l(
    "Your organisation approves applications before they go to the IND: this one now waits "
    "for an administrator's approval. You see the outcome on your to-do list."
)
ALREADY_WAITING = _l("This application is already waiting for an administrator's approval.")


class AlreadyRequested(CaseError):
    """The application already waits for approval."""


class NothingToApprove(CaseError):
    """No approval is pending (decided already, or the draft was submitted another way)."""


def needed(organisation: Organisation, context) -> bool:
    """Does a submission by this acting context go to the administrators first?"""
    return organisation.sign_off_required and not context.can(Permission.APPLICATION_APPROVE)


def pending(application: Application) -> SignOff | None:
    return db.session.scalar(
        select(SignOff).where(
            SignOff.application_id == application.id, SignOff.decided_at.is_(None)
        )
    )


def history(application: Application) -> list[SignOff]:
    return list(
        db.session.scalars(
            select(SignOff).where(SignOff.application_id == application.id).order_by(SignOff.id)
        )
    )


def returned_query(organisation_id: int, in_scope):
    """Drafts whose latest step (by id, as `history` lists them) sent them back, as columns:
    the draft (`id`, `kind`), the reason, when and by whom (the submitter's to-do)."""
    latest = (
        select(SignOff.application_id, func.max(SignOff.id).label("step_id"))
        .group_by(SignOff.application_id)
        .subquery("latest_step")
    )
    return (
        select(
            Application.id.label("id"),
            Application.kind.label("kind"),
            SignOff.reason.label("reason"),
            SignOff.decided_at.label("at"),
            User.name.label("decided_by"),
        )
        .join(latest, latest.c.application_id == Application.id)
        .join(SignOff, SignOff.id == latest.c.step_id)
        .join(User, User.id == SignOff.decided_by_id)
        .where(
            Application.organisation_id == organisation_id,
            Application.status == ApplicationStatus.DRAFT,
            in_scope(Application.category),
            SignOff.approved.is_(False),
        )
    )


def request(application: Application, actor: User, *, legal_form_change: bool = False) -> SignOff:
    if application.status != ApplicationStatus.DRAFT:
        raise lifecycle.NotADraft(application.reference)
    if pending(application) is not None:
        raise AlreadyRequested(application.id)
    step = SignOff(
        application_id=application.id,
        requested_by_id=actor.id,
        legal_form_change=legal_form_change,
    )
    db.session.add(step)
    db.session.flush()
    audit.record(
        AuditAction.APPLICATION_SIGN_OFF_REQUESTED,
        actor=actor,
        organisation=application.organisation,
        target=application,
    )
    return step


def _decide(application: Application, actor: User, approved: bool, reason: str | None):
    step = pending(application)
    if step is None or application.status != ApplicationStatus.DRAFT:
        raise NothingToApprove(application.id)
    step.decided_by_id = actor.id
    step.decided_at = utcnow()
    step.approved = approved
    step.reason = reason
    audit.record(
        AuditAction.APPLICATION_SIGN_OFF_APPROVED
        if approved
        else AuditAction.APPLICATION_SIGN_OFF_RETURNED,
        actor=actor,
        organisation=application.organisation,
        target=application,
        details={"reason": reason} if reason else None,
    )
    return step


def approve(application: Application, actor: User, today: date | None = None) -> Application:
    """Approve and submit, with the approver as the one who submits. Raises what the kind's
    submission raises (incomplete, not allowed, KvK extract missing); the caller rolls back."""
    today = today or clock.today()
    step = _decide(application, actor, True, None)
    if application.kind.is_residence:
        from portal.residence import submission

        return submission.submit(application, actor, today=today)
    return lifecycle.submit_application(
        application, actor, today=today, legal_form_change=step.legal_form_change
    )


def send_back(application: Application, actor: User, reason: str) -> SignOff:
    return _decide(application, actor, False, reason)
