"""A batch of student registrations through the API: seconds and peak memory for 10,000,
25,000 and 50,000 rows (issue 18: goal ≤ 60 s and ≤ 300 MB at 50,000, linear in rows).

Each size runs on a fresh database (--database-url with "bench" in it: it is emptied; else a
throwaway SQLite file) in three processes, as in production: the API server (a real socket; a
verified university with a study recognition and an API client), this script as the client (a
token from /api/v1/oauth/token; the batch POSTed as JSON lines to
/api/v1/organisations/{kvk}/batches → 202; polled until "succeeded") and the worker
(`flask batches work`'s function, which checks and stores it). Printed: seconds, the worker's
CPU seconds and its PostgreSQL server process's, and the peak resident set (VmHWM) of the API
server and of the worker with their growth over each one's start-up peak.

On SQLite, --probe also measures what another user feels while the batch runs: every 0.1 s a
connection of its own opens a transaction as every portal request does (BEGIN IMMEDIATE: the
write lock), reads, and commits; the longest and the 95th-percentile wait are printed.

    .venv/bin/python bench/api_batch.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/bench
    .venv/bin/python bench/api_batch.py --sizes 10000 --probe        # SQLite, with the probe
"""

import argparse
import base64
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def make_lines(rows: int, today: date) -> bytes:
    from portal.bulk.student_rows import example_row

    base = example_row(today)
    lines = []
    for n in range(rows):
        name = "".join("abcdefghij"[int(d)] for d in str(n)).capitalize()
        row = {**base, "surname": f"Student {name}", "passport_number": f"BN{n:07d}"}
        row["email"] = f"s{n}@x.nl"
        lines.append(json.dumps(row, ensure_ascii=False))
    return "\n".join(lines).encode()


