"""`flask jobs work | requeue | schedule` (issue 21).

- `flask jobs work`: the database-backed worker (without Redis, or beside RQ): runs due jobs
  until stopped (SIGTERM finishes the job in hand); `--burst` stops when none is due.
- `flask jobs requeue`: with Redis, pushes onto RQ every due job that is not waiting there
  (after Redis restarted empty, or a worker died). Cron every minute, or `--every 30`.
- `flask jobs schedule`: queues today's scheduled work once a day (cron, see
  portal/jobs/schedule.py)."""

import time

import click
from flask.cli import with_appcontext

from portal.extensions import db

jobs_cli = click.Group("jobs", help="Background jobs: the worker, the requeue sweep, schedules.")


@jobs_cli.command("work")
@click.option("--burst", is_flag=True, help="Stop when no job is due.")
@with_appcontext
def work(burst: bool) -> None:
    """Run due jobs, oldest first; a job whose worker died is taken again after its lease."""
    from portal.jobs import worker

    stop = worker.Stop()
    stop.install()
    ran = worker.work(burst=burst, heartbeat=True, stop=stop)
    click.echo(f"Ran {ran} job(s).")


@jobs_cli.command("requeue")
@click.option("--every", type=float, default=0, help="Repeat every so many seconds.")
@with_appcontext
def requeue(every: float) -> None:
    """Push due jobs that Redis lost back onto RQ (needs REDIS_URL)."""
    from portal.jobs import outbox

    if not outbox.queue_configured():
        raise click.ClickException("REDIS_URL is not set: `flask jobs work` runs the jobs")
    while True:
        pushed = outbox.requeue()
        db.session.commit()
        click.echo(f"Queued {pushed} job(s) again.")
        if not every:
            return
        time.sleep(every)


@jobs_cli.command("schedule")
@with_appcontext
def schedule() -> None:
    """Queue today's scheduled jobs (each once a day: safe to run every hour)."""
    from portal.jobs import schedule as scheduled

    queued = scheduled.queue_due()
    db.session.commit()
    click.echo(f"Queued {queued} scheduled job(s).")
