"""Throughput of pages under gunicorn (2 workers) on 127.0.0.1, measured with wrk in one run.

    .venv/bin/python bench/web.py                       # a fresh SQLite file
    .venv/bin/python bench/web.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/bench

The database is emptied and filled: the demo data, then 50,000 letters for the demo employer
(half of them read by its user) among OTHER_ORGANISATIONS other organisations with their own
letters. Then, per database (PostgreSQL when given, and SQLite): the ceiling, a bare Flask app
(bench/bare_app.py) under the same gunicorn; then against one gunicorn of the portal each target
in turn: /healthz (no database), the signed-in dashboard, the inbox's first page, a page deep in
the inbox, the inbox of an organisation with a handful of letters and a letter's PDF download.
Prints requests/s, median and p95 latency, each page's ratio to bare Flask, the ratios issue 20
asks for, SQLite ÷ PostgreSQL, and the load average before and after.
Figures only, no pass/fail: these machines are shared, so compare figures from one run.
"""

import argparse
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


SMALL_ORGANISATION_USER = "university@demo.example"  # a demo organisation with a few letters
SMALL_ORGANISATION_LETTERS = 30  # one full inbox page (25) and a few


def seed(database_url: str, letters: int, reseed: bool = True) -> dict:
    """Empty the database, migrate, load the demo, add letters. Returns what the run needs.
    With reseed=False the database seeded before is kept and only read."""
    os.environ["DATABASE_URL"] = database_url
    os.environ["PORTAL_ENV"] = "development"
    from flask_migrate import upgrade
    from sqlalchemy import insert, select, text

    from portal import create_app, storage
    from portal.demo import load
    from portal.extensions import db
    from portal.models import Letter, LetterRead, Organisation, User
    from portal.setup import MIGRATIONS_DIR

    app = create_app("development")
    with app.app_context():
        if not reseed:
            return _run_data(letters)
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
        base.update(sha256=storage.put(pdf))
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
        # The small organisation: a full first page, so that both inboxes draw as many rows and
        # the comparison is about the number of letters stored, not the rows drawn.
        small = db.session.scalar(select(User).where(User.email == SMALL_ORGANISATION_USER))
        small_id = small.memberships[0].organisation_id
        have = db.session.scalar(
            select(db.func.count()).select_from(Letter).where(Letter.organisation_id == small_id)
        )
        if have < SMALL_ORGANISATION_LETTERS:
            more = letter_rows(small_id, SMALL_ORGANISATION_LETTERS - have, 1)
            db.session.execute(insert(Letter), more)
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
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as connection:
                connection.execute(text("ANALYZE"))
        return _run_data(letters)


