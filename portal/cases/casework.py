"""Back-office casework: claiming and assigning, requests for information, the review
checklist and the four-eyes refusal (the work queue itself is `portal.cases.work_queue`).
Every change is a compare-and-set on the case's version, so the second of two staff acting at
once is told and nothing is overwritten."""

from datetime import date

from portal import audit, clock
from portal.api import events
from portal.audit import AuditAction
from portal.cases import checklist as review_checklist
from portal.cases.errors import CaseError
from portal.cases.lifecycle import (
    NotDecidable,
    StaleCase,
    _transition,
    decide,
    status_event,
)
from portal.cases.work_queue import CASE_HANDLERS, QUEUE_STATUSES
from portal.extensions import db
from portal.letters.issuing import issue_letter
from portal.models import (
    Application,
    ApplicationStatus,
    CheckItem,
    CheckOutcome,
    ClockSuspension,
    KvkProof,
    LetterKind,
    ReviewCheck,
    User,
)
from portal.models.application import DECIDABLE_STATUSES
from portal.models.base import utcnow
from portal.organisations import kvk


class NotAllowedNow(CaseError):
    """The case is not in a state that allows this action."""


class OwnRefusal(CaseError):
    """Four eyes: the reviewer who proposed a refusal cannot approve it."""


class RefusalPending(CaseError):
    """A refusal awaits a second reviewer; grant or ask only after it is rejected."""


class NotACaseHandler(CaseError):
    """Cases are assigned only to active reviewers and supervisors."""


class KvkNotVerified(CaseError):
    """Recognition is granted only to an organisation whose KvK number is proven (the KvK
    extract checked on the checklist, or eHerkenning)."""


# --- compare-and-set on the version -------------------------------------------------------


def _change(application: Application, expected_version: int, allowed, **values) -> None:
    """Apply values if the case is still at the version the actor saw and in an allowed state."""
    if application.version != expected_version or not _transition(
        application, allowed, None, expected_version=expected_version, **values
    ):
        if application.status not in allowed:
            raise NotAllowedNow(application.status)
        raise StaleCase(application.version)


def _assign(application: Application, actor: User, assignee: User | None, expected_version: int):
    from_status = application.status
    to_status = (
        ApplicationStatus.IN_REVIEW
        if assignee is not None and from_status == ApplicationStatus.SUBMITTED
        else from_status
    )
    _change(
        application,
        expected_version,
        QUEUE_STATUSES,
        assigned_to_id=assignee.id if assignee else None,
        assigned_at=utcnow() if assignee else None,
        status=to_status,
    )
    if to_status != from_status:
        status_event(application, from_status, to_status, actor)


def claim(application: Application, actor: User, expected_version: int) -> Application:
    """A reviewer takes an unassigned case; a submitted case goes into review."""
    if application.assigned_to_id is not None and application.version == expected_version:
        raise NotAllowedNow("assigned")
    _assign(application, actor, actor, expected_version)
    audit.record(
        AuditAction.APPLICATION_CLAIMED,
        actor=actor,
        organisation=application.organisation,
        target=application,
    )
    return application


def assign(
    application: Application, actor: User, assignee: User | None, expected_version: int
) -> Application:
    """A supervisor assigns, reassigns or (with None) releases a case."""
    if assignee is not None and (not assignee.active or assignee.staff_role not in CASE_HANDLERS):
        raise NotACaseHandler(assignee.id)
    previous = application.assigned_to_id
    _assign(application, actor, assignee, expected_version)
    audit.record(
        AuditAction.APPLICATION_ASSIGNED,
        actor=actor,
        organisation=application.organisation,
        target=application,
        details={"from": previous, "to": assignee.id if assignee else None},
    )
    return application


# --- request for information -----------------------------------------------------------------


def request_information(
    application: Application,
    actor: User,
    *,
    message: str,
    respond_by: date,
    expected_version: int,
    today: date | None = None,
) -> ClockSuspension:
    """Ask the sponsor for information: the letter goes out and the statutory clock stops.

    The clock runs again through applications.receive_reply().
    """
    today = today or clock.today()
    if respond_by <= today:
        raise ValueError("respond_by must be after today")
    if application.refusal_proposed_by_id is not None and application.version == expected_version:
        raise RefusalPending(application.reference)
    from_status = application.status
    _change(
        application,
        expected_version,
        DECIDABLE_STATUSES,
        status=ApplicationStatus.INFORMATION_REQUESTED,
    )
    suspension = ClockSuspension(
        application_id=application.id,
        started_on=today,
        respond_by=respond_by,
        request_text=message,
        requested_by_id=actor.id,
    )
    db.session.add(suspension)
    status_event(
        application, from_status, ApplicationStatus.INFORMATION_REQUESTED, actor, note=message
    )
    letter = issue_letter(
        application.organisation,
        LetterKind.REQUEST_FOR_INFORMATION,
        application=application,
        respond_by=respond_by,
        actor=actor,
        person=_person_of(application),
        message=message,
    )
    suspension.letter_id = letter.id
    events.publish(
        application.organisation,
        events.INFORMATION_REQUESTED,
        {
            "application": events.application_ref(application),
            "letter": {"id": letter.id, "reference": letter.reference},
            "respond_by": respond_by.isoformat(),
        },
        category=application.category,
    )
    audit.record(
        AuditAction.APPLICATION_INFORMATION_REQUESTED,
        actor=actor,
        organisation=application.organisation,
        target=application,
        details={"respond_by": respond_by.isoformat()},
    )
    db.session.flush()
    return suspension


