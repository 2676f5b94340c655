"""Figures for monitoring (the metrics endpoint reads them): how many jobs wait, run, failed."""

from sqlalchemy import func, select

from portal.extensions import db
from portal.models import Job, JobStatus
from portal.models.base import utcnow


def queue_stats() -> dict[str, int]:
    """{"depth": due and waiting, "running": …, "failed": given up, "scheduled": later}."""
    now = utcnow()
    rows = db.session.execute(
        select(Job.status, func.count(), func.count().filter(Job.run_at <= now))
        .where(Job.status != JobStatus.DONE)
        .group_by(Job.status)
    ).all()
    figures = {"depth": 0, "running": 0, "failed": 0, "scheduled": 0}
    for status, number, due in rows:
        if status == JobStatus.QUEUED:
            figures["depth"], figures["scheduled"] = due, number - due
        else:
            figures[status.value] = number
    return figures
