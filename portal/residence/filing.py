"""Who may file which residence application, and starting drafts of it."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import insert, select

from portal import audit
from portal.audit import AuditAction
from portal.cases.intermediaries import acting_intermediary
from portal.cases.lifecycle import status_event
from portal.extensions import db
from portal.models import (
    Application,
    ApplicationKind,
    ApplicationStatus,
    Organisation,
    RecognitionStatus,
    StatusEvent,
    User,
)
from portal.models.base import utcnow
from portal.oversight.status import effective_status
from portal.people import state as person_state
from portal.residence.types import TYPES, ResidenceType

# A family member's type is filed from the main applicant's page (portal/family/), not here.
FILED_WITH_MAIN = _l("Filed from the page of the person it is filed with")


class NotAllowed(Exception):
    """The organisation may not file this type (no recognition, or it is suspended), or the
    procedure does not fit the person's current state (an extension after the stay ended)."""


def unfit_procedures(status: person_state.PersonStatus) -> dict[ApplicationKind, str]:
    """Procedures that do not fit a person in this state, each with its reason."""
    return person_state.unfit_procedures(status)


def residence_type(application: Application) -> ResidenceType:
    return TYPES[application.kind]


def recognised_for(organisation: Organisation, rtype: ResidenceType) -> bool:
    return any(
        r.category == rtype.category and effective_status(r) == RecognitionStatus.GRANTED
        for r in organisation.recognitions
    )


def filing_options(
    organisation: Organisation, person_status: person_state.PersonStatus = person_state.CURRENT
) -> dict[ApplicationKind, str | None]:
    """Each type with None when the organisation may file it (for a person in this state),
    or the reason it may not."""
    # A suspension counts until its last day, whether or not its ending was recorded.
    states = {r.category: effective_status(r) for r in organisation.recognitions}
    options = {}
    for kind, rtype in TYPES.items():
        if rtype.with_main:
            options[kind] = FILED_WITH_MAIN
        elif not rtype.needs_recognition:
            options[kind] = None
        else:
            options[kind] = recognition_reason(states, rtype.category)
    for kind, reason in unfit_procedures(person_status).items():
        options[kind] = reason
    return options


def recognition_reason(states: dict, category) -> str | None:
    """None when the recognition for the category is in force ({category: effective status});
    else why the organisation may not file."""
    state = states.get(category)
    if state == RecognitionStatus.GRANTED:
        return None
    if state == RecognitionStatus.SUSPENDED:
        return _("Recognition suspended")
    return _("Needs recognition")


def reason_not_allowed(application: Application) -> str | None:
    """Why the organisation may not submit this application now (None: it may). A family
    member's application follows the recognition for its own category, the main application's."""
    if residence_type(application).with_main:
        states = {r.category: effective_status(r) for r in application.organisation.recognitions}
        return recognition_reason(states, application.category)
    return filing_options(application.organisation)[application.kind]


def start(
    organisation: Organisation, kind: ApplicationKind, actor: User, person=None
) -> Application:
    """A draft; about a person of the register when one is given (prefilled from them)."""
    drafts = [{"person_id": person.id if person is not None else None}]
    return start_many(organisation, kind, actor, drafts)[0]


def _may_start(organisation: Organisation, kind: ApplicationKind, person_ids: list[int]) -> None:
    if filing_options(organisation)[kind] is not None:
        raise NotAllowed(kind)
    statuses = person_state.states_of(organisation.id, person_ids)
    if any(kind in unfit_procedures(status) for status in statuses.values()):
        raise NotAllowed(kind)


def start_many(
    organisation: Organisation, kind: ApplicationKind, actor: User, drafts: list[dict]
) -> list[Application]:
    """Start a draft per item of `drafts` ({"person_id": ..., "answers": ...}): one flush."""
    rtype = TYPES[kind]
    _may_start(organisation, kind, [d["person_id"] for d in drafts if d.get("person_id")])
    applications = [
        Application(
            kind=kind,
            category=rtype.category,
            organisation_id=organisation.id,
            status=ApplicationStatus.DRAFT,
            created_by_id=actor.id,
            person_id=draft.get("person_id"),
            answers=draft.get("answers") or {},
        )
        for draft in drafts
    ]
    db.session.add_all(applications)
    db.session.flush()
    for application in applications:
        status_event(application, None, ApplicationStatus.DRAFT, actor)
        audit.record(
            AuditAction.APPLICATION_STARTED,
            actor=actor,
            organisation=organisation,
            target=application,
        )
    return applications


def start_imported(
    organisation: Organisation, kind: ApplicationKind, actor: User, batch_id: int, drafts: dict
) -> None:
    """`start_many` for a bulk registration's chunk ({person_id: answers}, one draft per
    person): the same drafts, status events and audit events, written as multi-row INSERTs
    without an object per row."""
    _may_start(organisation, kind, list(drafts))
    rtype, now = TYPES[kind], utcnow()
    common = {
        "kind": kind,
        "category": rtype.category,
        "organisation_id": organisation.id,
        "status": ApplicationStatus.DRAFT,
        "created_by_id": actor.id,
        "import_batch_id": batch_id,
        "intermediary_id": acting_intermediary(),
        "created_at": now,
    }
    db.session.execute(
        insert(Application),
        [{**common, "person_id": p, "answers": answers} for p, answers in drafts.items()],
    )
    ids = db.session.scalars(
        select(Application.id)
        .where(Application.import_batch_id == batch_id, Application.person_id.in_(list(drafts)))
        .order_by(Application.id)
    ).all()
    step = {"to_status": ApplicationStatus.DRAFT, "actor_id": actor.id, "occurred_at": now}
    db.session.execute(insert(StatusEvent), [{**step, "application_id": i} for i in ids])
    audit.record_many(
        AuditAction.APPLICATION_STARTED,
        actor=actor,
        organisation=organisation,
        target_type=Application.__tablename__,
        target_ids=ids,
    )
