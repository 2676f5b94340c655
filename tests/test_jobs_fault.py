"""Fault proof of the job outbox (issue 21): a worker killed (SIGKILL) in the middle of a bulk
import and started again — the batch is stored exactly once, the chunks the dead worker had
committed undone first (all or nothing stays). The worker is a real `flask jobs work` process,
or an RQ worker with Redis emptied after the kill, on a database of its own (it sees only what
is committed): SQLite by default, PostgreSQL when TEST_DATABASE_URL names one (where the claim
is SELECT … FOR UPDATE SKIP LOCKED)."""

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from tests.conftest import _worker_database

ROOT = Path(__file__).resolve().parent.parent
ROWS, CHUNK = 1500, 10
DIE_AT_CHUNK = 4  # the slowed worker kills itself about to store its 4th chunk: 3 are committed


@pytest.fixture
def fault_database(tmp_path, worker_id):
    url = os.environ.get("TEST_DATABASE_URL", "")
    if url.startswith("postgresql"):
        url = _worker_database(url, f"{worker_id}_fault")
    else:
        url = f"sqlite:///{tmp_path / 'fault.db'}"
    return url


def _environment(url: str) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL",)}
    env.update(
        PORTAL_ENV="test",
        TEST_DATABASE_URL=url,
        FLASK_APP="wsgi.py",
        JOBS_INLINE="0",
        JOBS_LEASE_SECONDS="2",
        IMPORT_CHUNK_ROWS=str(CHUNK),
        SLOW_CHUNK_SECONDS="0.05",
        DIE_AT_CHUNK=str(DIE_AT_CHUNK),
        PYTHONPATH=str(ROOT),
    )
    return env


def _process(command: list[str], env: dict) -> subprocess.Popen:
    return subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )


def _worker(env: dict, *options: str) -> subprocess.Popen:
    return _process([sys.executable, "-m", "flask", "jobs", "work", *options], env)


def _one(engine, sql: str, **params):
    with engine.connect() as connection:
        return connection.execute(text(sql), params).one()


