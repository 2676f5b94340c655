"""Throughput of pages under gunicorn (2 workers) on 127.0.0.1, measured with wrk in one run.

    .venv/bin/python bench/web.py                       # a fresh SQLite file
    .venv/bin/python bench/web.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/bench

The database is emptied and filled: the demo data, then 50,000 letters for the demo employer
(half of them read by its user) among OTHER_ORGANISATIONS other organisations with their own
letters. Then, against one gunicorn, each target in turn: a bare route (/healthz, no database) as
the ceiling for this machine, the signed-in dashboard, the inbox's first page and a page deep in
the inbox. Prints requests/s, median and p95 latency, and each page's ratio to the bare route.
Figures only, no pass/fail: these machines are shared, so compare figures from one run.
"""

import argparse
import hashlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from datetime import timedelta
from http.cookiejar import CookieJar
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

LETTERS = 50_000
OTHER_ORGANISATIONS = 200
LETTERS_PER_OTHER = 250
USER_AGENT = "portal-bench"  # the session is bound to the browser's address and user agent
REPORT_LUA = Path(__file__).with_name("wrk_report.lua")


def seed(database_url: str, letters: int) -> dict:
    """Empty the database, migrate, load the demo, add letters. Returns what the run needs."""
    os.environ["DATABASE_URL"] = database_url
    os.environ["PORTAL_ENV"] = "development"
    from flask_migrate import upgrade
    from sqlalchemy import insert, select, text

    from portal import create_app
    from portal.demo import DEMO_PASSWORD, load
    from portal.extensions import db
    from portal.models import Letter, LetterRead, Organisation, User
    from portal.setup import MIGRATIONS_DIR

    app = create_app("development")
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as connection:
                connection.execute(text("DROP SCHEMA public CASCADE"))
                connection.execute(text("CREATE SCHEMA public"))
        upgrade(directory=str(MIGRATIONS_DIR))
        load()
        db.session.commit()

        user = db.session.scalar(select(User).where(User.email == "employer@demo.example"))
        employer = user.memberships[0].organisation
        template = db.session.scalar(
            select(Letter).where(Letter.organisation_id == employer.id).order_by(Letter.id)
        )
        letter_columns = [c.key for c in Letter.__table__.columns if c.key != "id"]
        base = {key: getattr(template, key) for key in letter_columns}
        pdf = b"%PDF-1.7\n% bench placeholder: the inbox never reads the PDF\n"
        base.update(pdf=pdf, sha256=hashlib.sha256(pdf).hexdigest())
        start = template.issued_at - timedelta(days=3650)

        def letter_rows(organisation_id: int, count: int, offset: int = 0):
            step = timedelta(days=3650) / max(count, 1)
            return [
                {
                    **base,
                    "organisation_id": organisation_id,
                    "application_id": None,
                    "issued_at": start + step * index + timedelta(seconds=offset),
                    "subject": f"{base['subject']} #{index}",
                    "reference": f"BB{organisation_id}-{offset}-{index}",
                }
                for index in range(count)
            ]

        # Other organisations: copies of the employer's row with their own KvK number.
        org_columns = [c.key for c in Organisation.__table__.columns if c.key != "id"]
        org_base = {key: getattr(employer, key) for key in org_columns}
        others = [
            {**org_base, "kvk_number": f"9{index:07d}", "legal_name": f"Bench Org {index} B.V."}
            for index in range(OTHER_ORGANISATIONS)
        ]
        db.session.execute(insert(Organisation), others)
        other_ids = db.session.scalars(
            select(Organisation.id).where(Organisation.legal_name.like("Bench Org %"))
        ).all()
        for number, organisation_id in enumerate(other_ids):
            db.session.execute(
                insert(Letter), letter_rows(organisation_id, LETTERS_PER_OTHER, number)
            )
        for chunk in range(0, letters, 10_000):
            db.session.execute(
                insert(Letter), letter_rows(employer.id, min(10_000, letters - chunk), chunk)
            )
        mine = db.session.scalars(
            select(Letter.id).where(Letter.organisation_id == employer.id).order_by(Letter.id)
        ).all()
        read = [{"letter_id": letter_id, "user_id": user.id} for letter_id in mine[::2]]
        if read:
            db.session.execute(insert(LetterRead), read)
        # A bulk insert bypasses the ORM events that keep the unread counters: count once.
        from portal.letters import unread

        unread.recount()
        db.session.commit()
        # A cursor halfway down the inbox, as the "Older letters" link would make it.
        middle = db.session.execute(
            select(Letter.issued_at, Letter.id)
            .where(Letter.organisation_id == employer.id)
            .order_by(Letter.issued_at.desc(), Letter.id.desc())
            .offset(len(mine) // 2)
            .limit(1)
        ).one()
        total = db.session.scalar(select(db.func.count()).select_from(Letter))
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as connection:
                connection.execute(text("ANALYZE"))
        email = user.email
        db.session.remove()
        return {
            "email": email,
            "password": DEMO_PASSWORD,
            "employer_letters": len(mine),
            "all_letters": total,
            "organisations": OTHER_ORGANISATIONS + 4,
            "deep_cursor": f"{middle.issued_at.isoformat()}~{middle.id}",
            "dialect": db.engine.dialect.name,
        }


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_gunicorn(database_url: str, port: int) -> subprocess.Popen:
    env = {**os.environ, "DATABASE_URL": database_url, "PORTAL_ENV": "development"}
    process = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("gunicorn")),
            "--workers",
            "2",
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            "wsgi:app",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2):  # noqa: S310
                return process
        except OSError:
            time.sleep(0.2)
    stop(process)
    raise SystemExit("gunicorn did not start within 30 s")


