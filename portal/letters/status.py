"""What a letter asks of the sponsor, computed in this one place from stored facts.

A letter with a respond-by date asks for something. It **needs action** until it is answered,
until its respond-by date has passed, or until its case is closed; after that it is
*answered on <date>*, *lapsed* (the date passed without an answer) or *no longer needed*
(the case was decided or withdrawn first). A letter without a respond-by date asks nothing.

The facts: a reply to the letter sent in the portal (`CaseReply.letter_id`), and, for a
request for information, the end of the clock suspension the letter started when staff
registered a reply that came another way (ended on or before the respond-by date; a clock
resumed after that date ended because the term ran out, which is no answer).

`state_of` / `states_for` give the state of letters already loaded (the letter page, a page
of the inbox, the case page); `needs_action_clause` is the same rule as a SQL condition (the
inbox's "needs action" filter and every count of what needs action). The table test in
tests/blueprints/test_status_truth.py checks that they agree.
"""

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from sqlalchemy import and_, exists, func, or_, select

from portal import clock
from portal.extensions import db
from portal.models import Application, CaseReply, ClockSuspension, Letter
from portal.models.application import OPEN_STATUSES


class LetterAction(StrEnum):
    NONE = "none"  # asks nothing: no respond-by date
    NEEDS_ACTION = "needs_action"
    ANSWERED = "answered"
    LAPSED = "lapsed"  # the respond-by date passed without an answer
    CLOSED = "closed"  # the case was decided or withdrawn before an answer


@dataclass(frozen=True)
class ActionState:
    state: LetterAction
    respond_by: date | None = None
    answered_on: date | None = None

    @property
    def needs_action(self) -> bool:
        return self.state == LetterAction.NEEDS_ACTION


def decide_state(
    respond_by: date | None, answered_on: date | None, case_open: bool, today: date
) -> ActionState:
    """The rule itself, on the facts of one letter."""
    if answered_on is not None:
        return ActionState(LetterAction.ANSWERED, respond_by, answered_on)
    if respond_by is None:
        return ActionState(LetterAction.NONE)
    if not case_open:
        return ActionState(LetterAction.CLOSED, respond_by)
    if respond_by >= today:
        return ActionState(LetterAction.NEEDS_ACTION, respond_by)
    return ActionState(LetterAction.LAPSED, respond_by)


def _facts(letters) -> dict[int, tuple[date | None, bool]]:
    """For each letter that asks something: the day it was first answered (a reply sent in
    the portal, or a clock suspension it started that ended on or before its respond-by date)
    and whether its case is open — in one statement, whatever the number of letters."""
    asking = sorted({letter.id for letter in letters if letter.respond_by is not None})
    if not asking:
        return {}
    first_reply = (
        select(func.min(CaseReply.created_at))
        .where(CaseReply.letter_id == Letter.id)
        .correlate(Letter)
        .scalar_subquery()
    )
    suspension_ended = (
        select(func.min(ClockSuspension.ended_on))
        .where(
            ClockSuspension.letter_id == Letter.id,
            ClockSuspension.ended_on.is_not(None),
            ClockSuspension.ended_on <= ClockSuspension.respond_by,
        )
        .correlate(Letter)
        .scalar_subquery()
    )
    case_open = (
        exists()
        .where(Application.id == Letter.application_id, Application.status.in_(OPEN_STATUSES))
        .correlate(Letter)
    )
    facts = {}
    for letter_id, replied_at, ended_on, open_case in db.session.execute(
        select(Letter.id, first_reply, suspension_ended, case_open).where(Letter.id.in_(asking))
    ):
        replied_on = clock.local_date(replied_at) if replied_at else None
        answered = [day for day in (replied_on, ended_on) if day is not None]
        facts[letter_id] = (min(answered, default=None), bool(open_case))
    return facts


def states_for(letters, today: date | None = None) -> dict[int, ActionState]:
    """The action state of each letter, by id: one query whatever the number of letters."""
    today = today or clock.today()
    facts = _facts(letters)
    states = {}
    for letter in letters:
        answered_on, open_case = facts.get(letter.id, (None, True))
        states[letter.id] = decide_state(
            letter.respond_by,
            answered_on,
            letter.application_id is None or open_case,
            today,
        )
    return states


def state_of(letter: Letter, today: date | None = None) -> ActionState:
    return states_for([letter], today)[letter.id]


def needs_action_clause(today: date):
    """`decide_state(...).needs_action` as a SQL condition on Letter (same facts, same rule).

    While the respond-by date has not passed, any ended suspension of the letter ended on or
    before it: that end is a registered answer.
    """
    return and_(
        Letter.respond_by.is_not(None),
        Letter.respond_by >= today,
        ~exists().where(CaseReply.letter_id == Letter.id),
        ~exists().where(
            ClockSuspension.letter_id == Letter.id, ClockSuspension.ended_on.is_not(None)
        ),
        or_(
            Letter.application_id.is_(None),
            exists().where(
                Application.id == Letter.application_id, Application.status.in_(OPEN_STATUSES)
            ),
        ),
    )


def needing_action(organisation_id: int, today: date, scope=None):
    """Letters of the organisation that need action, earliest respond-by first.

    `scope`: the letters the user may see (portal/letters/visibility.clause); None: all."""
    query = select(Letter).where(
        Letter.organisation_id == organisation_id, needs_action_clause(today)
    )
    if scope is not None:
        query = query.where(scope)
    return query.order_by(Letter.respond_by, Letter.id)
