"""Recognition applications: draft → submitted → granted / refused."""

from datetime import date, datetime, timedelta

from sqlalchemy import select, update

from portal import audit, clock
from portal.api import events
from portal.audit import AuditAction
from portal.cases import clock as statutory_clock
from portal.cases.errors import CaseError
from portal.cases.references import make_reference
from portal.extensions import db
from portal.family import reactions as family_reactions
from portal.fees import records as fee_records
from portal.letters.issuing import issue_letter
from portal.models import (
    Application,
    ApplicationKind,
    ApplicationStatus,
    Category,
    LetterKind,
    Organisation,
    Recognition,
    RecognitionStatus,
    StatusEvent,
    User,
)
from portal.models.application import DECIDABLE_STATUSES, OPEN_STATUSES
from portal.models.base import utcnow
from portal.organisations import kvk
from portal.oversight import intended as intended_decisions
from portal.oversight.status import applied_clause, effective_status


class AlreadyRecognised(CaseError):
    pass


class ApplicationAlreadyOpen(CaseError):
    def __init__(self, application: Application):
        super().__init__(application.reference or application.id)
        self.application = application


class KvkExtractMissing(CaseError):
    """An unverified organisation applies for recognition without its KvK extract."""


class NotADraft(CaseError):
    """The application was submitted already (double click, back button, replay)."""


class NotDecidable(CaseError):
    """The case was decided already, or is not in a state that can be decided."""


class StaleCase(CaseError):
    """Someone else changed the case after the actor loaded it: nothing was changed."""


class NotAwaitingReply(CaseError):
    """No request for information is open on this case (answered already, or never asked)."""


def category_states(organisation: Organisation, applied=None) -> dict[Category, str]:
    """For each category: 'granted', 'suspended', 'withdrawn', 'applied' or 'none'
    (`applied`: the categories applied for, when read already with `applied_clause`)."""
    states = dict.fromkeys(Category, "none")
    if applied is None:
        applied = db.session.scalars(
            select(Application.category).where(applied_clause(organisation))
        )
    for category in applied:
        states[category] = "applied"
    for recognition in organisation.recognitions:
        # A suspension whose last day has passed counts as granted (oversight.effective_status).
        states[recognition.category] = effective_status(recognition).value
    return states


def start_recognition_application(
    organisation: Organisation, category: Category, actor: User
) -> Application:
    """Open a draft for a category, or return the open draft for it."""
    states = category_states(organisation)
    if states[category] in ("granted", "suspended"):
        raise AlreadyRecognised(category)
    existing = db.session.scalar(
        select(Application).where(
            Application.organisation_id == organisation.id,
            Application.kind == ApplicationKind.RECOGNITION,
            Application.category == category,
            Application.status.in_(OPEN_STATUSES),
        )
    )
    if existing is not None:
        if existing.status == ApplicationStatus.DRAFT:
            return existing
        raise ApplicationAlreadyOpen(existing)
    application = Application(
        kind=ApplicationKind.RECOGNITION,
        category=category,
        organisation_id=organisation.id,
        status=ApplicationStatus.DRAFT,
        created_by_id=actor.id,
    )
    db.session.add(application)
    db.session.flush()
    status_event(application, None, ApplicationStatus.DRAFT, actor)
    audit.record(
        AuditAction.APPLICATION_STARTED, actor=actor, organisation=organisation, target=application
    )
    return application


def _transition(
    application: Application,
    allowed,
    to_status: ApplicationStatus | None,
    *,
    expected_version: int | None = None,
    **values,
) -> bool:
    """Move the case only if it is still in an allowed state (and, when given, still at the
    version the actor saw); a concurrent move loses. Every move bumps the version.
    With `to_status` None the status stays and only `values` change."""
    statement = update(Application).where(
        Application.id == application.id, Application.status.in_(allowed)
    )
    if expected_version is not None:
        statement = statement.where(Application.version == expected_version)
    if to_status is not None:
        values = {"status": to_status, **values}
    result = db.session.execute(
        statement.values(version=Application.version + 1, **values).execution_options(
            synchronize_session=False
        )
    )
    db.session.refresh(application)
    return result.rowcount == 1


