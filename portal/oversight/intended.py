"""Intended decisions and the sponsor's response (voornemen / zienswijze, Awb 4:8).

Before a refusal, a fine, a suspension or a withdrawal the IND sends its intended decision by
letter with a term to respond (reference data `intended_decision_response`). The sponsor
answers from the letter in its inbox (portal/cases/replies.py: a message and documents). For a
case the intended refusal is optional; a fine, suspension or withdrawal needs one whose term
has ended or that was answered (`required`, called by portal/oversight/sanctions.py), and the
sanction records which one it followed. The final letter refers to it (`letter_context`).
The term suspends nothing: `suspends_decision_period` in the reference data is false.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from portal import audit, clock, reference
from portal.audit import AuditAction
from portal.extensions import db
from portal.letters.issuing import issue_letter
from portal.models import (
    Application,
    CaseReply,
    Category,
    IntendedDecision,
    IntendedKind,
    LetterKind,
    Organisation,
    Sanction,
    SanctionKind,
    User,
)
from portal.oversight.sanction_obstacles import SanctionRefused

# The sanctions that need an intended decision first, and its kind.
NEEDS_INTENTION = {
    SanctionKind.FINE: IntendedKind.FINE,
    SanctionKind.SUSPENSION: IntendedKind.SUSPENSION,
    SanctionKind.WITHDRAWAL: IntendedKind.WITHDRAWAL,
}


class NoIntendedDecision(SanctionRefused):
    message = _l(
        "Send the organisation the intended decision first and wait for its response or the end "
        "of the term to respond (General Administrative Law Act, article 4:8). Nothing was "
        "changed."
    )


class ResponseTermRunning(SanctionRefused):
    message = _l(
        "The organisation may still respond to the intended decision: wait for its response or "
        "the end of the term. Nothing was changed."
    )


@dataclass(frozen=True)
class Intention:
    """An intended decision with the sponsor's response, as pages and letters show it."""

    decision: IntendedDecision
    response: CaseReply | None
    today: date

    @property
    def responded_on(self) -> date | None:
        return clock.local_date(self.response.created_at) if self.response else None

    @property
    def term_running(self) -> bool:
        return self.response is None and self.decision.respond_by >= self.today

    @property
    def ripe(self) -> bool:
        """Answered, or the term has ended: the final decision may be taken."""
        return not self.term_running


def issue(
    organisation: Organisation,
    actor: User,
    kind: IntendedKind,
    grounds: str,
    *,
    application: Application | None = None,
    category: Category | None = None,
    today: date | None = None,
) -> IntendedDecision:
    """Send the intended decision with its term to respond; the letter asks for a response."""
    today = today or clock.today()
    term = reference.intended_decision_response(today)
    intended = IntendedDecision(
        organisation_id=organisation.id,
        application_id=application.id if application else None,
        kind=kind,
        category=category,
        grounds=grounds,
        issued_on=today,
        respond_by=today + timedelta(days=term.days),
        issued_by_id=actor.id,
    )
    db.session.add(intended)
    db.session.flush()
    letter = issue_letter(
        organisation,
        LetterKind.INTENDED_DECISION,
        application=application,
        respond_by=intended.respond_by,
        actor=actor,
        category=category.value if category else None,
        intended=intended,
    )
    intended.letter_id = letter.id
    audit.record(
        AuditAction.INTENDED_DECISION_ISSUED,
        actor=actor,
        organisation=organisation,
        target=application if application is not None else organisation,
        details={"kind": kind.value, "respond_by": intended.respond_by.isoformat()},
    )
    db.session.flush()
    return intended


def _with_responses(decisions, today: date) -> list[Intention]:
    letter_ids = [d.letter_id for d in decisions if d.letter_id is not None]
    first: dict[int, CaseReply] = {}
    if letter_ids:
        for reply in db.session.scalars(
            select(CaseReply)
            .where(CaseReply.letter_id.in_(letter_ids))
            .order_by(CaseReply.created_at, CaseReply.id)
        ):
            first.setdefault(reply.letter_id, reply)
    return [Intention(d, first.get(d.letter_id), today) for d in decisions]


def of_case(application: Application, today: date) -> list[Intention]:
    """The intended refusals of a case, oldest first."""
    decisions = db.session.scalars(
        select(IntendedDecision)
        .where(IntendedDecision.application_id == application.id)
        .order_by(IntendedDecision.id)
    ).all()
    return _with_responses(decisions, today)


def of_organisation(organisation: Organisation, today: date) -> list[Intention]:
    """The intended sanctions of an organisation not yet followed by a sanction."""
    decisions = db.session.scalars(
        select(IntendedDecision)
        .where(
            IntendedDecision.organisation_id == organisation.id,
            IntendedDecision.application_id.is_(None),
            IntendedDecision.sanction_id.is_(None),
        )
        .order_by(IntendedDecision.id)
    ).all()
    return _with_responses(decisions, today)


def required(
    organisation: Organisation, kind: SanctionKind, category: Category | None, today: date
) -> IntendedDecision | None:
    """The intended decision a sanction of this kind follows: None when the kind needs none;
    raises NoIntendedDecision or ResponseTermRunning when it cannot be imposed yet."""
    wanted = NEEDS_INTENTION.get(kind)
    if wanted is None:
        return None
    candidates = [
        i
        for i in of_organisation(organisation, today)
        if i.decision.kind == wanted and i.decision.category == category
    ]
    if not candidates:
        raise NoIntendedDecision
    ripe = [i for i in candidates if i.ripe]
    if not ripe:
        raise ResponseTermRunning
    return ripe[-1].decision


def followed_by(intended: IntendedDecision | None, sanction: Sanction) -> None:
    if intended is not None:
        intended.sanction_id = sanction.id


def letter_context(intention: Intention | None) -> dict | None:
    """What a final decision letter says of the intended decision and the response."""
    if intention is None:
        return None
    letter = intention.decision.letter
    return {
        "issued_on": intention.decision.issued_on,
        "letter_reference": letter.reference if letter is not None else None,
        "respond_by": intention.decision.respond_by,
        "responded_on": intention.responded_on,
        "response": intention.response.message if intention.response else None,
    }


def for_sanction_letter(sanction: Sanction) -> dict | None:
    decision = db.session.scalar(
        select(IntendedDecision).where(IntendedDecision.sanction_id == sanction.id)
    )
    if decision is None:
        return None
    return letter_context(_with_responses([decision], clock.today())[0])


def for_refusal_letter(application: Application) -> dict | None:
    intentions = of_case(application, clock.today())
    return letter_context(intentions[-1]) if intentions else None
