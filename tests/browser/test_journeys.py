"""Journeys in a real browser, by keyboard where a keyboard user would use it.

An employer signs up and applies for recognition; a reviewer signs in with password and TOTP and
grants it; the employer finds the decision in the inbox and downloads the PDF. Every page on the
way passes axe-core and the Nu HTML Checker.
"""

import hashlib
import io
import re
import shutil

import pytest
from pypdf import PdfReader

from tests.browser.checks import describe, run_axe, run_vnu
from tests.browser.conftest import AXE_JS, VNU_JAR, require

MAX_TABS = 80


class Keyboard:
    """A person with a keyboard: Tab to a control, type, Space to tick, Enter to go."""

    def __init__(self, page):
        self.page = page
        self.pages: dict[str, str] = {}  # where → HTML as served, for the HTML checker
        self.violations: list[str] = []
        page.on("response", self._keep_document)
        self._last_document = None

    def _keep_document(self, response):
        if response.request.resource_type == "document" and not 300 <= response.status < 400:
            self._last_document = response

    def check_page(self, name: str) -> None:
        """Remember the page for the HTML checker and run axe on it now."""
        self.page.wait_for_load_state()
        self.pages[f"{name} ({self.page.url})"] = self._last_document.text()
        violations = run_axe(self.page)
        if violations:
            self.violations.append(f"{name}:\n{describe(violations)}")

    def tab_to(self, locator) -> None:
        """Press Tab until the control has the focus (it must be reachable in tab order)."""
        target = locator.element_handle()
        for _ in range(MAX_TABS):
            self.page.keyboard.press("Tab")
            if target.evaluate("el => el === document.activeElement"):
                return
        raise AssertionError(f"could not reach {locator} with the Tab key")

    def fill(self, label: str, text: str) -> None:
        self.tab_to(self.page.get_by_label(label, exact=True))
        self.page.keyboard.type(text)

    def choose(self, group: str, option: str) -> None:
        """Tab into a radio group, arrow to the option, Space to select it."""
        fieldset = self.page.get_by_role("group", name=group)
        radios = fieldset.get_by_role("radio")
        self.tab_to(radios.first)
        target = fieldset.get_by_role("radio", name=option, exact=True).element_handle()
        for _ in range(radios.count()):
            if target.evaluate("el => el === document.activeElement"):
                break
            self.page.keyboard.press("ArrowDown")
        self.page.keyboard.press("Space")
        assert target.is_checked(), f"{option} not chosen in {group}"

    def tick(self, label: str) -> None:
        checkbox = self.page.get_by_label(label)
        self.tab_to(checkbox)
        self.page.keyboard.press("Space")
        assert checkbox.is_checked()

    def activate(self, locator) -> None:
        """Tab to a link or button and press Enter; wait for the next page."""
        self.tab_to(locator)
        with self.page.expect_navigation():
            self.page.keyboard.press("Enter")

    def submit_with_enter(self) -> None:
        """Enter in the focused field submits its form, as in any browser."""
        with self.page.expect_navigation():
            self.page.keyboard.press("Enter")


def _tools():
    require(AXE_JS.exists(), "axe-core is not installed (run `npm ci`)")
    require(shutil.which("java") is not None, "Java is not installed (apt-get install default-jre)")
    require(VNU_JAR.exists(), "vnu-jar is not installed (run `npm ci`)")


@pytest.fixture
def second_context(chromium, live_server):
    context = chromium.new_context(base_url=live_server.url, bypass_csp=True)
    context.set_default_timeout(10_000)
    yield context
    context.close()