def status_event(
    application: Application,
    from_status: ApplicationStatus | None,
    to_status: ApplicationStatus,
    actor: User,
    *,
    note: str | None = None,
    occurred_at=None,
) -> None:
    """One step of the case's timeline (and of the process-mining log); by default stamped now."""
    db.session.add(
        StatusEvent(
            application_id=application.id,
            from_status=from_status,
            to_status=to_status,
            actor_id=actor.id,
            note=note,
            **({"occurred_at": occurred_at} if occurred_at is not None else {}),
        )
    )
    if from_status is not None:
        events.status_changed(application, from_status, to_status)
        family_reactions.main_moved(application, to_status, actor)  # pending family flagged


def record_transition(
    application: Application,
    from_statuses,
    to_status: ApplicationStatus,
    actor: User,
    *,
    note: str | None = None,
    expected_version: int | None = None,
    occurred_at=None,
    **values,
) -> bool:
    """Move the case by compare-and-set (`_transition`) and write its status event.
    Returns False, and writes nothing, when the case is no longer in one of `from_statuses`
    (or no longer at `expected_version`): the caller raises what fits. The event's from-status
    is the only allowed one, or else the status the actor saw.
    """
    from_statuses = tuple(from_statuses)
    from_status = from_statuses[0] if len(from_statuses) == 1 else application.status
    if not _transition(
        application, from_statuses, to_status, expected_version=expected_version, **values
    ):
        return False
    status_event(application, from_status, to_status, actor, note=note, occurred_at=occurred_at)
    return True


def record_decision(
    application: Application,
    actor: User,
    *,
    grant: bool,
    reason: str,
    note: str | None,
    expected_version: int | None = None,
) -> datetime:
    """A decision's status change (granted or refused) with its event; returns when it was
    decided. Raises NotDecidable when the case is not open for a decision, StaleCase when
    someone else changed it after the actor saw it."""
    decided_at = utcnow()
    if not record_transition(
        application,
        DECIDABLE_STATUSES,
        ApplicationStatus.GRANTED if grant else ApplicationStatus.REFUSED,
        actor,
        note=note,
        expected_version=expected_version,
        occurred_at=decided_at,
        decided_at=decided_at,
        decided_by_id=actor.id,
        decision_reason=reason,
    ):
        if application.status not in DECIDABLE_STATUSES:
            raise NotDecidable(application.status)
        raise StaleCase(application.version)
    return decided_at


def audit_decision(application: Application, actor: User, *, grant: bool, reason: str) -> None:
    audit.record(
        AuditAction.APPLICATION_GRANTED if grant else AuditAction.APPLICATION_REFUSED,
        actor=actor,
        organisation=application.organisation,
        target=application,
        details={"reason": reason},
    )


def submit_application(
    application: Application,
    actor: User,
    today: date | None = None,
    *,
    legal_form_change: bool = False,
) -> Application:
    """Submit a draft: fee, snapshot, reference, statutory deadline, acknowledgement letter."""
    submitted_at = utcnow()
    today = today or clock.today()
    organisation = application.organisation
    if not organisation.is_verified and kvk.extract_of(application) is None:
        raise KvkExtractMissing(organisation.kvk_number)
    fee = fee_records.fee_for(organisation, application.category, today, legal_form_change)
    if not record_transition(
        application,
        (ApplicationStatus.DRAFT,),
        ApplicationStatus.SUBMITTED,
        actor,
        occurred_at=submitted_at,
        submitted_at=submitted_at,
        submitted_by_id=actor.id,
        fee_cents=fee.cents,
        fee_reduced=fee.reduced,
        snapshot={"organisation": organisation.snapshot(), "category": application.category.value},
        decision_deadline=statutory_clock.deadline_at_submission(application, today),
        reference=make_reference(application.kind.value, today.year, application.id),
    ):
        raise NotADraft(application.reference)
    acknowledge_submission(application, actor, legal_form_change=legal_form_change)
    return application


