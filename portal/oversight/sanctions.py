"""Sanctions against a sponsor: warning, fine, suspension (extend, lift) and withdrawal.

Each records a Sanction, changes the recognition where it applies, writes an audit event and
issues the letter to the organisation. Services flush, never commit; the view commits.

Recognition changes are compare-and-set: the form carries the state of the recognition it was
shown with (`state_token`) and the UPDATE only matches a row still in that state, so a stale
form or a colleague acting at the same moment changes nothing (`StaleRecognition`).

A suspension ends by itself on the day after `ends_on` (every check uses dates, see
`oversight.in_force_clause`); `lift_expired` records those endings with their letter.
"""

from datetime import date, timedelta

from sqlalchemy import select, update

from portal import audit, clock, reference
from portal.audit import AuditAction
from portal.extensions import db
from portal.letters.issuing import issue_letter
from portal.models import (
    Category,
    LetterKind,
    Organisation,
    Recognition,
    RecognitionStatus,
    Sanction,
    SanctionKind,
)
from portal.oversight import disclosures as disclosures_module
from portal.oversight import intended
from portal.oversight.sanction_obstacles import (
    StaleRecognition,
    obstacle,
    unlifted_suspension,
)
from portal.residence.rules import add_months


def sanction_reference(sanction: Sanction) -> str:
    """The sanction's reference as printed in its letters."""
    return f"SN-{sanction.starts_on.year}-{sanction.id:06d}"


def suspension_end(starts_on: date, months: int) -> date:
    """The last day of a period of `months` from `starts_on` (inclusive): the day before the
    corresponding day, or the last day of the month when that month has no such day
    (29 November + 3 months: up to and including 28 February)."""
    corresponding = add_months(starts_on, months)
    if corresponding.day < starts_on.day:  # clamped to the end of a shorter month
        return corresponding
    return corresponding - timedelta(days=1)


def state_token(recognition: Recognition | None) -> str:
    """The recognition's state as a form carries it: status and end of the suspension."""
    if recognition is None:
        return "none"
    until = recognition.suspended_until.isoformat() if recognition.suspended_until else ""
    return f"{recognition.status.value}:{until}"


def get_recognition(organisation: Organisation, category: Category) -> Recognition | None:
    return db.session.scalar(
        select(Recognition).where(
            Recognition.organisation_id == organisation.id, Recognition.category == category
        )
    )


