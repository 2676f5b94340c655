"""Scheduled work: `flask jobs schedule`, run by cron (e.g. `0 * * * * flask jobs schedule`),
queues each daily task once per day — a job with the key `daily:<task>:<date>`, so running it
every hour, on two machines or again after a failure queues nothing twice — and the worker
runs it like any job (retries, failed-jobs page).

Why cron and not rq-scheduler: rq-scheduler keeps its schedule in Redis, which keeps nothing on
disk here, and it needs a daemon of its own; a keyed row in the outbox survives restarts, works
without Redis (`flask jobs work`) and cannot run a day's task twice."""

from datetime import timedelta

from portal import clock
from portal.extensions import db
from portal.jobs.outbox import enqueue


def extension_and_report_reminders() -> None:
    from portal.duties import reminders

    reminders.send_due()
    db.session.commit()


def fee_reminders() -> None:
    from portal.fees import reminders

    reminders.send_reminders()
    db.session.commit()


def lift_expired_suspensions() -> None:
    from portal.oversight import sanctions

    sanctions.lift_expired()
    db.session.commit()


def todo_digest() -> tuple[int, int]:
    """Today's digest to everyone who gets notices, once per address, organisation and day:
    (sent, bounced). Also `flask todo digest`."""
    from portal.notices import bounces, digest

    today = clock.today()
    sent = bounced = 0
    for message in digest.pending(today):
        if bounces.send(message.address, message.subject, message.body):
            digest.mark_sent(message, today)
            db.session.commit()
            sent += 1
        else:
            bounced += 1
    return sent, bounced


def purge_done_jobs() -> None:
    """Done jobs older than a week go (their arguments were erased when they finished)."""
    from sqlalchemy import delete

    from portal.models import Job, JobStatus
    from portal.models.base import utcnow

    db.session.execute(
        delete(Job).where(
            Job.status == JobStatus.DONE, Job.finished_at < utcnow() - timedelta(days=7)
        )
    )
    db.session.commit()


DAILY = (
    extension_and_report_reminders,
    fee_reminders,
    lift_expired_suspensions,
    todo_digest,
    purge_done_jobs,
)


def queue_due() -> int:
    """Queue each daily task not yet queued today (Amsterdam's date); returns how many."""
    today = clock.today().isoformat()
    queued = 0
    for task in DAILY:
        if enqueue(task, key=f"daily:{task.__name__}:{today}", inline=False) is not None:
            queued += 1
    return queued
