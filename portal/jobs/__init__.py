"""The job outbox (issue 21): background work as rows of the `job` table, written in the
request's transaction, so that nothing is lost when Redis restarts.

- `enqueue(function, *args)` (portal/jobs/outbox.py) writes the row. With REDIS_URL set, the
  ids are pushed onto RQ once the transaction commits (nothing when it rolls back), and
  `flask jobs requeue` pushes again whatever Redis lost. Without Redis a job runs inline, as
  before (the embedded default), unless the caller asks for a worker or `JOBS_INLINE=0`:
  then `flask jobs work` (the database-backed worker) runs it.
- A worker claims a job by compare-and-set (PostgreSQL: SELECT … FOR UPDATE SKIP LOCKED) with
  a lease it renews while it works; a job whose worker died is taken again when the lease has
  passed. A failure is retried with exponential backoff, then marked failed for staff to see
  and retry (portal/jobs/worker.py, /backoffice/jobs).
- Jobs are idempotent: each task checks the state it changes (a batch's status, a webhook
  delivery's attempt) before acting, so a second run after a crash does the work once.
"""

from portal.jobs.outbox import enqueue, queue_configured
from portal.jobs.stats import queue_stats

__all__ = ["enqueue", "queue_configured", "queue_stats"]
