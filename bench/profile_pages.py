"""Where a signed-in request's time goes, in-process: SQL statements and cProfile shares.

    .venv/bin/python bench/profile_pages.py                       # a fresh SQLite file
    .venv/bin/python bench/profile_pages.py --database-url postgresql+psycopg://...bench

Seeds the database as bench/web.py does (the demo, 50,000 letters for the demo employer among
200 other organisations), signs in through the forms with Flask's test client and, per page
(dashboard, inbox first and deep page, a letter's PDF download, the inbox of an organisation with
a handful of letters), prints the SQL statements one request runs (writes marked) and the
functions with the largest share of the time of N requests under cProfile. Shares, not absolute
times: the machines are shared, so only the proportions mean something.
"""

import argparse
import cProfile
import os
import pstats
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import web  # noqa: E402 - bench/web.py: the same seeding

# The fixed cost of a page: the base layout without a session, then with one.
ANONYMOUS_PAGE = "/accessibility, anonymous"
LAYOUT_PAGES = [
    ("accessibility", "/accessibility, signed in", "/accessibility", "employer"),
    ("account", "/account, signed in", "/account", "employer"),
]
WRITES = re.compile(r"^\s*(INSERT|UPDATE|DELETE)\b", re.IGNORECASE)


def sign_in(client, email: str, password: str) -> None:
    from portal.identity.second_factor import totp

    def csrf(html: str) -> str:
        return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)

    html = client.get("/sign-in").get_data(as_text=True)
    response = client.post(
        "/sign-in", data={"csrf_token": csrf(html), "email": email, "password": password}
    )
    location = response.headers.get("Location", "")
    if location.endswith("/sign-in/set-up-code"):
        html = client.get(location).get_data(as_text=True)
        secret = re.search(r'id="totp-secret"[^>]*>\s*([A-Z2-7 ]+?)\s*<', html).group(1)
        code = totp(secret.replace(" ", "")).now()
        client.post(location, data={"csrf_token": csrf(html), "code": code})
    elif location.endswith("/sign-in/code"):  # set up in an earlier run (--no-seed)
        from sqlalchemy import select

        from portal.extensions import db
        from portal.models import User

        with client.application.app_context():
            user = db.session.scalar(select(User).where(User.email == email))
            step = max(int(time.time()) // 30, (user.totp_last_step or 0) + 1)  # never reused
            code = totp(user.totp_secret).generate_otp(step)
        html = client.get(location).get_data(as_text=True)
        client.post(location, data={"csrf_token": csrf(html), "code": code})
    assert client.get("/dashboard").status_code == 200, "not signed in"


def signed_in(client, who: str, data: dict, keep: str | None) -> None:
    """Sign in, or with --no-seed reuse the session cookie kept by an earlier run (signing in
    again and again would meet the lockout and the one-use codes)."""
    kept = Path(keep or "") / f"cookie-{who}"
    if keep and kept.exists():
        client.set_cookie("portal_session", kept.read_text())
        if client.get("/dashboard").status_code == 200:
            return
    sign_in(client, data["emails"][who], data["password"])
    if keep:
        kept.write_text(client.get_cookie("portal_session").value)


def statements(app, client, path: str) -> list[str]:
    from sqlalchemy import event

    from portal.extensions import db

    seen: list[str] = []

    def record(_conn, _cursor, statement, _parameters, _context, _many):
        seen.append(" ".join(statement.split()))

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
    finally:
        event.remove(engine, "before_cursor_execute", record)
    return seen


def cpu_ms(client, path: str, requests: int) -> float:
    """The median CPU time of this process per request: unlike wall-clock time, not stretched
    by the other work on a shared machine (SQLite runs in-process, so its share is in it;
    PostgreSQL's server side is not)."""
    times = []
    for _ in range(requests):
        started = time.process_time()
        assert client.get(path).status_code == 200, path
        times.append(time.process_time() - started)
    return 1000 * sorted(times)[len(times) // 2]


def profile(client, path: str, requests: int) -> pstats.Stats:
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(requests):
        client.get(path)
    profiler.disable()
    return pstats.Stats(profiler)


def shares(stats: pstats.Stats, top: int) -> str:
    total = stats.total_tt
    lines = []
    rows = []
    for (filename, line, name), (_cc, calls, tt, ct, _callers) in stats.stats.items():
        short = filename.replace(str(ROOT) + "/", "").split("site-packages/")[-1]
        rows.append((ct, tt, calls, f"{short}:{line}({name})"))
    lines.append("  by own time (tottime):")
    for _ct, tt, calls, label in sorted(rows, key=lambda r: r[1], reverse=True)[:top]:
        lines.append(f"    {100 * tt / total:5.1f}%  {calls:>8} calls  {label}")
    lines.append("  by cumulative time, portal and named libraries:")
    wanted = ("portal/", "flask_login", "flask_babel", "jinja2/environment", "flask/sessions")
    picked = [r for r in rows if any(w in r[3] for w in wanted)]
    for ct, _tt, calls, label in sorted(picked, key=lambda r: r[0], reverse=True)[:top]:
        lines.append(f"    {100 * ct / total:5.1f}%  {calls:>8} calls  {label}")
    return "\n".join(lines)


def report(app, client, name: str, path: str, args) -> None:
    """One page's statements and profile."""
    seen = statements(app, client, path)
    writes = [s for s in seen if WRITES.match(s)]
    started = time.perf_counter()
    stats = profile(client, path, args.requests)
    elapsed = time.perf_counter() - started
    print(f"\n=== {name}  ({path})")
    print(
        f"  {len(seen)} SQL statements, {len(writes)} writing; "
        f"{1000 * elapsed / args.requests:.1f} ms/request under cProfile"
    )
    for statement in seen:
        print(f"    - {statement[:150]}")
    print(shares(stats, args.top))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="default: a fresh SQLite file in a temp folder")
    parser.add_argument("--letters", type=int, default=web.LETTERS)
    parser.add_argument("--requests", type=int, default=100, help="profiled per page")
    parser.add_argument("--top", type=int, default=18)
    parser.add_argument("--no-seed", action="store_true", help="reuse the seeded database")
    parser.add_argument(
        "--only", help="a regular expression: only the pages whose name it finds (/healthz always)"
    )
    parser.add_argument(
        "--timing",
        action="store_true",
        help="no profiler: each page's median CPU ms per request, and its ratio to /healthz",
    )
    args = parser.parse_args()

    folder = tempfile.mkdtemp(prefix="portal-profile-")
    if args.no_seed:  # the session cookies of the first run are kept for the next ones
        folder = str(Path(tempfile.gettempdir()) / "portal-profile-sessions")
        os.makedirs(folder, exist_ok=True)
    database_url = args.database_url or f"sqlite:///{folder}/bench.db"
    if "bench" not in database_url:
        raise SystemExit("refusing to empty a database whose URL does not contain 'bench'")
    try:
        data = web.seed(database_url, args.letters, reseed=not args.no_seed)
        from portal import create_app

        app = create_app("development")
        app.config["RATELIMIT_ENABLED"] = False
        timings: dict[str, float] = {}
        anonymous = app.test_client()
        anonymous.environ_base["HTTP_USER_AGENT"] = web.USER_AGENT
        if args.timing:
            timings["/healthz"] = cpu_ms(anonymous, "/healthz", args.requests)
        if args.only is None or re.search(args.only, ANONYMOUS_PAGE):
            for _ in range(5):
                anonymous.get("/accessibility")
            if args.timing:
                timings[ANONYMOUS_PAGE] = cpu_ms(anonymous, "/accessibility", args.requests)
            else:
                report(app, anonymous, ANONYMOUS_PAGE, "/accessibility", args)
        targets = [
            target
            for target in web.page_targets(data) + LAYOUT_PAGES
            if args.only is None or re.search(args.only, target[1])
        ]
        for who in sorted({target[3] for target in targets}):
            client = app.test_client()
            client.environ_base["HTTP_USER_AGENT"] = web.USER_AGENT
            signed_in(client, who, data, folder if args.no_seed else None)
            for _key, name, path, target_who in targets:
                if target_who != who:
                    continue
                for _ in range(5):
                    client.get(path)  # warm: templates compiled, caches filled
                if args.timing:
                    timings[name] = cpu_ms(client, path, args.requests)
                    continue
                report(app, client, name, path, args)
        for name, ms in timings.items():
            print(f"{ms:7.2f} CPU ms  {ms / timings['/healthz']:6.1f}× /healthz  {name}")
    finally:
        if not args.no_seed:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
