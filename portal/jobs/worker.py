"""Running jobs: claimed once by compare-and-set under a lease, retried with exponential
backoff, given up after JOBS_MAX_ATTEMPTS (then failed, for staff to retry)."""

import contextvars
import importlib
import logging
import signal
import threading
import time
from datetime import timedelta

from flask import current_app, has_app_context
from sqlalchemy import select, update

from portal.extensions import db
from portal.jobs import outbox
from portal.models import Job, JobStatus
from portal.models.base import utcnow

log = logging.getLogger(__name__)
current_job = contextvars.ContextVar("current_job", default=None)
# Jobs queued before the domain packages replaced portal/services/ name their function by its
# old path. Kept for one release, so that a queue drained after a deploy still finds them.
LEGACY_PATHS = {
    "portal.services.mail": "portal.mail",
    "portal.services.student_import": "portal.bulk.student_import",
}


def resolve(path: str):
    module, _colon, name = path.partition(":")
    module = LEGACY_PATHS.get(module, module)
    return getattr(importlib.import_module(module), name)


def _lease() -> timedelta:
    return timedelta(seconds=current_app.config["JOBS_LEASE_SECONDS"])


def backoff(attempts: int) -> timedelta:
    """30 s, 1 min, 2 min, 4 min … after the 1st, 2nd, 3rd failure (capped at an hour)."""
    base = current_app.config["JOBS_RETRY_BASE_SECONDS"]
    return timedelta(seconds=min(base * 2 ** (attempts - 1), 3600))


def claim(job_id: int) -> int | None:
    """Take the job if it is due (or its worker's lease has passed): the attempt number, or
    None when another worker has it or it is done. Commits."""
    now = utcnow()
    taken = db.session.execute(
        update(Job)
        .where(Job.id == job_id, outbox.due_clause(now))
        .values(status=JobStatus.RUNNING, attempts=Job.attempts + 1, lease_until=now + _lease())
        .returning(Job.attempts)
    ).scalar_one_or_none()
    db.session.commit()
    return taken


def claim_next(tasks: list[str] | None = None) -> tuple[int, int] | None:
    """The oldest due job, claimed: (id, attempt). On PostgreSQL the candidate row is locked
    with SKIP LOCKED, so workers side by side never wait for each other."""
    query = select(Job.id).where(outbox.due_clause(utcnow())).order_by(Job.run_at, Job.id)
    if tasks:
        query = query.where(Job.task.in_(tasks))
    for _try in range(5):
        job_id = db.session.scalar(query.limit(1).with_for_update(skip_locked=True))
        if job_id is None:
            db.session.commit()
            return None
        attempt = claim(job_id)
        if attempt is not None:
            return job_id, attempt
    return None


class Heartbeat(threading.Thread):
    """Renews the lease while the job runs, on a connection of its own."""

    def __init__(self, app, job_id: int, attempt: int):
        super().__init__(daemon=True)
        self.app, self.job_id, self.attempt = app, job_id, attempt
        self.stopped = threading.Event()

    def run(self) -> None:
        with self.app.app_context():
            every = max(self.app.config["JOBS_LEASE_SECONDS"] / 3, 0.2)
            while not self.stopped.wait(every):
                try:
                    with db.engine.begin() as connection:
                        connection.execute(
                            update(Job)
                            .where(Job.id == self.job_id, Job.attempts == self.attempt)
                            .where(Job.status == JobStatus.RUNNING)
                            .values(lease_until=utcnow() + _lease())
                        )
                except Exception:  # the database is busy (SQLite's one writer): next beat
                    log.warning("lease of job %s not renewed", self.job_id)


def _finish(job_id: int, attempt: int, error: str | None) -> None:
    job = db.session.get(Job, job_id)
    if job is None or job.status != JobStatus.RUNNING or job.attempts != attempt:
        db.session.commit()  # taken over by another worker after our lease passed
        return
    job.lease_until = None
    if error is None:  # done: its arguments (addresses, one-time links) are not kept
        job.status, job.finished_at, job.last_error = JobStatus.DONE, utcnow(), None
        job.args = []
    elif attempt >= job.max_attempts:
        job.status, job.finished_at, job.last_error = JobStatus.FAILED, utcnow(), error
    else:
        job.status, job.run_at, job.last_error = (
            JobStatus.QUEUED,
            utcnow() + backoff(attempt),
            error,
        )
    db.session.commit()
    if job.status == JobStatus.QUEUED and outbox.queue_configured():
        try:
            outbox.push(job)
        except Exception:
            log.exception("retry of job %s not queued; `flask jobs requeue` will", job_id)


def execute(job_id: int, attempt: int, heartbeat: bool) -> None:
    """Run a claimed job; the task commits its own work (and it is committed after it)."""
    job = db.session.get(Job, job_id)
    task, args = job.task, list(job.args)
    db.session.commit()
    beat = Heartbeat(current_app._get_current_object(), job_id, attempt) if heartbeat else None
    if beat:
        beat.start()
    token = current_job.set(job_id)
    error = None
    try:
        resolve(task)(*args)
        db.session.commit()
    except Exception as failure:  # any failure: rolled back, retried later
        db.session.rollback()
        log.exception("job %s (%s) failed, attempt %s", job_id, task, attempt)
        error = f"{type(failure).__name__}: {failure}"[:2000]
    finally:
        current_job.reset(token)
        if beat:
            beat.stopped.set()
            beat.join()
    _finish(job_id, attempt, error)


def run(job_id: int, heartbeat: bool = False) -> bool:
    """Claim and run one job by id (what RQ calls); False when it was not ours to run."""
    attempt = claim(job_id)
    if attempt is None:
        return False
    execute(job_id, attempt, heartbeat)
    return True


def perform(job_id: int) -> None:
    """Entry point in the RQ worker (`rq worker --with-scheduler portal`): a fresh app per job,
    or the app of a worker started inside one (the tests run a SimpleWorker in their app)."""
    from portal.ops import logs

    with logs.job_logging():  # its lines carry the id of the request that queued it
        if has_app_context():
            run(job_id)
            return
        from portal import create_app

        with create_app().app_context():
            run(job_id, heartbeat=True)


class Stop:
    """SIGTERM/SIGINT: finish the job in hand, then stop (graceful shutdown)."""

    def __init__(self):
        self.requested = False

    def install(self) -> None:
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, self._request)

    def _request(self, *_args) -> None:
        self.requested = True


def work(
    burst: bool = True,
    tasks: list[str] | None = None,
    heartbeat: bool = False,
    stop: Stop | None = None,
    idle_seconds: float = 1.0,
) -> int:
    """The database-backed worker (`flask jobs work`): run due jobs, oldest first; with
    `burst` stop when none is due, else wait for more. Returns how many ran."""
    ran = 0
    stop = stop or Stop()
    while not stop.requested:
        claimed = claim_next(tasks)
        if claimed is None:
            if burst:
                break
            time.sleep(idle_seconds)
            continue
        execute(*claimed, heartbeat=heartbeat)
        ran += 1
    return ran


def retry(job: Job) -> None:
    """Staff: a failed job runs again (from its first attempt). The caller commits."""
    job.status, job.attempts, job.run_at = JobStatus.QUEUED, 0, utcnow()
    job.finished_at = None
    db.session.flush()
    outbox.to_push(job)
