"""Failed background jobs (supervisors, administrators): what failed, how often it was tried,
its last error, and a button that runs it again (audited). The figures at the top are the
ones monitoring reads (portal/jobs/stats.py)."""

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from portal import audit
from portal.audit import AuditAction
from portal.blueprints.backoffice import bp
from portal.extensions import db
from portal.forms import EmptyForm
from portal.jobs import queue_stats, worker
from portal.jobs.labels import task_label
from portal.models import Job, JobStatus
from portal.permissions import Permission, staff_requires

SHOWN = 200


@bp.get("/jobs")
@staff_requires(Permission.STAFF_JOBS_MANAGE)
def failed_jobs():
    failed = db.session.scalars(
        select(Job)
        .where(Job.status == JobStatus.FAILED)
        .order_by(Job.finished_at.desc(), Job.id.desc())
        .limit(SHOWN)
    ).all()
    return render_template(
        "backoffice/jobs.html",
        jobs=failed,
        stats=queue_stats(),
        task_label=task_label,
        form=EmptyForm(),
    )


@bp.post("/jobs/<int:job_id>/retry")
@staff_requires(Permission.STAFF_JOBS_MANAGE)
def retry_job(job_id: int):
    if not EmptyForm().validate_on_submit():
        abort(400)
    job = db.session.get(Job, job_id)
    if job is None:
        abort(404)
    if job.status != JobStatus.FAILED:
        flash(_("This job is no longer failed: nothing to retry."), "info")
        return redirect(url_for("backoffice.failed_jobs"))
    worker.retry(job)
    audit.record(
        AuditAction.STAFF_JOB_RETRIED,
        actor=current_user,
        target=job,
        details={"task": job.task},
    )
    db.session.commit()
    flash(_("The job will run again."), "success")
    return redirect(url_for("backoffice.failed_jobs"))