def acknowledge_submission(
    application: Application, actor: User, person=None, *, legal_form_change: bool = False
) -> None:
    """A case just submitted: the acknowledgement and fee letters (about `person`, when the
    case concerns one: name and V-number printed and kept for the inbox), the fee record
    (portal/fees/records.py) and the audit event."""
    issue_letter(
        application.organisation,
        LetterKind.ACKNOWLEDGEMENT,
        application=application,
        actor=actor,
        person=person,
    )
    fee = fee_records.open_fee(
        application,
        application.fee_cents,
        reduced=bool(application.fee_reduced),
        legal_form_change=legal_form_change,
    )
    fee_records.issue_fee_letter(application, fee, actor=actor, person=person)
    audit.record(
        AuditAction.APPLICATION_SUBMITTED,
        actor=actor,
        organisation=application.organisation,
        target=application,
        details={"reference": application.reference, "fee_cents": application.fee_cents},
    )


def decide(
    application: Application,
    actor: User,
    *,
    grant: bool,
    reason: str,
    expected_version: int | None = None,
) -> Application:
    """Grant or refuse a recognition application; record the recognition; issue the letter.
    This is the primitive: the back office refuses only through the four-eyes steps in
    portal.cases.casework (propose_refusal → approve_refusal by someone else).
    """
    if application.kind.is_residence:  # decided by portal.residence.decision, never here
        raise NotDecidable(application.kind)
    decided_at = record_decision(
        application,
        actor,
        grant=grant,
        reason=reason,
        note=reason,
        expected_version=expected_version,
    )
    organisation = application.organisation
    if grant:
        recognition = db.session.scalar(
            select(Recognition).where(
                Recognition.organisation_id == organisation.id,
                Recognition.category == application.category,
            )
        )
        if recognition is None:
            recognition = Recognition(
                organisation_id=organisation.id, category=application.category
            )
            db.session.add(recognition)
        recognition.status = RecognitionStatus.GRANTED
        recognition.granted_on = clock.local_date(decided_at)
        recognition.application_id = application.id
        recognition.suspended_until = None
    kind = LetterKind.RECOGNITION_GRANTED if grant else LetterKind.RECOGNITION_REFUSED
    intended = None if grant else intended_decisions.for_refusal_letter(application)
    issue_letter(
        organisation, kind, application=application, actor=actor, reason=reason, intended=intended
    )
    audit_decision(application, actor, grant=grant, reason=reason)
    db.session.flush()
    return application


def receive_reply(
    application: Application,
    actor: User,
    message: str,
    *,
    today: date | None = None,
    expected_version: int | None = None,
) -> Application:
    """The sponsor answered a request for information: the statutory clock runs again.

    Call this when the reply arrives (the sponsor's "answer from the letter", or staff
    registering a reply that came by post). It ends the open clock suspension and moves
    the decision deadline by the suspended days — counted from the request to the reply,
    never past the respond-by date (Awb 4:15) — and puts the case back in review.
    Raises NotAwaitingReply when no information is requested (already answered, double
    submit); StaleCase when `expected_version` is given and the case has changed since.
    The caller commits.
    """
    today = today or clock.today()
    db.session.refresh(application)
    suspension = statutory_clock.open_clock_suspension(application)
    if application.status != ApplicationStatus.INFORMATION_REQUESTED or suspension is None:
        raise NotAwaitingReply(application.reference)
    # Only the days within the decision period count (none before a payment started it).
    days = statutory_clock.counted_days(
        suspension, statutory_clock.counted_from(application), today
    )
    deadline = application.decision_deadline
    new_deadline = deadline + timedelta(days=days) if deadline is not None else None
    if not record_transition(
        application,
        (ApplicationStatus.INFORMATION_REQUESTED,),
        ApplicationStatus.IN_REVIEW,
        actor,
        note=message,
        expected_version=expected_version,
        decision_deadline=new_deadline,
    ):
        if application.status != ApplicationStatus.INFORMATION_REQUESTED:
            raise NotAwaitingReply(application.reference)
        raise StaleCase(application.version)
    suspension.ended_on = today
    suspension.ended_by_id = actor.id
    suspension.reply_text = message
    suspension.suspended_days = days
    audit.record(
        AuditAction.APPLICATION_REPLY_RECEIVED,
        actor=actor,
        organisation=application.organisation,
        target=application,
        details={"suspended_days": days, "decision_deadline": new_deadline and str(new_deadline)},
    )
    db.session.flush()
    return application