def peak_rss_kib() -> int:
    """This process's peak resident set (VmHWM): unlike getrusage's ru_maxrss it is not carried
    over from the parent across fork and exec, so the worker's figure is its own."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    raise RuntimeError("no VmHWM in /proc/self/status")


class Probe(threading.Thread):
    """Another user of a SQLite database: a short transaction every 0.1 s, timed."""

    def __init__(self, path: str):
        super().__init__(daemon=True)
        self.path, self.waits, self.refused, self.running = path, [], 0, True

    def run(self):
        connection = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        while self.running:
            started = time.perf_counter()
            try:
                connection.execute("BEGIN IMMEDIATE")
                connection.execute("SELECT count(*) FROM organisation").fetchone()
                connection.execute("COMMIT")
            except sqlite3.OperationalError:  # "database is locked": the user saw an error
                self.refused += 1
            self.waits.append(time.perf_counter() - started)
            time.sleep(0.1)


def _organisation():
    from portal.extensions import db
    from portal.models import (
        Category,
        KvkProof,
        Membership,
        Organisation,
        OrganisationKind,
        OrgRole,
        Recognition,
        RecognitionStatus,
        User,
    )
    from portal.models.base import utcnow

    org = Organisation(
        kvk_number="12345678",
        legal_name="Universiteit van Bench",
        street_address="Campuslaan 1",
        postcode="1234 AB",
        city="Utrecht",
        country="NL",
        email="io@bench.example",
        persons_employed=5000,
        kind=OrganisationKind.HIGHER_EDUCATION,
        preferred_language="en",
        kvk_verified_at=utcnow(),
        kvk_verified_via=KvkProof.IND_REVIEW,
    )
    user = User(email="bench@bench.example", name="Bench", password_hash="x")
    db.session.add_all([org, user])
    db.session.flush()
    db.session.add(Membership(user_id=user.id, organisation_id=org.id, role=OrgRole.ADMINISTRATOR))
    db.session.add(
        Recognition(
            organisation_id=org.id,
            category=Category.STUDY,
            status=RecognitionStatus.GRANTED,
            granted_on=date(2025, 1, 1),
        )
    )
    db.session.commit()
    return org, user


def setup(database_url: str) -> dict:
    """A fresh database with the university and its API client (run in a process of its own:
    a production API server does not run the migrations, so their memory is not its)."""
    os.environ["DATABASE_URL"] = database_url
    from flask_migrate import upgrade
    from sqlalchemy import text

    from portal import create_app
    from portal.api import clients
    from portal.api.scopes import Scope
    from portal.extensions import db
    from portal.setup import MIGRATIONS_DIR

    app = create_app("development")
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as connection:
                connection.execute(text("DROP SCHEMA public CASCADE"))
                connection.execute(text("CREATE SCHEMA public"))
        upgrade(directory=str(MIGRATIONS_DIR))
        org, user = _organisation()
        client, secret = clients.register(org, "Bench", [Scope.PEOPLE_WRITE], [], user)
        db.session.commit()
        return {"kvk": org.kvk_number, "client_id": client.client_id, "secret": secret}


def serve(database_url: str) -> None:
    """The API server, a process of its own (the database prepared by another, `setup`): the
    university and its client (printed as one JSON line), then exactly three requests on a
    real socket (token, batch, poll); then its peak memory and what the database holds (one
    JSON line)."""
    command = [sys.executable, __file__, "--setup", "--database-url", database_url]
    out = subprocess.run(command, check=True, capture_output=True, text=True, cwd=ROOT)
    ready = json.loads(out.stdout.strip().splitlines()[-1])
    os.environ["DATABASE_URL"] = database_url
    from sqlalchemy import func, select
    from werkzeug.serving import make_server

    from portal import create_app
    from portal.extensions import db
    from portal.models import Application, Person

    app = create_app("development")
    app.config["API_RATE_LIMIT"] = "100000 per minute"
    server = make_server("127.0.0.1", 0, app)
    baseline_kib = peak_rss_kib()
    print(json.dumps({**ready, "port": server.server_port}), flush=True)
    for _request in range(3):
        server.handle_request()
    peak_kib = peak_rss_kib()
    with app.app_context():
        people = db.session.scalar(select(func.count()).select_from(Person))
        applications = db.session.scalar(select(func.count()).select_from(Application))
        dialect = db.engine.dialect.name
    print(
        json.dumps(
            {
                "api_rss_growth_mib": round((peak_kib - baseline_kib) / 1024, 1),
                "api_rss_peak_mib": round(peak_kib / 1024, 1),
                "people": people,
                "applications": applications,
                "database": dialect,
            }
        ),
        flush=True,
    )


def _call(url: str, data: bytes | None = None, headers: dict | None = None) -> tuple:
    request = urllib.request.Request(url, data=data, headers=headers or {})
    with urllib.request.urlopen(request, timeout=600) as response:
        return response.status, dict(response.headers), json.loads(response.read())


def child(rows: int, database_url: str, probe: bool) -> dict:
    """The API client: starts the server, takes a token, sends the batch, runs the worker,
    polls."""
    command = [sys.executable, __file__, "--serve", "--database-url", database_url]
    server = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, cwd=ROOT)
    ready = json.loads(server.stdout.readline())
    base = f"http://127.0.0.1:{ready['port']}"
    pair = base64.b64encode(f"{ready['client_id']}:{ready['secret']}".encode()).decode()
    _status, _headers, token = _call(
        f"{base}/api/v1/oauth/token",
        b"grant_type=client_credentials",
        {"Authorization": f"Basic {pair}", "Content-Type": "application/x-www-form-urlencoded"},
    )
    bearer = {"Authorization": f"Bearer {token['access_token']}"}
    body = make_lines(rows, date.today())
    prober = None
    if probe and database_url.startswith("sqlite:///"):
        prober = Probe(database_url.removeprefix("sqlite:///"))
        prober.start()
    timings = {}
    started = time.perf_counter()
    status, headers, _answer = _call(
        f"{base}/api/v1/organisations/{ready['kvk']}/batches",
        body,
        {**bearer, "Content-Type": "application/jsonl"},
    )
    assert status == 202, status
    timings["submit"] = time.perf_counter() - started
    del body
    mark = time.perf_counter()
    worker = _run_worker(database_url)
    timings["work"] = time.perf_counter() - mark
    if prober is not None:
        prober.running = False
        prober.join()
    _status, _headers, polled = _call(base + headers["Location"], headers=bearer)
    timings["total"] = time.perf_counter() - started
    assert polled["status"] == "succeeded", polled["status"]
    result = json.loads(server.stdout.readline())
    server.wait(timeout=60)
    assert result["people"] == result["applications"] == rows, result
    waits = sorted(prober.waits) if prober is not None else []
    return {
        "rows": rows,
        "seconds": {k: round(v, 2) for k, v in timings.items()},
        **result,
        **worker,
        "probe_max_s": round(waits[-1], 2) if waits else None,
        "probe_p95_s": round(waits[int(0.95 * (len(waits) - 1))], 2) if waits else None,
        "probe_refused": prober.refused if prober is not None else None,
    }


def _run_worker(database_url: str) -> dict:
    """`flask batches work` in a process of its own, as in production: its peak memory."""
    command = [sys.executable, __file__, "--worker", "--database-url", database_url]
    out = subprocess.run(command, check=True, capture_output=True, text=True, cwd=ROOT)
    return json.loads(out.stdout.strip().splitlines()[-1])


def _backend_pid() -> int | None:
    """PostgreSQL on this machine: the server process of the worker's one connection."""
    from sqlalchemy import text

    from portal.extensions import db

    if db.engine.dialect.name != "postgresql":
        return None
    pid = db.session.execute(text("SELECT pg_backend_pid()")).scalar_one()
    db.session.commit()
    return pid


