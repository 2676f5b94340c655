"""The statutory decision clock: stopped by a request for information, resumed by the reply."""

from datetime import date, timedelta

from sqlalchemy import select

from portal.extensions import db
from portal.models import Application, ClockSuspension


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
    end = min(resumed_on, suspension.respond_by)
    return max((end - suspension.started_on).days, 0)


def projected_deadline(application: Application, suspension: ClockSuspension | None, on: date):
    """While the clock is stopped: the deadline if the reply arrived on `on`."""
    if suspension is None or application.decision_deadline is None:
        return application.decision_deadline
    return application.decision_deadline + timedelta(days=suspended_days(suspension, on))