# --- checklist (the rule and the answers: portal.cases.checklist) ----------------------------


def checklist(application: Application) -> dict[str, ReviewCheck | None]:
    return review_checklist.checklist(application)


def save_checklist(
    application: Application,
    actor: User,
    entries: dict[str, tuple[CheckOutcome | None, str]],
    expected_version: int,
) -> list[str]:
    """Record the checklist answers and reasons (only what changed is stamped with the actor,
    kept in the case history and audited). Raises checklist.ReasonRequired, writing nothing,
    for "not applicable" without a reason."""
    for item, (outcome, note) in entries.items():
        if outcome == CheckOutcome.NOT_APPLICABLE and not (note or "").strip():
            raise review_checklist.ReasonRequired(item)
    _change(application, expected_version, QUEUE_STATUSES)
    changed = review_checklist.record_answers(application, actor, entries)
    extract = entries.get(CheckItem.KVK_EXTRACT.value)
    if CheckItem.KVK_EXTRACT.value in changed and extract and extract[0] == CheckOutcome.MET:
        # The IND checked the extract: the KvK number is proven (KvkNumberTaken when
        # another organisation proved it first; the view says so, nothing is saved).
        kvk.verify(application.organisation, KvkProof.IND_REVIEW, actor)
    return changed


# --- decisions: grant, and refusal with four eyes --------------------------------------------


def _decide(application: Application, actor: User, **kwargs):
    """The decision primitive for the kind of case: a recognition (which records the sponsor's
    recognition) or a residence application (the decision letter about the person only)."""
    if application.kind.is_residence:
        from portal.residence.decision import decide as decide_residence

        return decide_residence(application, actor, **kwargs)
    return decide(application, actor, **kwargs)


def grant(application: Application, actor: User, reason: str, expected_version: int):
    """Grant the case: only when claimed by `actor` with every checklist item answered
    (checklist.GrantNotReady otherwise, nothing changed), and only at the version the actor
    confirmed (StaleCase: someone changed the case or its checklist since)."""
    if application.version == expected_version:
        if application.refusal_proposed_by_id is not None:
            raise RefusalPending(application.reference)
        if application.status in DECIDABLE_STATUSES:
            blockers = review_checklist.grant_blockers(application, actor)
            if blockers:
                raise review_checklist.GrantNotReady(blockers)
    if (
        application.version == expected_version
        and not application.kind.is_residence
        and not application.organisation.is_verified
    ):
        raise KvkNotVerified(application.organisation.kvk_number)
    return _decide(application, actor, grant=True, reason=reason, expected_version=expected_version)


def propose_refusal(application: Application, actor: User, reason: str, expected_version: int):
    """First pair of eyes: the refusal waits for a second reviewer."""
    if application.refusal_proposed_by_id is not None and application.version == expected_version:
        raise RefusalPending(application.reference)
    try:
        _change(
            application,
            expected_version,
            DECIDABLE_STATUSES,
            refusal_proposed_by_id=actor.id,
            refusal_proposed_at=utcnow(),
            refusal_proposed_reason=reason,
        )
    except NotAllowedNow as error:
        raise NotDecidable(application.status) from error
    audit.record(
        AuditAction.APPLICATION_REFUSAL_PROPOSED,
        actor=actor,
        organisation=application.organisation,
        target=application,
        details={"reason": reason},
    )
    return application


def approve_refusal(application: Application, actor: User, expected_version: int):
    """Second pair of eyes: someone other than the proposer refuses; the letter goes out."""
    if application.version != expected_version:
        if application.status not in DECIDABLE_STATUSES:
            raise NotDecidable(application.status)
        raise StaleCase(application.version)
    if application.refusal_proposed_by_id is None:
        raise NotAllowedNow("no refusal proposed")
    if application.refusal_proposed_by_id == actor.id:
        raise OwnRefusal(application.reference)
    proposer_id = application.refusal_proposed_by_id
    _decide(
        application,
        actor,
        grant=False,
        reason=application.refusal_proposed_reason,
        expected_version=expected_version,
    )
    audit.record(
        AuditAction.APPLICATION_REFUSAL_APPROVED,
        actor=actor,
        organisation=application.organisation,
        target=application,
        details={"proposed_by": proposer_id},
    )
    return application


def reject_refusal(application: Application, actor: User, expected_version: int):
    """The second reviewer does not agree (or the proposer withdraws): the case stays open."""
    if application.refusal_proposed_by_id is None and application.version == expected_version:
        raise NotAllowedNow("no refusal proposed")
    proposer_id = application.refusal_proposed_by_id
    _change(
        application,
        expected_version,
        DECIDABLE_STATUSES,
        refusal_proposed_by_id=None,
        refusal_proposed_at=None,
        refusal_proposed_reason=None,
    )
    audit.record(
        AuditAction.APPLICATION_REFUSAL_REJECTED,
        actor=actor,
        organisation=application.organisation,
        target=application,
        details={"proposed_by": proposer_id},
    )
    return application


def _person_of(application: Application) -> dict | None:
    """The person a residence case is about (names and V-number, as sent), for its letters:
    printed on the letter and kept for the inbox's person column and filter."""
    if not application.kind.is_residence:
        return None
    from portal.residence.presentation import person_of

    return person_of(application)