def _cpu_of(pid: int | None) -> float:
    """CPU seconds (user + system) a process has used so far, from /proc."""
    if pid is None:
        return 0.0
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def worker(database_url: str) -> dict:
    """The worker's side: the app as `flask` makes it, then batches.work() (cProfile when
    BENCH_PROFILE names a file); peak resident set and its growth over the loaded app."""
    os.environ["DATABASE_URL"] = database_url
    from portal import create_app
    from portal.api import batches

    app = create_app("development")
    with app.app_context():
        baseline_kib = peak_rss_kib()
        backend = _backend_pid()
        server_cpu = _cpu_of(backend)
        cpu = time.process_time()
        if os.environ.get("BENCH_PROFILE"):
            import cProfile

            cProfile.runctx("batches.work()", globals(), locals(), os.environ["BENCH_PROFILE"])
        else:
            batches.work()
        peak_kib = peak_rss_kib()
        cpu = time.process_time() - cpu
        server_cpu = _cpu_of(backend) - server_cpu if backend else None
    return {
        "worker_cpu_s": round(cpu, 1),
        "server_cpu_s": round(server_cpu, 1) if server_cpu is not None else None,
        "worker_rss_growth_mib": round((peak_kib - baseline_kib) / 1024, 1),
        "worker_rss_peak_mib": round(peak_kib / 1024, 1),
    }


def run(rows: int, database_url: str | None, probe: bool) -> dict:
    with tempfile.TemporaryDirectory() as folder:
        url = database_url or f"sqlite:///{folder}/bench.db"
        command = [sys.executable, __file__, "--child", str(rows), "--database-url", url]
        if probe:
            command.append("--probe")
        out = subprocess.run(command, check=True, capture_output=True, text=True, cwd=ROOT)
        return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[10_000, 25_000, 50_000])
    parser.add_argument("--database-url")
    parser.add_argument("--probe", action="store_true")
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--setup", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.database_url)
        return
    if args.setup:
        print(json.dumps(setup(args.database_url)))
        return
    if args.worker:
        print(json.dumps(worker(args.database_url)))
        return
    if args.database_url and "bench" not in args.database_url:
        parser.error("the database URL must contain 'bench': it is emptied")
    if args.child:
        print(json.dumps(child(args.child, args.database_url, args.probe)))
        return
    print(
        f"{'rows':>6} {'submit s':>9} {'work s':>7} {'CPU s':>6} {'PG CPU s':>9} "
        f"{'total s':>8} {'s/1000':>7} "
        f"{'API RSS':>8} {'(+MiB)':>7} {'worker RSS':>11} {'(+MiB)':>7} "
        f"{'probe max s':>12} {'probe p95 s':>12} {'refused':>8}"
    )
    for rows in args.sizes:
        result = run(rows, args.database_url, args.probe)
        s = result["seconds"]
        print(
            f"{rows:>6} {s['submit']:>9} {s['work']:>7} {result['worker_cpu_s']:>6} "
            f"{str(result['server_cpu_s']):>9} "
            f"{s['total']:>8} "
            f"{1000 * s['total'] / rows:>7.2f} {result['api_rss_peak_mib']:>8} "
            f"{result['api_rss_growth_mib']:>7} {result['worker_rss_peak_mib']:>11} "
            f"{result['worker_rss_growth_mib']:>7} {str(result['probe_max_s']):>12} "
            f"{str(result['probe_p95_s']):>12} {str(result['probe_refused']):>8}",
            flush=True,
        )
    print(f"database: {result['database']}, load average: {os.getloadavg()}")
    print("work s: the worker's wall-clock time; CPU s: its own CPU time; PG CPU s: the CPU time")
    print("of its PostgreSQL server process. CPU time is stretched less by a loaded machine.")


if __name__ == "__main__":
    main()
