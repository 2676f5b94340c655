"""Browser tests: Debian's Chromium driven by Playwright against a live portal on 127.0.0.1.

Everything under tests/browser/ is marked `browser`. Where Chromium, Playwright, Java or the npm
tools (axe-core, vnu-jar: `npm ci`) are missing, these tests skip with the reason, except in CI
(CI=true), where a missing tool is a failure.
"""

import contextlib
import os
import re
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
VNU_JAR = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DEMO_PASSWORD = "demo-portal-2026"  # noqa: S105 - the documented demo password


def pytest_collection_modifyitems(config, items):
    here = Path(__file__).parent
    # The live server always has its own SQLite database: on the PostgreSQL pass these tests
    # would repeat the SQLite pass exactly.
    on_postgres = os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql")
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.browser)
            if on_postgres:
                item.add_marker(
                    pytest.mark.skip(reason="browser tests run in the SQLite pass (own database)")
                )


def require(condition: bool, reason: str) -> None:
    """Skip with the reason outside CI; fail in CI, where every tool must be installed."""
    if condition:
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason} (CI must install it: see .ci/run)")
    pytest.skip(reason)


def _playwright_missing() -> bool:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return True
    return False


class LiveServer:
    def __init__(self, url: str, database_url: str, output: list[str]):
        self.url = url
        self.database_url = database_url
        self.output = output  # what the server printed: its e-mails (no MAIL_SERVER)

    def mail_link(self, path_start: str) -> str:
        """The path of the last link starting with `path_start` in a printed e-mail."""
        import quopri
        import time

        pattern = re.compile(r"https?://[^/\s]+(" + re.escape(path_start) + r"\S*)")
        for _ in range(100):
            # Long lines make the printed body quoted-printable: decode it first.
            printed = quopri.decodestring("".join(self.output).encode()).decode(errors="replace")
            found = pattern.findall(printed)
            if found:
                return found[-1]
            time.sleep(0.1)
        raise AssertionError(f"no e-mail with a link to {path_start}")

    def totp_secret(self, email: str) -> str:
        """The staff account's TOTP secret, as an authenticator app would have it."""
        from sqlalchemy import create_engine, select

        from portal.models import User

        engine = create_engine(self.database_url)
        try:
            with engine.connect() as connection:
                return connection.scalar(select(User.totp_secret).where(User.email == email))
        finally:
            engine.dispose()

    def totp_code(self, email: str) -> str:
        """A current code the portal accepts: it takes each time step once (issue 8)."""
        import time

        from sqlalchemy import create_engine, select

        from portal.identity.second_factor import totp
        from portal.models import User

        engine = create_engine(self.database_url)
        try:
            with engine.connect() as connection:
                secret, last = connection.execute(
                    select(User.totp_secret, User.totp_last_step).where(User.email == email)
                ).one()
        finally:
            engine.dispose()
        step = int(time.time()) // 30
        if last is not None and last >= step:
            step = last + 1
        while step > int(time.time()) // 30 + 1:  # signed in twice this half-minute: wait
            time.sleep(1)
        return totp(secret).generate_otp(step)


@pytest.fixture(scope="session")
def live_server(tmp_path_factory, worker_id):
    """The portal on a fresh migrated SQLite database with demo data (a LiveServer); one per
    pytest-xdist worker."""
    with run_live_server(tmp_path_factory, f"live-server-{worker_id}") as server:
        yield server


@contextlib.contextmanager
def run_live_server(tmp_path_factory, name: str, env_extra: dict | None = None):
    """Start `python -m tests.browser.live_server` (its log in test-artifacts/<name>.log) with
    `env_extra` added to its environment; yield the LiveServer; stop it."""
    ARTIFACTS.mkdir(exist_ok=True)
    log_path = ARTIFACTS / f"{name}.log"
    db_file = tmp_path_factory.mktemp("live") / "live.db"
    database_url = f"sqlite:///{db_file}"
    env = {
        **os.environ,
        "TEST_DATABASE_URL": database_url,
        "PORTAL_ENV": "test",
        **(env_extra or {}),
    }
    log = open(log_path, "w")  # noqa: SIM115 - closed in finally
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.browser.live_server"],
        cwd=ROOT,
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=log,
        text=True,
    )
    reader = None
    try:
        line = process.stdout.readline().strip()
        if not line.isdigit():
            process.kill()
            log.flush()
            pytest.fail(f"live server did not start: {log_path.read_text()}")
        output: list[str] = []
        reader = threading.Thread(target=lambda: output.extend(process.stdout), daemon=True)
        reader.start()
        yield LiveServer(f"http://127.0.0.1:{line}", database_url, output)
    finally:
        process.stdin.close()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if reader is not None:
            reader.join(timeout=10)
        process.stdout.close()
        log.close()


@pytest.fixture(scope="session")
def chromium():
    """One headless Chromium for the run."""
    require(not _playwright_missing(), "Playwright for Python is not installed (pip: playwright)")
    require(shutil.which(CHROMIUM) is not None, f"{CHROMIUM} not found (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def browser_context(chromium, live_server, request):
    """A fresh browser profile (cookies) per test; a screenshot of every open page on failure."""
    context = chromium.new_context(base_url=live_server.url, bypass_csp=True, accept_downloads=True)
    context.set_default_timeout(10_000)
    yield context
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.name)
        for index, open_page in enumerate(context.pages):
            open_page.screenshot(path=str(ARTIFACTS / f"{name}-{index}.png"), full_page=True)
    context.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)