def test_employer_signs_up_applies_and_downloads_the_granted_decision(
    browser_context, second_context, live_server, tmp_path
):
    _tools()
    # --- The employer, in English --------------------------------------------------
    page = browser_context.new_page()
    employer = Keyboard(page)
    page.goto("/language/en?next=/")
    employer.check_page("home")
    employer.activate(page.get_by_role("link", name="Create an account for your organisation"))
    employer.check_page("sign-up")

    # Submitted empty first: the error summary, then fixing it.
    employer.activate(page.get_by_role("button", name="Create account"))
    assert page.title().startswith("Error:")
    assert page.get_by_role("alert").get_by_role("link", name="Enter the KvK number").is_visible()
    employer.check_page("sign-up with errors")

    employer.fill("KvK number", "90001234")
    employer.fill("Legal name", "Keyboard Kaasmakers B.V.")
    employer.fill("Street and house number", "Kaasmarkt 1")
    employer.fill("Postcode", "1441 AA")
    employer.fill("Town or city", "Purmerend")
    employer.fill("Contact e-mail address of the organisation", "info@kaas.example")
    employer.fill("Number of persons employed", "30")
    employer.choose("Kind of organisation", "Employer")
    employer.choose("Language for letters", "English")
    employer.fill("Your full name", "Kees Keyboard")
    employer.fill("Your e-mail address", "kees@kaas.example")
    employer.fill("Password", "gouda edam leerdammer maasdam")
    employer.submit_with_enter()
    assert page.url.endswith("/dashboard"), page.url
    assert page.get_by_role("heading", level=1).inner_text() == "Keyboard Kaasmakers B.V."
    employer.check_page("dashboard after sign-up")

    employer.activate(page.get_by_role("link", name="Apply for recognition"))
    employer.check_page("start recognition")
    employer.choose("Which category do you apply for?", "Labour")
    employer.activate(page.get_by_role("button", name="Continue"))
    assert "/check" in page.url
    assert "reduced fee" in page.locator("#fee").inner_text()  # 30 persons employed
    employer.check_page("check and submit")
    employer.tick("I declare that the information given is correct")
    employer.activate(page.get_by_role("button", name="Submit application"))
    notice = page.get_by_role("status").inner_text()
    reference = re.search(r"ER-\d{4}-\d{6}-[A-Z]", notice).group(0)
    employer.check_page("application submitted")

    # --- A reviewer at the IND, in Dutch ---------------------------------------------
    staff_page = second_context.new_page()
    reviewer = Keyboard(staff_page)
    staff_page.goto("/language/nl?next=/backoffice/sign-in")
    reviewer.check_page("back-office sign-in")
    reviewer.fill("E-mailadres", "reviewer@demo.example")
    reviewer.fill("Wachtwoord", "demo-portal-2026")
    reviewer.submit_with_enter()
    reviewer.check_page("back-office code")
    reviewer.fill("Code uit uw authenticator-app", live_server.totp_code("reviewer@demo.example"))
    reviewer.submit_with_enter()
    reviewer.check_page("work queue")
    reviewer.activate(staff_page.get_by_role("link", name=reference))
    assert "Keyboard Kaasmakers B.V." in staff_page.content()
    reviewer.check_page("case")
    reviewer.choose("Besluit", "Erkenning verlenen")
    reviewer.fill("Reden (komt in de brief met het besluit)", "Voldoet aan de voorwaarden.")
    reviewer.activate(staff_page.get_by_role("button", name="Besluit vastleggen"))
    assert reference in staff_page.get_by_role("status").inner_text()
    reviewer.check_page("queue after the decision")

    # --- The employer finds the decision in the inbox ----------------------------------
    page.goto("/dashboard")
    employer.activate(page.get_by_role("navigation", name="Main").get_by_role("link", name="Inbox"))
    employer.check_page("inbox")
    decision = page.get_by_role("link", name=re.compile("^Decision: recognition as a sponsor"))
    assert "Unread" in page.locator("tr", has=decision).inner_text()
    employer.activate(decision)
    employer.check_page("decision letter")
    fingerprint = page.locator("code.hash").inner_text()
    download_link = page.get_by_role("link", name="Download the letter (PDF)")
    employer.tab_to(download_link)
    with page.expect_download() as info:
        page.keyboard.press("Enter")
    pdf_bytes = info.value.path().read_bytes()
    assert pdf_bytes.startswith(b"%PDF")
    assert hashlib.sha256(pdf_bytes).hexdigest() == fingerprint
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf_bytes)).pages)
    assert "Keyboard Kaasmakers B.V." in text
    assert reference in text
    assert "granted" in text

    # Every page on the way: 0 accessibility violations, valid HTML.
    assert not employer.violations + reviewer.violations, "\n".join(
        employer.violations + reviewer.violations
    )
    errors = run_vnu({**employer.pages, **reviewer.pages}, tmp_path)
    assert not errors, "\n".join(f"{where} {message}" for where, message in errors)
