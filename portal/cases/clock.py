"""The statutory decision clock: when it starts (payment or submission, per kind in reference
data), how requests for information stop it, and the deadline they compose to.

`compose_deadline` is the one rule: start + the decision period + the days the clock stood
still after it started (each request, from the day it was sent to the day the reply arrived,
never past its respond-by date: Awb 4:15) + extensions. No start (a kind whose period runs
from payment, not yet paid): no deadline.
"""

from collections.abc import Iterable
from datetime import date, timedelta

from sqlalchemy import select

from portal import clock as portal_clock
from portal import reference
from portal.extensions import db
from portal.models import Application, ClockSuspension, DeadlineExtension
from portal.reference import fees as fee_reference


def open_clock_suspension(application: Application) -> ClockSuspension | None:
    """The clock suspension running now (a request for information not yet answered)."""
    return db.session.scalar(
        select(ClockSuspension)
        .where(
            ClockSuspension.application_id == application.id,
            ClockSuspension.ended_on.is_(None),
        )
        .order_by(ClockSuspension.id.desc())
    )


def suspended_days(suspension: ClockSuspension, resumed_on: date) -> int:
    """Days the clock stood still: from the request to the reply, at most to the respond-by date."""
    return counted_days(suspension, None, resumed_on)


def counted_days(suspension: ClockSuspension, start: date | None, resumed_on: date) -> int:
    """The suspended days that fall in the decision period (from `start`, when given): a
    request sent before the period started stops nothing before it."""
    end = min(resumed_on, suspension.respond_by)
    begin = suspension.started_on if start is None else max(suspension.started_on, start)
    return max((end - begin).days, 0)


def compose_deadline(
    start: date | None,
    period_days: int,
    suspensions: Iterable[ClockSuspension],
    *,
    resumed_on: date | None = None,
    extension_days: int = 0,
) -> date | None:
    """The statutory deadline from its facts. Ended suspensions count up to their end; an
    open one counts up to `resumed_on` when given (the deadline were the reply to arrive
    then), else not at all."""
    if start is None:
        return None
    stood_still = 0
    for suspension in suspensions:
        end = suspension.ended_on or resumed_on
        if end is not None:
            stood_still += counted_days(suspension, start, end)
    return start + timedelta(days=period_days + stood_still + extension_days)


def period_kind(application: Application) -> str:
    """The decision_period key of reference data: recognition, or residence for every other."""
    return application.kind.value if not application.kind.is_residence else "residence"


def runs_from_payment(application: Application, on: date) -> bool:
    return fee_reference.decision_period_start(application.kind.value, on).from_payment


def deadline_at_submission(application: Application, today: date) -> date | None:
    """Submitted today: the deadline when the period starts now, None when it waits for payment."""
    if runs_from_payment(application, today):
        return None
    return today + timedelta(days=reference.decision_period_days(period_kind(application), today))


def period_start(application: Application) -> date | None:
    """The day the decision period started: the payment day for kinds whose period runs from
    payment (None while unpaid), else the submission day."""
    submitted_on = portal_clock.local_date(application.submitted_at)
    if runs_from_payment(application, submitted_on):
        fee = application.fee
        return fee.paid_on if fee is not None else None
    return submitted_on


def counted_from(application: Application) -> date | None:
    """From when a request's days count: the payment day for kinds whose period runs from
    payment (a request before it stops nothing); None (every day) for the others, which
    cannot have a request before their submission."""
    submitted_on = portal_clock.local_date(application.submitted_at)
    if runs_from_payment(application, submitted_on):
        return period_start(application)
    return None


def extension_days(application: Application) -> int:
    """The days a reviewer extended the decision period by (Awb 4:14; at most once)."""
    return (
        db.session.scalar(
            select(DeadlineExtension.days).where(DeadlineExtension.application_id == application.id)
        )
        or 0
    )


def deadline_from_payment(application: Application, paid_on: date) -> date:
    """The deadline of a case whose period starts at payment on `paid_on`."""
    period = reference.decision_period_days(period_kind(application), paid_on)
    return compose_deadline(
        paid_on,
        period,
        application.clock_suspensions,
        extension_days=extension_days(application),
    )


def projected_deadline(application: Application, suspension: ClockSuspension | None, on: date):
    """While the clock is stopped: the deadline if the reply arrived on `on`."""
    if suspension is None or application.decision_deadline is None:
        return application.decision_deadline
    start = counted_from(application)
    return application.decision_deadline + timedelta(days=counted_days(suspension, start, on))
