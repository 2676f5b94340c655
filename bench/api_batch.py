"""A batch of student registrations through the API: seconds and peak memory for 10,000,
25,000 and 50,000 rows (issue 18: goal ≤ 60 s and ≤ 300 MB at 50,000, linear in rows).

Each size runs in a fresh process on a fresh database (--database-url with "bench" in it: it is
emptied; else a throwaway SQLite file): a verified university with a study recognition and an
API client; a token from /api/v1/oauth/token; the batch POSTed as JSON lines
(/api/v1/organisations/{kvk}/batches → 202); the worker (`flask batches work`'s function) checks
and stores it; GET polls it until "succeeded". Peak memory: the process's maximum resident set
(VmHWM) of the API process (building and sending the batch) and of the worker, a process of
its own as in production, each with its growth over the loaded app.

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


def child(rows: int, database_url: str, probe: bool) -> dict:
    os.environ["DATABASE_URL"] = database_url
    from flask_migrate import upgrade
    from sqlalchemy import func, select, text

    from portal import clock, create_app
    from portal.api import clients
    from portal.api.scopes import Scope
    from portal.extensions import db
    from portal.models import Application, Person
    from portal.setup import MIGRATIONS_DIR

    app = create_app("development")
    app.config["API_RATE_LIMIT"] = "100000 per minute"
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as connection:
                connection.execute(text("DROP SCHEMA public CASCADE"))
                connection.execute(text("CREATE SCHEMA public"))
        upgrade(directory=str(MIGRATIONS_DIR))
        org, user = _organisation()
        client, secret = clients.register(org, "Bench", [Scope.PEOPLE_WRITE], [], user)
        db.session.commit()
        pair = base64.b64encode(f"{client.client_id}:{secret}".encode()).decode()
        http = app.test_client()
        token = http.post(
            "/api/v1/oauth/token",
            data={"grant_type": "client_credentials"},
            headers={"Authorization": f"Basic {pair}"},
        ).json["access_token"]
        bearer = {"Authorization": f"Bearer {token}"}
        baseline_kib = peak_rss_kib()
        body = make_lines(rows, clock.today())
        prober = None
        if probe and db.engine.dialect.name == "sqlite":
            prober = Probe(database_url.removeprefix("sqlite:///"))
            prober.start()
        timings = {}
        started = time.perf_counter()
        response = http.post(
            f"/api/v1/organisations/{org.kvk_number}/batches",
            data=body,
            headers={**bearer, "Content-Type": "application/jsonl"},
        )
        assert response.status_code == 202, response.get_data(as_text=True)[:500]
        timings["submit"] = time.perf_counter() - started
        location = response.headers["Location"]
        del body, response
        api_peak_kib = peak_rss_kib()
        mark = time.perf_counter()
        worker = _run_worker(database_url)
        timings["work"] = time.perf_counter() - mark
        if prober is not None:  # before the poll: the bench's one app context keeps its session
            prober.running = False
            prober.join()
        polled = http.get(location, headers=bearer).json
        db.session.remove()
        timings["total"] = time.perf_counter() - started
        assert polled["status"] == "succeeded", polled["status"]
        people = db.session.scalar(select(func.count()).select_from(Person))
        applications = db.session.scalar(select(func.count()).select_from(Application))
        assert people == applications == rows, (people, applications)
        waits = sorted(prober.waits) if prober is not None else []
        return {
            "rows": rows,
            "seconds": {k: round(v, 2) for k, v in timings.items()},
            "api_rss_growth_mib": round((api_peak_kib - baseline_kib) / 1024, 1),
            "api_rss_peak_mib": round(api_peak_kib / 1024, 1),
            **worker,
            "probe_max_s": round(waits[-1], 2) if waits else None,
            "probe_p95_s": round(waits[int(0.95 * (len(waits) - 1))], 2) if waits else None,
            "probe_refused": prober.refused if prober is not None else None,
            "database": db.engine.dialect.name,
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
    args = parser.parse_args()
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
