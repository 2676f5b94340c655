"""UWV's labour-market advice on a single-permit (GVVA) case (issue 22): a back-office step.

The IND asks UWV for advice; UWV is not connected, so staff record the request and, when the
answer comes, the advice by hand. Whether the request stops the decision clock is reference
data marked unverified (`uwv_advice` in data.toml): when it does, the deadline moves at
recording by the days from the request to the advice, at most to the request's term (as a
request for information, Awb 4:15). A GVVA case is not granted before the advice is recorded
(a grant blocker, like the fee); the decision letter states the advice.
"""

from datetime import date, timedelta

from flask_babel import gettext as _

from portal import audit, clock
from portal.audit import AuditAction
from portal.cases.errors import CaseError
from portal.extensions import db
from portal.formatting import date_text
from portal.models import Application, ApplicationKind, User, UwvAdvice, UwvOutcome
from portal.models.application import DECIDABLE_STATUSES
from portal.reference import work as work_reference

ADVISED_KINDS = (ApplicationKind.GVVA,)


class AdviceNotPossible(CaseError):
    """Not a case UWV advises on, not in review, already asked (request) or not yet asked /
    already recorded (record)."""


def needs_advice(application: Application) -> bool:
    return application.kind in ADVISED_KINDS


def advice_of(application: Application) -> UwvAdvice | None:
    if not needs_advice(application):
        return None
    return db.session.query(UwvAdvice).filter_by(application_id=application.id).one_or_none()


def blocker_codes(application: Application) -> list[str]:
    """A GVVA case waits for UWV's advice before a grant (portal/cases/checklist.py)."""
    if not needs_advice(application):
        return []
    advice = advice_of(application)
    if advice is None:
        return ["uwv_advice_not_requested"]
    if advice.outcome is None:
        return ["uwv_advice_pending"]
    return []


def request(application: Application, actor: User, note: str, today: date | None = None):
    """Record that the IND asked UWV for advice (once per case, while the case is open)."""
    today = today or clock.today()
    if (
        not needs_advice(application)
        or application.status not in DECIDABLE_STATUSES
        or advice_of(application) is not None
    ):
        raise AdviceNotPossible(application.reference)
    rules = work_reference.uwv_advice(today)
    advice = UwvAdvice(
        application_id=application.id,
        requested_on=today,
        requested_by_id=actor.id,
        request_note=note,
        suspends_clock=rules.suspends_decision_period,
        respond_by=today + timedelta(days=rules.term_days),
    )
    db.session.add(advice)
    audit.record(
        AuditAction.UWV_ADVICE_REQUESTED,
        actor=actor,
        organisation=application.organisation,
        target=application,
        details={"suspends_clock": advice.suspends_clock, "verified": rules.verified},
    )
    db.session.flush()
    return advice


def suspended_days(advice: UwvAdvice, received_on: date) -> int:
    """Days the clock stood still for the advice: none unless the request stops it; from the
    request to the advice, never past the request's term."""
    if not advice.suspends_clock:
        return 0
    return max((min(received_on, advice.respond_by) - advice.requested_on).days, 0)


def record(
    application: Application,
    actor: User,
    outcome: UwvOutcome,
    received_on: date,
    text: str,
    today: date | None = None,
) -> UwvAdvice:
    """Record UWV's advice as received (by hand); the deadline moves when the request stopped
    the clock."""
    today = today or clock.today()
    advice = advice_of(application)
    if (
        advice is None
        or advice.outcome is not None
        or application.status not in DECIDABLE_STATUSES
        or not advice.requested_on <= received_on <= today
    ):
        raise AdviceNotPossible(application.reference)
    advice.outcome = outcome
    advice.received_on = received_on
    advice.advice_text = text
    advice.recorded_by_id = actor.id
    days = suspended_days(advice, received_on)
    advice.suspended_days = days
    if days and application.decision_deadline is not None:
        application.decision_deadline += timedelta(days=days)
    audit.record(
        AuditAction.UWV_ADVICE_RECORDED,
        actor=actor,
        organisation=application.organisation,
        target=application,
        details={
            "outcome": outcome.value,
            "received_on": received_on.isoformat(),
            "suspended_days": days,
        },
    )
    db.session.flush()
    return advice


def sponsor_steps(application: Application) -> list[str]:
    """What the sponsor reads about the step on the case page ('what happens next')."""
    if not needs_advice(application):
        return []
    advice = advice_of(application)
    if advice is None:
        return [_("The IND asks UWV for advice on the labour market before it decides.")]
    if advice.outcome is None:
        return [
            _(
                "The IND asked UWV for advice on the labour market on %(date)s and decides "
                "once the advice has arrived.",
                date=date_text(advice.requested_on),
            )
        ]
    return [
        _(
            "UWV's advice on the labour market arrived on %(date)s; the decision letter will "
            "state it.",
            date=date_text(advice.received_on),
        )
    ]


def letter_context(application: Application) -> dict:
    """What the decision letter says about the advice (nothing for other kinds)."""
    advice = advice_of(application)
    if advice is None or advice.outcome is None:
        return {}
    return {
        "uwv_outcome": advice.outcome.value,
        "uwv_advice_received_on": advice.received_on,
        "uwv_advice_text": advice.advice_text,
    }
