"""Writing jobs in the request's transaction and handing them to RQ after it commits."""

import logging
from collections.abc import Callable
from datetime import datetime

from flask import current_app
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from portal.extensions import db
from portal.models import Job, JobStatus
from portal.models.base import utcnow

PUSH_KEY = "portal.jobs.push"
ONCE_KEY = "portal.jobs.once"
QUEUE_NAME = "portal"
log = logging.getLogger(__name__)


def queue_configured() -> bool:
    return bool(current_app.config.get("REDIS_URL"))


def deferred() -> bool:
    """Jobs wait for a worker (RQ, or `flask jobs work` with JOBS_INLINE=0)."""
    return queue_configured() or not current_app.config.get("JOBS_INLINE", True)


def task_path(function: Callable) -> str:
    return f"{function.__module__}:{function.__qualname__}"


def enqueue(
    function: Callable,
    *args,
    key: str | None = None,
    run_at: datetime | None = None,
    inline: bool = True,
    once_per_transaction: bool = False,
) -> Job | None:
    """Run `function(*args)` in a worker: a row in this transaction (flushed). Without a queue
    a job that may run `inline` runs now, as before. `key` makes it idempotent: a job with
    that key already on record is not written again (None is returned);
    `once_per_transaction`: a second call in the same transaction writes nothing."""
    if inline and run_at is None and not deferred():
        function(*args)
        return None
    if once_per_transaction:
        once = db.session.info.setdefault(ONCE_KEY, set())
        if (task_path(function), tuple(args)) in once:
            return None
        once.add((task_path(function), tuple(args)))
    if key is not None and db.session.scalar(select(Job.id).where(Job.key == key)) is not None:
        return None
    job = Job(
        task=task_path(function),
        args=list(args),
        key=key,
        status=JobStatus.QUEUED,
        attempts=0,
        max_attempts=current_app.config["JOBS_MAX_ATTEMPTS"],
        run_at=run_at or utcnow(),
    )
    db.session.add(job)
    db.session.flush()
    to_push(job)
    return job


def to_push(job: Job) -> None:
    """Push the job onto RQ when this transaction commits."""
    db.session.info.setdefault(PUSH_KEY, []).append(
        Job(id=job.id, attempts=job.attempts, run_at=job.run_at)
    )


def rq_queue():
    from redis import Redis  # only needed where a queue is configured
    from rq import Queue

    connection = Redis.from_url(current_app.config["REDIS_URL"])
    return Queue(QUEUE_NAME, connection=connection)


def rq_id(job_id: int, attempts: int) -> str:
    """One RQ job per attempt (named after the attempts made before it): a retry, or a job
    taken over from a dead worker, never overwrites the RQ job that ran before."""
    return f"portal-job-{job_id}-{attempts}"


def push(job: Job, queue=None) -> None:
    from portal.ops import logs

    """Put the job on RQ (at its run_at when that is later: RQ's scheduler, `--with-scheduler`)."""
    from portal.jobs.worker import perform

    queue = queue or rq_queue()
    options = {
        "job_id": rq_id(job.id, job.attempts),
        "job_timeout": current_app.config["JOBS_TIMEOUT_SECONDS"],
        "result_ttl": 600,
        "failure_ttl": 86400,
        "meta": logs.job_meta(),  # its log lines carry the id of the request that queued it
    }
    if job.run_at > utcnow():
        queue.enqueue_at(job.run_at, perform, job.id, **options)
    else:
        queue.enqueue(perform, job.id, **options)


def after_commit(session: Session) -> None:
    """Once committed, push the transaction's new jobs onto RQ. Redis down: the rows wait for
    `flask jobs requeue` (the request goes on)."""
    if session.in_nested_transaction():
        return
    session.info.pop(ONCE_KEY, None)
    jobs = session.info.pop(PUSH_KEY, None)
    if not jobs or not queue_configured():
        return
    try:
        queue = rq_queue()
        for job in jobs:
            push(job, queue)
    except Exception:  # the queue is down: the outbox keeps them
        log.exception("jobs could not be queued; `flask jobs requeue` will")


def after_rollback(session: Session) -> None:
    session.info.pop(PUSH_KEY, None)
    session.info.pop(ONCE_KEY, None)


def due_clause(now: datetime):
    """Ready to run: queued and due, or running under a lease that has passed (a dead worker)."""
    return or_(
        (Job.status == JobStatus.QUEUED) & (Job.run_at <= now),
        (Job.status == JobStatus.RUNNING) & (Job.lease_until < now),
    )


def requeue(limit: int = 10_000) -> int:
    """Push onto RQ every job that is due and not waiting there (after Redis lost its data, or
    a worker died); `flask jobs requeue`, run by cron every minute or by the worker's sweep."""
    from rq.exceptions import NoSuchJobError
    from rq.job import Job as RqJob

    queue = rq_queue()
    waiting = {"queued", "started", "scheduled", "deferred"}
    now = utcnow()
    pushed = 0
    for job in db.session.scalars(select(Job).where(due_clause(now)).order_by(Job.id).limit(limit)):
        try:
            state = RqJob.fetch(rq_id(job.id, job.attempts), connection=queue.connection)
            status = state.get_status(refresh=False)
        except NoSuchJobError:
            status = None
        if status not in waiting:
            push(job, queue)
            pushed += 1
    return pushed
