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


def _answered_on(letter_ids: list[int]) -> dict[int, date]:
    """The day each of these letters was first answered, for those that were."""
    if not letter_ids:
        return {}
    answered: dict[int, date] = {}
    for letter_id, first in db.session.execute(
        select(CaseReply.letter_id, func.min(CaseReply.created_at))
        .where(CaseReply.letter_id.in_(letter_ids))
        .group_by(CaseReply.letter_id)
    ):
        answered[letter_id] = clock.local_date(first)
    for letter_id, ended_on in db.session.execute(
        select(ClockSuspension.letter_id, func.min(ClockSuspension.ended_on))
        .where(
            ClockSuspension.letter_id.in_(letter_ids),
            ClockSuspension.ended_on.is_not(None),
            ClockSuspension.ended_on <= ClockSuspension.respond_by,
        )
        .group_by(ClockSuspension.letter_id)
    ):
        if letter_id not in answered or ended_on < answered[letter_id]:
            answered[letter_id] = ended_on
    return answered


def _open_cases(application_ids: set[int]) -> set[int]:
    if not application_ids:
        return set()
    return set(
        db.session.scalars(
            select(Application.id).where(
                Application.id.in_(sorted(application_ids)),
                Application.status.in_(OPEN_STATUSES),
            )
        )
    )


def states_for(letters, today: date | None = None) -> dict[int, ActionState]:
    """The action state of each letter, by id: three queries whatever the number of letters."""
    today = today or clock.today()
    asking = [letter for letter in letters if letter.respond_by is not None]
    answered = _answered_on([letter.id for letter in asking])
    open_cases = _open_cases({x.application_id for x in asking if x.application_id is not None})
    return {
        letter.id: decide_state(
            letter.respond_by,
            answered.get(letter.id),
            letter.application_id is None or letter.application_id in open_cases,
            today,
        )
        for letter in letters
    }


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


def count_needing_action(organisation_id: int, today: date, scope=None) -> int:
    """`scope`: the letters the user may see (portal/letters/visibility.clause); None: all."""
    query = (
        select(func.count())
        .select_from(Letter)
        .where(Letter.organisation_id == organisation_id, needs_action_clause(today))
    )
    if scope is not None:
        query = query.where(scope)
    return db.session.scalar(query)