def _compare_and_set(recognition: Recognition, expected: str, **values) -> None:
    """Change the recognition only if it is still in the state the actor saw."""
    if expected != state_token(recognition):
        raise StaleRecognition
    until = recognition.suspended_until
    result = db.session.execute(
        update(Recognition)
        .where(
            Recognition.id == recognition.id,
            Recognition.status == recognition.status,
            Recognition.suspended_until.is_(None)
            if until is None
            else Recognition.suspended_until == until,
        )
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise StaleRecognition
    db.session.refresh(recognition)


def _dates(disclosures) -> list[date]:
    """The days the sponsor disclosed the facts itself, for the letter."""
    return sorted({clock.local_date(d.created_at) for d in disclosures})


def _letter(organisation, kind, sanction, actor, **context):
    return issue_letter(
        organisation,
        kind,
        actor=actor,
        category=sanction.category.value if sanction.category else None,
        sanction=sanction,
        sanction_reference=sanction_reference(sanction),
        intended=intended.for_sanction_letter(sanction),  # Awb 4:8: the response considered
        **context,
    )


def _record(action: AuditAction, actor, organisation, sanction: Sanction, **details):
    audit.record(
        action,
        actor=actor,
        organisation=organisation,
        target=sanction,
        details={
            "kind": sanction.kind.value,
            "category": sanction.category.value if sanction.category else None,
            "reference": sanction_reference(sanction),
            **details,
        },
    )


def _impose(
    organisation: Organisation,
    actor,
    kind: SanctionKind,
    category: Category | None,
    reason: str,
    starts_on: date,
    **values,
) -> Sanction:
    """A new sanction imposed by `actor`, flushed so it has its id (and reference); a fine,
    suspension or withdrawal only after an intended decision (oversight/intended.py)."""
    intention = intended.required(organisation, kind, category, starts_on)
    sanction = Sanction(
        organisation_id=organisation.id,
        kind=kind,
        category=category,
        reason=reason,
        starts_on=starts_on,
        imposed_by_id=actor.id,
        **values,
    )
    db.session.add(sanction)
    db.session.flush()
    intended.followed_by(intention, sanction)
    return sanction


# --- warning and fine: no change to any recognition -------------------------------------


def record_warning(
    organisation: Organisation,
    actor,
    reason: str,
    category: Category | None = None,
    disclosures: tuple = (),
) -> Sanction:
    today = clock.today()
    periods = reference.sanction_periods(today)
    sanction = _impose(
        organisation,
        actor,
        SanctionKind.WARNING,
        category,
        reason,
        today,
        ends_on=suspension_end(today, 12 * periods.warning_valid_years),
    )
    mitigating = disclosures_module.take_into_account(sanction, list(disclosures))
    _record(
        AuditAction.STAFF_SANCTION_WARNING_RECORDED,
        actor,
        organisation,
        sanction,
        disclosures=[d.id for d in mitigating],
    )
    _letter(
        organisation,
        LetterKind.WARNING,
        sanction,
        actor,
        reason=reason,
        disclosed=_dates(mitigating),
    )
    return sanction


def record_fine(
    organisation: Organisation,
    actor,
    amount_cents: int,
    reason: str,
    category: Category | None = None,
    disclosures: tuple = (),
) -> Sanction:
    if amount_cents <= 0:
        raise ValueError("a fine has a positive amount")
    sanction = _impose(
        organisation,
        actor,
        SanctionKind.FINE,
        category,
        reason,
        clock.today(),
        amount_cents=amount_cents,
    )
    mitigating = disclosures_module.take_into_account(sanction, list(disclosures))
    _record(
        AuditAction.STAFF_SANCTION_FINE_RECORDED,
        actor,
        organisation,
        sanction,
        amount_cents=amount_cents,
        disclosures=[d.id for d in mitigating],
    )
    _letter(
        organisation, LetterKind.FINE, sanction, actor, reason=reason, disclosed=_dates(mitigating)
    )
    return sanction


# --- suspension, extension, lifting, withdrawal ------------------------------------------


def _checked(organisation: Organisation, category: Category, action: str, expected: str):
    """The recognition, when the form was shown for its current state and the action fits."""
    today = clock.today()
    recognition = get_recognition(organisation, category)
    if recognition is not None and expected != state_token(recognition):
        raise StaleRecognition
    blocked = obstacle(action, recognition, today)
    if blocked is not None:
        raise blocked
    return recognition, today


def suspend(
    organisation: Organisation, category: Category, actor, reason: str, expected: str
) -> Sanction:
    """Suspend the recognition for the reference period: off the register, no new cases."""
    recognition, today = _checked(organisation, category, "suspend", expected)
    if recognition.status == RecognitionStatus.SUSPENDED:
        # An earlier suspension ran out but was never recorded as ended: record that first.
        _end_expired(recognition)
        expected = state_token(recognition)
    periods = reference.sanction_periods(today)
    ends_on = suspension_end(today, periods.suspension_months)
    _compare_and_set(
        recognition, expected, status=RecognitionStatus.SUSPENDED, suspended_until=ends_on
    )
    sanction = _impose(
        organisation, actor, SanctionKind.SUSPENSION, category, reason, today, ends_on=ends_on
    )
    _record(
        AuditAction.STAFF_RECOGNITION_SUSPENDED, actor, organisation, sanction, ends_on=str(ends_on)
    )
    _letter(organisation, LetterKind.SUSPENSION, sanction, actor, reason=reason, extended=False)
    return sanction


def extend(
    organisation: Organisation, category: Category, actor, reason: str, expected: str
) -> Sanction:
    """Extend the current suspension by the reference period, at most as often as allowed."""
    recognition, today = _checked(organisation, category, "extend", expected)
    sanction = unlifted_suspension(recognition)
    periods = reference.sanction_periods(today)
    previous_end = recognition.suspended_until
    ends_on = suspension_end(previous_end + timedelta(days=1), periods.extension_months)
    _compare_and_set(recognition, expected, suspended_until=ends_on)
    sanction.ends_on = ends_on
    sanction.extensions = sanction.extensions + 1
    db.session.flush()
    _record(
        AuditAction.STAFF_RECOGNITION_SUSPENSION_EXTENDED,
        actor,
        organisation,
        sanction,
        previous_end=str(previous_end),
        ends_on=str(ends_on),
        reason=reason,
    )
    _letter(
        organisation,
        LetterKind.SUSPENSION,
        sanction,
        actor,
        reason=reason,
        extended=True,
        previous_end=previous_end,
    )
    return sanction


def lift(
    organisation: Organisation, category: Category, actor, reason: str, expected: str
) -> Sanction:
    """End the current suspension today: back on the register, new cases possible again."""
    recognition, today = _checked(organisation, category, "lift", expected)
    sanction = unlifted_suspension(recognition)
    _compare_and_set(recognition, expected, status=RecognitionStatus.GRANTED, suspended_until=None)
    sanction.lifted_on = today
    sanction.lifted_by_id = actor.id
    db.session.flush()
    _record(
        AuditAction.STAFF_RECOGNITION_SUSPENSION_LIFTED,
        actor,
        organisation,
        sanction,
        reason=reason,
    )
    _letter(
        organisation,
        LetterKind.SUSPENSION_LIFTED,
        sanction,
        actor,
        reason=reason,
        lifted_on=today,
        expired=False,
    )
    return sanction


def withdraw(
    organisation: Organisation, category: Category, actor, reason: str, expected: str
) -> Sanction:
    """Withdraw the recognition (granted or suspended): off the register for good."""
    recognition, today = _checked(organisation, category, "withdraw", expected)
    _compare_and_set(
        recognition, expected, status=RecognitionStatus.WITHDRAWN, suspended_until=None
    )
    sanction = _impose(organisation, actor, SanctionKind.WITHDRAWAL, category, reason, today)
    _record(AuditAction.STAFF_RECOGNITION_WITHDRAWN, actor, organisation, sanction)
    _letter(organisation, LetterKind.WITHDRAWAL, sanction, actor, reason=reason)
    return sanction


# --- suspensions that ran out ------------------------------------------------------------


def _end_expired(recognition: Recognition) -> Sanction | None:
    """Record that a suspension ended by itself: status back to granted, letter sent."""
    ended_on = recognition.suspended_until + timedelta(days=1)
    _compare_and_set(
        recognition,
        state_token(recognition),
        status=RecognitionStatus.GRANTED,
        suspended_until=None,
    )
    sanction = unlifted_suspension(recognition)
    organisation = recognition.organisation
    if sanction is None:
        return None
    sanction.lifted_on = ended_on
    db.session.flush()
    _record(
        AuditAction.SANCTIONS_SUSPENSION_EXPIRED,
        None,
        organisation,
        sanction,
        ended_on=str(ended_on),
    )
    _letter(
        organisation,
        LetterKind.SUSPENSION_LIFTED,
        sanction,
        None,
        reason=None,
        lifted_on=ended_on,
        expired=True,
    )
    return sanction


def lift_expired(today: date | None = None) -> list[Sanction]:
    """Record the end of every suspension whose last day has passed (`flask sanctions
    lift-expired`). Safe to run again: a recorded ending is not recorded twice."""
    today = today or clock.today()
    recognitions = db.session.scalars(
        select(Recognition)
        .where(
            Recognition.status == RecognitionStatus.SUSPENDED,
            Recognition.suspended_until.is_not(None),
            Recognition.suspended_until < today,
        )
        .order_by(Recognition.id)
    ).all()
    ended = []
    for recognition in recognitions:
        sanction = _end_expired(recognition)
        if sanction is not None:
            ended.append(sanction)
    return ended