def _made(env: dict, url: str):
    """The database with a university and its API batch of ROWS students: (engine, batch id)."""
    made = subprocess.run(
        [sys.executable, "-m", "tests.support.job_fault", str(ROWS)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert made.returncode == 0, made.stderr[-3000:]
    batch_id = int(made.stdout.strip().splitlines()[-1])
    engine = create_engine(url, connect_args=_connect_args(url))
    if engine.dialect.name == "sqlite":  # readers (this test) never wait for the writer
        connection = sqlite3.connect(make_url(url).database, isolation_level=None)
        connection.execute("PRAGMA journal_mode=WAL")
        connection.close()
    return engine, batch_id


def _kill_mid_import(engine, batch_id: int, worker: subprocess.Popen) -> None:
    """Wait until the import has committed its chunks before DIE_AT_CHUNK (the process running
    the job kills itself there), then SIGKILL what is left of the worker (RQ's parent)."""
    try:
        _wait_for_stored_chunks(engine, batch_id, worker)
    finally:  # never leave a worker behind, whatever happened
        for pid in _tree(worker.pid) if worker.poll() is None else ():
            os.kill(pid, signal.SIGKILL)
        worker.wait(timeout=30)
        worker.stdout.close()
    stored = _one(
        engine, "SELECT count(*) FROM application WHERE import_batch_id = :id", id=batch_id
    )[0]
    assert stored == (DIE_AT_CHUNK - 1) * CHUNK  # the dead worker left committed chunks behind
    job = _one(engine, "SELECT status, attempts FROM job WHERE task = 'portal.api.batches:run'")
    assert tuple(job) == ("running", 1)
    time.sleep(2.5)  # the dead worker's lease passes


def _wait_for_stored_chunks(engine, batch_id: int, worker: subprocess.Popen) -> None:
    deadline = time.monotonic() + 300
    seen = []
    while True:
        status, done = _one(
            engine, "SELECT status, done_rows FROM import_batch WHERE id = :id", id=batch_id
        )
        if status == "importing" and done == (DIE_AT_CHUNK - 1) * CHUNK:
            time.sleep(1)  # the job's process is dying at its next chunk: let it
            break
        seen.append((status, done))
        assert status not in ("imported", "failed"), sorted(set(seen))
        assert time.monotonic() < deadline
        time.sleep(0.02)


def _tree(pid: int) -> list[int]:
    """The process and its descendants (Linux /proc), children first."""
    children = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        children += [int(c) for c in (task / "children").read_text().split()]
    return [d for child in children for d in _tree(child)] + [pid]


def _stored_once(engine, batch_id: int) -> None:
    status, done, finished = _one(
        engine,
        "SELECT status, done_rows, announced_at IS NOT NULL FROM import_batch WHERE id = :id",
        id=batch_id,
    )
    assert (status, done, bool(finished)) == ("imported", ROWS, True)
    counts = _one(
        engine,
        "SELECT (SELECT count(*) FROM person), (SELECT count(DISTINCT passport_number) FROM"
        " person), (SELECT count(*) FROM application WHERE import_batch_id = :id)",
        id=batch_id,
    )
    assert tuple(counts) == (ROWS, ROWS, ROWS)  # exactly once
    job = _one(engine, "SELECT status, attempts FROM job WHERE task = 'portal.api.batches:run'")
    assert tuple(job) == ("done", 2)
    undone = _one(
        engine, "SELECT count(*) FROM audit_event WHERE action = 'student_import.undone'"
    )[0]
    assert undone == 1  # the dead worker's chunks, undone before storing again


def test_a_worker_killed_mid_import_is_replaced_and_the_batch_is_stored_once(fault_database):
    env = _environment(fault_database)
    engine, batch_id = _made(env, fault_database)
    try:
        slow = [sys.executable, "-m", "tests.support.slow_import", "flask", "jobs", "work"]
        _kill_mid_import(engine, batch_id, _process(slow, env))
        again = _worker(env, "--burst")
        output, _ = again.communicate(timeout=600)
        assert again.returncode == 0, output[-3000:]
        _stored_once(engine, batch_id)
    finally:
        engine.dispose()


def test_an_rq_worker_killed_mid_import_and_redis_flushed_the_outbox_requeues_it(
    fault_database, rq_queue
):
    """The same with an RQ worker on Redis (database TEST_REDIS_DB), and Redis restarted empty
    (FLUSHDB) after the kill: `flask jobs requeue` puts the job back from the outbox."""
    queue, _work_here = rq_queue
    env = _environment(fault_database)
    env["REDIS_URL"] = _url(queue)
    engine, batch_id = _made(env, fault_database)
    assert len(queue) == 1  # pushed when the request committed
    rq = [str(Path(sys.executable).parent / "rq"), "worker", "--url", env["REDIS_URL"]]
    try:
        slow = [sys.executable, "-m", "tests.support.slow_import", "rq", *rq[1:], "portal"]
        _kill_mid_import(engine, batch_id, _process(slow, env))
        queue.connection.flushdb()  # Redis restarted: it kept nothing
        requeue = _process([sys.executable, "-m", "flask", "jobs", "requeue"], env)
        output, _ = requeue.communicate(timeout=120)
        assert "Queued 1 job(s) again." in output, output[-3000:]
        again = _process([*rq, "--burst", "portal"], env)
        output, _ = again.communicate(timeout=600)
        assert again.returncode == 0, output[-3000:]
        _stored_once(engine, batch_id)
    finally:
        engine.dispose()


def _url(queue) -> str:
    kwargs = queue.connection.connection_pool.connection_kwargs
    return f"redis://{kwargs['host']}:{kwargs['port']}/{kwargs['db']}"


def _connect_args(url: str) -> dict:
    return {"timeout": 30} if make_url(url).get_backend_name() == "sqlite" else {}
