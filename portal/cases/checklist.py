"""The review checklist of a case and what a grant needs (the rule, in one place).

A grant needs the case claimed by the reviewer who grants, its fee paid (the "Fee paid" item is
filled from the payment record, never by hand: portal/fees/), and every other item of the
checklist in force for the case's kind (reference data) answered: fulfilled, or "not
applicable" with a written reason. There is no override. Each answer is kept (CheckAnswer:
the case history) and audited with its reason.
"""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from portal import audit, clock
from portal.audit import AuditAction
from portal.cases import advice
from portal.cases.errors import CaseError
from portal.extensions import db
from portal.family import checks as family_checks
from portal.fees import records as fee_records
from portal.models import Application, CheckAnswer, CheckItem, CheckOutcome, ReviewCheck, User
from portal.models.base import utcnow
from portal.reference import ReferenceDataMissing
from portal.reference.checklists import checklist_items


class ReasonRequired(CaseError):
    """'Not applicable' was chosen for an item without a written reason."""

    def __init__(self, item: str):
        super().__init__(item)
        self.item = item


@dataclass(frozen=True)
class Blocker:
    """Why a case cannot be granted yet. `code` is one of: not_claimed, claimed_by_other,
    no_checklist, open, not_met, reason_missing, refusal_pending, fee_unpaid,
    fee_amount_not_set, uwv_advice_not_requested, uwv_advice_pending, family_main_not_granted
    (`item`: the main application's reference); `item` for the item codes."""

    code: str
    item: str | None = None


class GrantNotReady(CaseError):
    """A grant was asked for while something still blocks it; nothing was changed."""

    def __init__(self, blockers: list[Blocker]):
        super().__init__([b.code for b in blockers])
        self.blockers = blockers


# Items filled from records, never by hand: "Fee paid" is the fee's payment record.
FROM_RECORDS = frozenset({CheckItem.FEE_PAID.value})


def items_for(application: Application, on: date | None = None) -> tuple[str, ...]:
    """The items a reviewer answers, of the checklist in force for the case's kind (empty when
    none is in the reference data); items filled from records are not among them."""
    try:
        items = checklist_items(application.kind.value, on or clock.today())
    except ReferenceDataMissing:
        return ()
    return tuple(item for item in items if item not in FROM_RECORDS)


def fee_blocker(application: Application) -> Blocker | None:
    """A fee not paid, or its amount not set, blocks a grant (the "Fee paid" item)."""
    state = fee_records.state_of(application.fee)
    if state.code == fee_records.FeeCode.AMOUNT_TO_BE_SET:
        return Blocker("fee_amount_not_set", CheckItem.FEE_PAID.value)
    if state.open:
        return Blocker("fee_unpaid", CheckItem.FEE_PAID.value)
    return None


def checklist(application: Application, on: date | None = None) -> dict[str, ReviewCheck | None]:
    """Each item of the case's checklist with its latest answer (None: not answered yet)."""
    found = {
        check.item: check
        for check in db.session.scalars(
            select(ReviewCheck).where(ReviewCheck.application_id == application.id)
        )
    }
    return {item: found.get(item) for item in items_for(application, on)}


def answers(application: Application) -> list[CheckAnswer]:
    """Every answer given on the case, oldest first: the checklist's part of the case history."""
    return db.session.scalars(
        select(CheckAnswer)
        .where(CheckAnswer.application_id == application.id)
        .order_by(CheckAnswer.answered_at, CheckAnswer.id)
    ).all()


def record_answers(
    application: Application,
    actor: User,
    entries: dict[str, tuple[CheckOutcome | None, str | None]],
) -> list[str]:
    """Store what changed (latest answer, history row, audit event); returns the changed items.

    The caller has already moved the case's version (compare-and-set). Raises ReasonRequired,
    before writing anything, when "not applicable" comes without a reason.
    """
    for item, (outcome, note) in entries.items():
        if outcome == CheckOutcome.NOT_APPLICABLE and not (note or "").strip():
            raise ReasonRequired(item)
    allowed = set(items_for(application))
    current = checklist(application)
    changed = []
    for item, (outcome, note) in entries.items():
        if item not in allowed:
            continue
        check = current.get(item)
        note = (note or "").strip() or None
        if check is None:
            if outcome is None and note is None:
                continue
            check = ReviewCheck(application_id=application.id, item=item, checked_by_id=actor.id)
            db.session.add(check)
        elif check.outcome == outcome and check.note == note:
            continue
        check.outcome = outcome
        check.note = note
        check.checked_by_id = actor.id
        check.checked_at = utcnow()
        db.session.add(
            CheckAnswer(
                application_id=application.id,
                item=item,
                outcome=outcome,
                note=note,
                answered_by_id=actor.id,
            )
        )
        changed.append(
            {"item": item, "outcome": outcome.value if outcome else None, "reason": note}
        )
    audit.record(
        AuditAction.APPLICATION_CHECKLIST_SAVED,
        actor=actor,
        organisation=application.organisation,
        target=application,
        details={"changed": [c["item"] for c in changed], "answers": changed},
    )
    db.session.flush()
    return [c["item"] for c in changed]


def grant_blockers(application: Application, actor: User) -> list[Blocker]:
    """Everything that stands between this reviewer and a grant of the case; empty: ready."""
    blockers = []
    if application.assigned_to_id is None:
        blockers.append(Blocker("not_claimed"))
    elif application.assigned_to_id != actor.id:
        blockers.append(Blocker("claimed_by_other"))
    if application.refusal_proposed_by_id is not None:
        blockers.append(Blocker("refusal_pending"))
    fee = fee_blocker(application)
    if fee is not None:
        blockers.append(fee)
    blockers += [Blocker(code) for code in advice.blocker_codes(application)]  # GVVA (issue 22)
    main = family_checks.main_not_granted(application)
    if main is not None:  # a family member after the main applicant (issue 22)
        blockers.append(Blocker("family_main_not_granted", main))
    checks = checklist(application)
    if not checks:
        blockers.append(Blocker("no_checklist"))
    for item, check in checks.items():
        if check is None or check.outcome is None:
            blockers.append(Blocker("open", item))
        elif check.outcome == CheckOutcome.NOT_MET:
            blockers.append(Blocker("not_met", item))
        elif check.outcome == CheckOutcome.NOT_APPLICABLE and not check.note:
            blockers.append(Blocker("reason_missing", item))
    return blockers
