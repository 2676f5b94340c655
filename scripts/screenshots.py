"""Screenshots for the accessibility statement (docs/accessibility.md): the dashboard, the inbox,
a letter, an application's check page (of a recognition application the script starts) and
the back-office case page, each at 320 px and at
1,280 px wide, in English, from a live portal with the demo data.

    .venv/bin/python scripts/screenshots.py          # or: make screenshots

Starts the browser tests' live server (tests/browser/live_server.py: a fresh SQLite database
with the demo data, on 127.0.0.1) and Debian's Chromium through Playwright, and writes
docs/accessibility/<page>-<width>.png. Each image is the top of the page (at most
MAX_HEIGHT CSS pixels), reduced to a 64-colour palette so that it stays small (≤ ~150 KB).
"""

import io
import os
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from PIL import Image  # noqa: E402 - after the path (WeasyPrint's dependency)
from playwright.sync_api import sync_playwright  # noqa: E402

from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, DEMO_PASSWORD, LiveServer  # noqa: E402

OUT = ROOT / "docs" / "accessibility"
WIDTHS = (320, 1280)
HEIGHT = 900  # the viewport's height
MAX_HEIGHT = 2400  # of a screenshot, in CSS pixels
COLOURS = 64
SPONSOR = "employer@demo.example"
REVIEWER = "reviewer@demo.example"


def start_server(database_url: str) -> tuple[subprocess.Popen, LiveServer]:
    env = {**os.environ, "TEST_DATABASE_URL": database_url, "PORTAL_ENV": "test"}
    process = subprocess.Popen(  # noqa: S603 - our own module, no shell
        [sys.executable, "-m", "tests.browser.live_server"],
        cwd=ROOT,
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    port = process.stdout.readline().strip()
    if not port.isdigit():
        process.kill()
        raise SystemExit("the live server did not start")
    output: list[str] = []
    threading.Thread(target=lambda: output.extend(process.stdout), daemon=True).start()
    return process, LiveServer(f"http://127.0.0.1:{port}", database_url, output)


def start_recognition(page) -> None:
    """Start an application for recognition (the first category the organisation may still
    apply for): the portal then shows its check page."""
    page.goto("/applications/recognition/new")
    page.locator("input[name='category']:not([disabled])").first.check(force=True)
    with page.expect_navigation():
        page.click("main form:has(input[name='category']) button[type='submit']")
    if not page.url.endswith("/check"):
        raise SystemExit(f"no check page: {page.url}")


def submit(page, values: dict[str, str]) -> None:
    for name, value in values.items():
        page.fill(f"[name='{name}']", value)
    with page.expect_navigation():
        page.click(f"form:has([name='{next(iter(values))}']) button[type='submit']")


def sign_in(page, server: LiveServer, email: str, staff: bool) -> None:
    page.goto(f"{server.url}/language/en?next=/")
    page.goto(f"{server.url}{'/backoffice' if staff else ''}/sign-in")
    submit(page, {"email": email, "password": DEMO_PASSWORD})
    if "/sign-in/set-up-code" in page.url:  # a sponsor administrator's first sign-in
        import pyotp

        secret = page.inner_text("#totp-secret").strip()
        submit(page, {"code": pyotp.TOTP(secret).now()})
        with page.expect_navigation():
            page.click("main a.button")
    elif "/sign-in/code" in page.url:
        submit(page, {"code": server.totp_code(email)})
    if "sign-in" in page.url:
        raise SystemExit(f"{email} could not sign in")


def first_link(page, selector: str) -> str:
    href = page.get_attribute(selector, "href")
    if not href:
        raise SystemExit(f"no link {selector} on {page.url}")
    return href


def shoot(page, name: str) -> list[Path]:
    """The page at each width, the top MAX_HEIGHT pixels, as a small palette PNG."""
    written = []
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": HEIGHT})
        page.reload()
        height = min(page.evaluate("document.documentElement.scrollHeight"), MAX_HEIGHT)
        raw = page.screenshot(
            full_page=True, clip={"x": 0, "y": 0, "width": width, "height": height}
        )
        image = Image.open(io.BytesIO(raw)).convert("RGB")
        small = image.quantize(colors=COLOURS, method=Image.Quantize.MEDIANCUT, dither=0)
        path = OUT / f"{name}-{width}.png"
        small.save(path, optimize=True)
        written.append(path)
    return written


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        database_url = f"sqlite:///{tmp}/screenshots.db"
        process, server = start_server(database_url)
        written = []
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                sponsor = browser.new_context(base_url=server.url).new_page()
                sign_in(sponsor, server, SPONSOR, staff=False)
                sponsor.goto("/dashboard")
                written += shoot(sponsor, "dashboard")
                sponsor.goto("/inbox")
                written += shoot(sponsor, "inbox")
                sponsor.goto(first_link(sponsor, "main table a[href^='/inbox/']"))
                written += shoot(sponsor, "letter")
                start_recognition(sponsor)
                written += shoot(sponsor, "check")

                staff = browser.new_context(base_url=server.url).new_page()
                sign_in(staff, server, REVIEWER, staff=True)
                staff.goto("/backoffice/")
                staff.goto(first_link(staff, "main table a[href^='/backoffice/cases/']"))
                written += shoot(staff, "case")
                browser.close()
        finally:
            process.stdin.close()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
    for path in written:
        print(f"{path.relative_to(ROOT)}  {path.stat().st_size // 1024} KB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