def stop(process: subprocess.Popen) -> None:
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=15)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def sign_in(base: str, email: str, password: str) -> str:
    """Sign in as a browser would; return the Cookie header value."""
    jar = CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    opener.addheaders = [("User-Agent", USER_AGENT)]
    html = opener.open(f"{base}/sign-in").read().decode()
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)
    body = urllib.parse.urlencode({"csrf_token": token, "email": email, "password": password})
    response = opener.open(f"{base}/sign-in", data=body.encode())
    html = response.read().decode()
    if "/sign-in/set-up-code" in response.geturl():
        # Organisation administrators must set up a second factor at their first sign-in.
        from portal.identity.second_factor import totp

        secret = re.search(r'id="totp-secret"[^>]*>\s*([A-Z2-7 ]+?)\s*<', html).group(1)
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)
        code = totp(secret.replace(" ", "")).now()
        body = urllib.parse.urlencode({"csrf_token": token, "code": code})
        opener.open(f"{base}/sign-in/set-up-code", data=body.encode()).read()
    return "; ".join(f"{cookie.name}={cookie.value}" for cookie in jar)


def fetch(url: str, cookie: str) -> tuple[int, str]:
    request = urllib.request.Request(  # noqa: S310 - only 127.0.0.1
        url, headers={"Cookie": cookie, "User-Agent": USER_AGENT}
    )
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
        return response.status, response.read().decode()


def wrk(url: str, cookie: str | None, seconds: int, connections: int) -> dict:
    headers = ["-H", f"User-Agent: {USER_AGENT}"]
    if cookie:
        headers += ["-H", f"Cookie: {cookie}"]
    result = subprocess.run(
        [
            "wrk",
            "-t2",
            f"-c{connections}",
            f"-d{seconds}s",
            "--timeout",
            "5s",
            "-s",
            str(REPORT_LUA),
            *headers,
            url,
        ],
        capture_output=True,
        text=True,
        timeout=seconds + 30,
        check=True,
    )
    line = [row for row in result.stdout.splitlines() if row.startswith("{")][-1]
    figures = json.loads(line)
    figures["rps"] = figures["requests"] / (figures["duration_us"] / 1e6)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="default: a fresh SQLite file in a temp folder")
    parser.add_argument("--letters", type=int, default=LETTERS)
    parser.add_argument("--seconds", type=int, default=10, help="per target")
    parser.add_argument("--connections", type=int, default=20)
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed (apt-get install wrk)")

    folder = tempfile.mkdtemp(prefix="portal-bench-")
    database_url = args.database_url or f"sqlite:///{folder}/bench.db"
    if "bench" not in database_url:
        raise SystemExit("refusing to empty a database whose URL does not contain 'bench'")
    started = time.monotonic()
    data = seed(database_url, args.letters)
    print(
        f"Seeded {data['dialect']} in {time.monotonic() - started:.0f} s: "
        f"{data['employer_letters']:,} letters for the employer, {data['all_letters']:,} "
        f"letters across {data['organisations']} organisations."
    )

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    process = start_gunicorn(database_url, port)
    try:
        cookie = sign_in(base, data["email"], data["password"])
        deep = f"/inbox?after={urllib.parse.quote(data['deep_cursor'])}"
        targets = [
            ("bare route /healthz (no database)", "/healthz", None),
            ("dashboard, signed in", "/dashboard", cookie),
            ("inbox, first page", "/inbox", cookie),
            ("inbox, page 1,000 (keyset cursor)", deep, cookie),
        ]
        for _name, path, with_cookie in targets:  # every page answers 200 as this user
            status, html = fetch(base + path, with_cookie or "")
            assert status == 200, (path, status)
            if with_cookie:
                assert "Brightwave" in html, f"{path}: not signed in"
        rows = []
        for name, path, with_cookie in targets:
            wrk(base + path, with_cookie, 2, args.connections)  # warm up
            figures = wrk(base + path, with_cookie, args.seconds, args.connections)
            rows.append((name, path, figures))
    finally:
        stop(process)
        shutil.rmtree(folder, ignore_errors=True)

    ceiling = rows[0][2]
    when = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    print(
        f"\ngunicorn 2 workers, wrk -t2 -c{args.connections} -d{args.seconds}s, "
        f"{os.cpu_count()} cores, {data['dialect']}, {when}"
    )
    print("| Target | Requests/s | Median ms | p95 ms | vs bare route (req/s) | Non-2xx |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, _path, figures in rows:
        print(
            f"| {name} | {figures['rps']:,.0f} | {figures['p50_us'] / 1000:.1f} | "
            f"{figures['p95_us'] / 1000:.1f} | {figures['rps'] / ceiling['rps']:.2f} | "
            f"{figures['non2xx'] + figures['socket_errors']} |"
        )


if __name__ == "__main__":
    main()
