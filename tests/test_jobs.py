"""The job outbox (issue 21): jobs are rows written in the request's transaction; a failure is
retried with exponential backoff and then listed for staff, who retry it; a job whose worker
died is taken again once its lease has passed; an e-mail job sends once; Redis losing its data
(FLUSHDB) or being down when the request commits loses nothing (`flask jobs requeue`);
scheduled work is queued once a day. The fault proof with a killed worker process is in
tests/test_jobs_fault.py."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from portal import clock
from portal.extensions import db
from portal.jobs import outbox, queue_stats, worker
from portal.models import AuditEvent, Job, JobStatus, OrgRole, Person
from tests.support.api import bearer
from tests.support.auth import staff_sign_in
from tests.support.factories import UserFactory, member
from tests.support.pages import get_page
from tests.support.student_import import TODAY, count, student
from tests.test_api_batches import _setup, jsonl, submit

CALLS: list = []
BROKEN = {"on": True}


def explode(word: str) -> None:
    """A task that fails while BROKEN is on."""
    CALLS.append(word)
    if BROKEN["on"]:
        raise RuntimeError(f"boom {word}")


@pytest.fixture(autouse=True)
def worker_mode(app, monkeypatch):
    """Without Redis, jobs wait for the database worker (JOBS_INLINE=0)."""
    monkeypatch.setitem(app.config, "JOBS_INLINE", False)
    CALLS.clear()
    BROKEN["on"] = True


@pytest.fixture
def later(monkeypatch):
    """later(seconds): the clock moved on (the worker's now; nothing else is shifted)."""
    real = clock.now
    shift = {"by": timedelta(0)}
    monkeypatch.setattr(clock, "now", lambda: real() + shift["by"])

    def move(seconds: float) -> None:
        shift["by"] += timedelta(seconds=seconds)

    return move


def test_a_failing_job_backs_off_then_is_listed_for_staff_who_retry_it(app, client, later):
    job = outbox.enqueue(explode, "once", inline=False)
    db.session.commit()
    waits = []
    for attempt in range(1, 6):
        assert worker.work() == 1
        assert worker.work() == 0  # not due again yet
        db.session.refresh(job)
        assert job.attempts == attempt and job.last_error == "RuntimeError: boom once"
        if attempt < 5:
            assert job.status == JobStatus.QUEUED
            waits.append(round((job.run_at - clock.now()).total_seconds()))
            later(waits[-1] + 1)
    assert waits == [30, 60, 120, 240]  # exponential backoff
    assert job.status == JobStatus.FAILED and CALLS == ["once"] * 5
    assert queue_stats()["failed"] == 1

    client.get("/language/en")
    reviewer = UserFactory(reviewer=True)
    staff_sign_in(client, reviewer)
    get_page(client, "/backoffice/jobs", expected_status=403)
    supervisor = UserFactory(supervisor=True)
    other = app.test_client()
    other.get("/language/en")
    staff_sign_in(other, supervisor)
    page = get_page(other, "/backoffice/jobs")
    row = page.soup.find(id=f"job-{job.id}")
    assert "boom once" in row.get_text() and page.soup.find(id="jobs-failed").text == "1"
    response = other.post(f"/backoffice/jobs/{job.id}/retry", data={"csrf_token": page.csrf()})
    assert response.status_code == 302
    db.session.refresh(job)
    assert job.status == JobStatus.QUEUED and job.attempts == 0
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "staff.job.retried"))
    assert event.actor_id == supervisor.id and event.target_id == job.id
    assert get_page(other, "/backoffice/jobs").soup.find(id="no-failed-jobs") is not None
    BROKEN["on"] = False
    assert worker.work() == 1
    db.session.refresh(job)
    assert job.status == JobStatus.DONE and job.args == []  # no arguments kept once done


def test_a_job_whose_worker_died_is_taken_again_after_its_lease(app, later):
    BROKEN["on"] = False
    job = outbox.enqueue(explode, "lease", inline=False)
    db.session.commit()
    assert worker.claim(job.id) == 1  # a worker took it, then died
    assert worker.run(job.id) is False and worker.work() == 0  # its lease holds
    later(app.config["JOBS_LEASE_SECONDS"] + 1)
    assert worker.work() == 1
    db.session.refresh(job)
    assert (job.status, job.attempts, CALLS) == (JobStatus.DONE, 2, ["lease"])
    assert worker.run(job.id) is False  # done: never again


def test_an_email_job_sends_once_with_the_same_message_id(client, smtp_server):
    known = member(OrgRole.SUBMITTER)
    token = get_page(client, "/password-reset").csrf()
    response = client.post("/password-reset", data={"csrf_token": token, "email": known.email})
    assert response.status_code == 200 and smtp_server.messages == []
    (job,) = db.session.scalars(select(Job)).all()  # written in the request's transaction
    assert worker.work() == 1 and worker.work() == 0
    (message,) = smtp_server.messages
    assert message["To"] == known.email and message["Message-ID"] == (
        f"<job-{job.id}@sponsorportal.ind.example>"
    )


def test_schedule_queues_each_daily_task_once_a_day(app, later):
    runner = app.test_cli_runner()
    assert "Queued 5 scheduled job(s)." in runner.invoke(args=["jobs", "schedule"]).output
    assert "Queued 0 scheduled job(s)." in runner.invoke(args=["jobs", "schedule"]).output
    assert worker.work() == 5
    statuses = db.session.scalars(select(Job.status)).all()
    assert statuses == [JobStatus.DONE] * 5
    later(8 * 86400)  # a week on, the day's clean-up removes done jobs
    assert "Queued 5 scheduled job(s)." in runner.invoke(args=["jobs", "schedule"]).output
    assert worker.work() == 5
    assert len(db.session.scalars(select(Job)).all()) <= 5


def test_redis_losing_its_data_or_being_down_loses_no_job(app, client, rq_queue, move_today):
    move_today(TODAY)
    queue, run_jobs = rq_queue
    runner = app.test_cli_runner()
    _user, org, token, url = _setup(client)
    first = submit(client, url, token, jsonl([student(n) for n in range(1, 4)]))
    assert first.status_code == 202 and len(queue) == 1
    queue.connection.flushdb()  # Redis restarted empty
    assert len(queue) == 0
    assert "Queued 1 job(s) again." in runner.invoke(args=["jobs", "requeue"]).output
    assert "Queued 0 job(s) again." in runner.invoke(args=["jobs", "requeue"]).output
    assert len(queue) == 1
    run_jobs()
    assert client.get(first.headers["Location"], headers=bearer(token)).json["status"] == (
        "succeeded"
    )
    assert count(Person, organisation_id=org.id) == 3  # once

    url_of_redis = app.config["REDIS_URL"]
    app.config["REDIS_URL"] = "redis://127.0.0.1:1/0"  # Redis down when the request commits
    second = submit(client, url, token, jsonl([student(n) for n in range(4, 6)]))
    assert second.status_code == 202  # served all the same: the job waits in the outbox
    app.config["REDIS_URL"] = url_of_redis
    assert len(queue) == 0
    assert "Queued 1 job(s) again." in runner.invoke(args=["jobs", "requeue"]).output
    run_jobs()
    assert count(Person, organisation_id=org.id) == 5
    assert "Queued 0 job(s) again." in runner.invoke(args=["jobs", "requeue"]).output