def _run_data(letters: int) -> dict:
    """Who signs in and which pages the run opens (inside the seeding app's context)."""
    from sqlalchemy import select

    from portal.demo import DEMO_PASSWORD
    from portal.extensions import db
    from portal.models import Letter, User

    user = db.session.scalar(select(User).where(User.email == "employer@demo.example"))
    employer = user.memberships[0].organisation
    newest_first = (Letter.issued_at.desc(), Letter.id.desc())
    mine = db.session.scalar(
        select(db.func.count()).select_from(Letter).where(Letter.organisation_id == employer.id)
    )
    # A cursor halfway down the inbox, as the "Older letters" link would make it.
    middle = db.session.execute(
        select(Letter.issued_at, Letter.id)
        .where(Letter.organisation_id == employer.id)
        .order_by(*newest_first)
        .offset(mine // 2)
        .limit(1)
    ).one()
    newest = db.session.scalar(
        select(Letter.id).where(Letter.organisation_id == employer.id).order_by(*newest_first)
    )
    small = db.session.scalar(select(User).where(User.email == SMALL_ORGANISATION_USER))
    small_letters = db.session.scalar(
        select(db.func.count())
        .select_from(Letter)
        .where(Letter.organisation_id == small.memberships[0].organisation_id)
    )
    data = {
        "emails": {"employer": user.email, "small": small.email},
        "password": DEMO_PASSWORD,
        "employer_letters": mine,
        "small_letters": small_letters,
        "all_letters": db.session.scalar(select(db.func.count()).select_from(Letter)),
        "organisations": OTHER_ORGANISATIONS + 4,
        "deep_cursor": f"{middle.issued_at.isoformat()}~{middle.id}",
        "pdf_letter": newest,
        "dialect": db.engine.dialect.name,
    }
    db.session.remove()
    assert letters == 0 or mine >= letters, "the database holds fewer letters than asked"
    return data


def page_targets(data: dict) -> list[tuple[str, str, str, str]]:
    """The signed-in pages measured: (key, name, path, whose session: "employer" or "small")."""
    deep = f"/inbox?after={urllib.parse.quote(data['deep_cursor'])}"
    many = f"{data['employer_letters']:,} letters"
    small = f"inbox, organisation with {data['small_letters']} letters"
    return [
        ("dashboard", "dashboard, signed in", "/dashboard", "employer"),
        ("inbox", f"inbox, first page ({many})", "/inbox", "employer"),
        ("inbox_deep", f"inbox, deep page (keyset cursor, {many})", deep, "employer"),
        ("inbox_small", small, "/inbox", "small"),
        ("pdf", "a stored letter's PDF download", f"/inbox/{data['pdf_letter']}/pdf", "employer"),
    ]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_gunicorn(database_url: str | None, port: int, app: str = "wsgi:app") -> subprocess.Popen:
    """gunicorn, 2 sync workers, serving `app` (the portal, or bench/bare_app.py's ceiling)."""
    env = {**os.environ, "PORTAL_ENV": "development"}
    if database_url:
        env["DATABASE_URL"] = database_url
    health = "/healthz" if app == "wsgi:app" else "/"
    process = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("gunicorn")),
            "--workers",
            "2",
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            app,
        ],
        cwd=ROOT if app == "wsgi:app" else Path(__file__).parent,
        env=env,
        start_new_session=True,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}{health}", timeout=2):  # noqa: S310
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
        return response.status, response.read().decode(errors="replace")


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


def measure(base: str, targets: list, seconds: int, connections: int) -> dict:
    """{key: (name, wrk figures)} for (key, name, path, cookie) targets, each warmed up first."""
    rows = {}
    for key, name, path, cookie in targets:
        wrk(base + path, cookie, 2, connections)
        rows[key] = (name, wrk(base + path, cookie, seconds, connections))
    return rows


def run_portal(database_url: str, data: dict, seconds: int, connections: int) -> dict:
    """/healthz and every signed-in page against one gunicorn of the portal."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    process = start_gunicorn(database_url, port)
    try:
        emails = data["emails"]
        cookies = {who: sign_in(base, email, data["password"]) for who, email in emails.items()}
        targets = [("healthz", "the portal's /healthz (no database)", "/healthz", None)]
        targets += [(key, name, path, cookies[who]) for key, name, path, who in page_targets(data)]
        for _key, _name, path, cookie in targets:  # every page answers 200 as its user
            status, body = fetch(base + path, cookie or "")
            assert status == 200, (path, status)
            if cookie and not path.endswith("/pdf"):
                assert 'action="/sign-out"' in body, f"{path}: not signed in"
        return measure(base, targets, seconds, connections)
    finally:
        stop(process)


def run_bare(seconds: int, connections: int) -> tuple[str, dict]:
    """The ceiling: bench/bare_app.py (return "ok") under the same gunicorn."""
    port = free_port()
    process = start_gunicorn(None, port, app="bare_app:app")
    try:
        name = 'a bare Flask app (return "ok", same gunicorn)'
        target = ("bare", name, "/", None)
        return measure(f"http://127.0.0.1:{port}", [target], seconds, connections)["bare"]
    finally:
        stop(process)


def table(rows: dict) -> list[str]:
    bare = rows["bare"][1]["rps"]
    lines = [
        "| Target | Requests/s | Median ms | p95 ms | vs bare Flask | Non-2xx |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for name, figures in rows.values():
        lines.append(
            f"| {name} | {figures['rps']:,.0f} | {figures['p50_us'] / 1000:.1f} | "
            f"{figures['p95_us'] / 1000:.1f} | {figures['rps'] / bare:.3f} | "
            f"{figures['non2xx'] + figures['socket_errors']} |"
        )
    return lines


def goals(rows: dict) -> list[str]:
    """The issue's ratios (#20), each beside its goal; a page's cost is 1 / requests per second."""
    rps = {key: figures["rps"] for key, (_name, figures) in rows.items()}

    def line(what: str, value: float, goal: str, met: bool) -> str:
        return f"- {what}: {value:.3f} (goal {goal}: {'met' if met else 'NOT met'})"

    lines = []
    for key in ("dashboard", "inbox", "inbox_deep"):
        ratio = rps[key] / rps["bare"]
        lines.append(line(f"{rows[key][0]} ÷ bare Flask", ratio, "≥ 0.25", ratio >= 0.25))
    pdf = rps["pdf"] / rps["healthz"]
    lines.append(line("PDF download ÷ /healthz", pdf, "≥ 0.5", pdf >= 0.5))
    cost = rps["inbox_small"] / rps["inbox"]
    lines.append(line("inbox cost, many letters ÷ a handful", cost, "≤ 1.1", cost <= 1.1))
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--database-url",
        help="PostgreSQL (its URL must contain 'bench'); the same pages also run on SQLite",
    )
    parser.add_argument("--letters", type=int, default=LETTERS)
    parser.add_argument("--seconds", type=int, default=10, help="per target")
    parser.add_argument("--connections", type=int, default=20)
    parser.add_argument("--no-sqlite", action="store_true", help="with --database-url: only it")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed (apt-get install wrk)")
    if args.database_url and "bench" not in args.database_url:
        raise SystemExit("refusing to empty a database whose URL does not contain 'bench'")

    folder = tempfile.mkdtemp(prefix="portal-bench-")
    databases = [args.database_url] if args.database_url else []
    if not (args.database_url and args.no_sqlite):
        databases.append(f"sqlite:///{folder}/bench.db")
    load_before = os.getloadavg()
    results = {}
    try:
        for database_url in databases:
            started = time.monotonic()
            data = seed_in_process(database_url, args.letters)
            print(
                f"Seeded {data['dialect']} in {time.monotonic() - started:.0f} s: "
                f"{data['employer_letters']:,} letters for the employer, "
                f"{data['all_letters']:,} letters across {data['organisations']} organisations.",
                flush=True,
            )
            # The ceiling right before the pages, so that both see the same machine load.
            results[data["dialect"]] = {
                "bare": run_bare(args.seconds, args.connections),
                **run_portal(database_url, data, args.seconds, args.connections),
            }
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    load_after = os.getloadavg()

    when = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    print(
        f"\ngunicorn 2 sync workers, wrk -t2 -c{args.connections} -d{args.seconds}s, "
        f"{os.cpu_count()} cores, {when}; load average (1/5/15 min) before "
        f"{load_before[0]:.2f}/{load_before[1]:.2f}/{load_before[2]:.2f}, after "
        f"{load_after[0]:.2f}/{load_after[1]:.2f}/{load_after[2]:.2f}"
    )
    for dialect, rows in results.items():
        print(f"\n{dialect}:\n" + "\n".join(table(rows)))
        print("\n".join(goals(rows)))
    if len(results) == 2:
        print("\nSQLite ÷ PostgreSQL, requests/s (goal: each ≥ 0.5, within 2×):")
        for key, (name, postgres) in results["postgresql"].items():
            if key in ("bare", "healthz"):
                continue
            ratio = results["sqlite"][key][1]["rps"] / postgres["rps"]
            print(f"- {name}: {ratio:.2f} ({'met' if ratio >= 0.5 else 'NOT met'})")


def seed_in_process(database_url: str, letters: int) -> dict:
    """Seed in a child process: each database gets a fresh interpreter (one app, one engine)."""
    result = subprocess.run(
        [sys.executable, __file__, "--seed-only", database_url, str(letters)],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


if __name__ == "__main__":
    if sys.argv[1:2] == ["--seed-only"]:
        print(json.dumps(seed(sys.argv[2], int(sys.argv[3]))))
    else:
        main()
