"""Journeys in a real browser, by keyboard where a keyboard user would use it.

1. An employer signs up and applies for recognition; a reviewer signs in with password and TOTP
   and grants it (refused while the case is unclaimed and its checklist open, then granted
   after the checks and the confirmation page); the employer finds the decision in the inbox
   and downloads the PDF.
2. The demo employer adds a person to the people register and files a highly skilled migrant
   application for them (a salary below the threshold, then the fix), with documents.
3. The demo university registers students in bulk from a CSV file (a problem, then the fix).
4. A reviewer asks for information on a residence case; the sponsor answers from the letter.
5. The demo employer gives the demo intermediary a mandate; the intermediary answers a request
   for information on the employer's case.
6. The demo university imports students and submits all their applications at once.

The pages on the way pass axe-core and the Nu HTML Checker. The accessibility statement lists
these journeys (portal/blueprints/public/routes.py: ACCESSIBILITY_JOURNEYS): add a new one there.
Journeys 2 to 6 change the demo organisations' data on the live server; each stands on its own.
"""

import hashlib
import io
import re
import shutil
from datetime import date, timedelta

import pyotp
import pytest
from pypdf import PdfReader

from tests.browser.checks import describe, run_axe, run_vnu
from tests.browser.conftest import AXE_JS, DEMO_PASSWORD, VNU_JAR, require

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

    def fill_date(self, label: str, day: date) -> None:
        """A date input (a group of three boxes, Day, Month and Year): Tab to the day box and
        type the day, Tab, the month, Tab, the year, as a person does."""
        group = self.page.get_by_role("group", name=label, exact=True)
        self.tab_to(
            group.get_by_label("Day", exact=True).or_(group.get_by_label("Dag", exact=True))
        )
        for number, last in ((day.day, False), (day.month, False), (day.year, True)):
            self.page.keyboard.type(str(number))
            if not last:
                self.page.keyboard.press("Tab")

    def select(self, label: str, option: str) -> None:
        """Tab to a drop-down and choose by typing the option's first letters, as people do."""
        field = self.page.get_by_label(label, exact=True)
        self.tab_to(field)
        self.page.keyboard.type(option)
        if field.evaluate("el => el.options[el.selectedIndex].text") != option:
            field.select_option(label=option)  # type-ahead is timing-dependent in headless mode
        assert field.evaluate("el => el.options[el.selectedIndex].text") == option

    def choose_file(self, label: str, path: str) -> None:
        """Tab to a file field; the file chooser is the system's, so the file is set directly."""
        field = self.page.get_by_label(label, exact=True)
        self.tab_to(field)
        field.set_input_files(path)

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
    assert page.get_by_role("heading", level=1).inner_text() == "Check your e-mail"
    employer.check_page("sign-up: check your e-mail")
    # The link in the e-mail confirms the address; the account is made by the button.
    page.goto(live_server.mail_link("/sign-up/confirm/"))
    employer.check_page("confirm sign-up")
    employer.activate(page.get_by_role("button", name="Create the account"))
    # Two-step verification before the first session.
    assert page.url.endswith("/sign-in/set-up-code"), page.url
    employer.check_page("set up two-step verification")
    secret = page.locator("#totp-secret").inner_text().strip()
    employer.fill("Code from your authenticator app", pyotp.TOTP(secret).now())
    employer.submit_with_enter()
    employer.check_page("recovery codes")
    employer.activate(page.get_by_role("link", name="I have saved my recovery codes, continue"))
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
    # A password sign-up is unverified: the KvK extract goes with the application.
    employer.choose_file(
        "KvK extract (uittreksel Handelsregister)", small_pdf(tmp_path / "uittreksel.pdf")
    )
    employer.tick("I declare that the information given is correct")
    employer.activate(page.get_by_role("button", name="Submit application"))
    notice = page.get_by_role("status").inner_text()
    reference = re.search(r"ER-\d{4}-\d{6}-[A-Z]", notice).group(0)
    # Recognition: the 90 days run from payment of the fee, which has not arrived.
    deadline = page.locator("#deadline").inner_text()
    assert "Decision period not started — waiting for payment" in deadline
    assert "Fee €2,539.00 due — pay by" in page.locator("#fee-status").inner_text()
    employer.check_page("application submitted")

    # --- A supervisor at the IND (finance and review), in Dutch ------------------------
    staff_page = second_context.new_page()
    reviewer = Keyboard(staff_page)
    staff_page.goto("/language/nl?next=/backoffice/sign-in")
    reviewer.check_page("back-office sign-in")
    reviewer.fill("E-mailadres", "supervisor@demo.example")
    reviewer.fill("Wachtwoord", "demo-portal-2026")
    reviewer.submit_with_enter()
    reviewer.check_page("back-office code")
    reviewer.fill("Code uit uw authenticator-app", live_server.totp_code("supervisor@demo.example"))
    reviewer.submit_with_enter()
    reviewer.check_page("work queue")
    assert reference in staff_page.locator("#waiting-for-payment").inner_text()
    # The bank statement with the transfer arrives: finance imports it.
    statement = tmp_path / "afschrift.xml"
    statement.write_text(
        '<?xml version="1.0" encoding="UTF-8"?><Document xmlns="urn:iso:std:iso:20022:tech:'
        'xsd:camt.053.001.02"><BkToCstmrStmt><Stmt><Id>S</Id><Acct><Id><IBAN>NL91ABNA04171643'
        '00</IBAN></Id></Acct><Ntry><Amt Ccy="EUR">2539.00</Amt><CdtDbtInd>CRDT</CdtDbtInd>'
        f"<BookgDt><Dt>{date.today().isoformat()}</Dt></BookgDt><NtryDtls><TxDtls><Refs>"
        "<AcctSvcrRef>J1"
        '</AcctSvcrRef></Refs><AmtDtls><TxAmt><Amt Ccy="EUR">2539.00</Amt></TxAmt></AmtDtls>'
        f"<RmtInf><Ustrd>leges {reference.lower()}</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>"
        "</Stmt></BkToCstmrStmt></Document>"
    )
    reviewer.activate(staff_page.get_by_role("link", name="Bankafschriften"))
    reviewer.check_page("bank statements")
    reviewer.choose_file("Bankafschrift (camt.053 XML of MT940)", str(statement))
    reviewer.activate(staff_page.get_by_role("button", name="Afschrift inlezen"))
    assert "1 leges betaald" in staff_page.get_by_role("status").inner_text()
    reviewer.check_page("statement imported")
    reviewer.activate(staff_page.get_by_role("link", name="Werkvoorraad"))
    reviewer.activate(staff_page.get_by_role("link", name=reference))
    assert "Keyboard Kaasmakers B.V." in staff_page.content()
    reviewer.check_page("case")
    # A grant is refused while the case is unclaimed and its checklist open.
    grant_link = staff_page.get_by_role(
        "link", name="Inwilligen: bekijk wat er gebeurt en bevestig"
    )
    reviewer.activate(grant_link)
    blockers = staff_page.locator("#grant-blockers").inner_text()
    assert "Pak de zaak eerst op" in blockers
    assert "Nog niet gecontroleerd: Ingeschreven in het Handelsregister (KvK)" in blockers
    assert staff_page.get_by_role("button", name="Inwilligen en de brief versturen").count() == 0
    reviewer.check_page("grant refused: checks open")
    reviewer.activate(staff_page.get_by_role("link", name=re.compile("^Terug naar zaak")))
    reviewer.activate(staff_page.get_by_role("button", name="Deze zaak oppakken"))
    # Every item answered: met (one not applicable would need its reason).
    checklist = staff_page.locator("form[action$='/checklist']")
    for label in checklist.locator("label[for$='_outcome']").all_inner_texts():
        reviewer.select(label.strip(), "Voldaan")
    reviewer.activate(staff_page.get_by_role("button", name="Controlelijst opslaan"))
    # The KvK extract checked: the organisation's KvK number is then verified.
    assert "KvK-nummer geverifieerd" in staff_page.locator("#organisation-kvk").inner_text()
    reviewer.check_page("case with the checklist answered")
    reviewer.activate(
        staff_page.get_by_role("link", name="Inwilligen: bekijk wat er gebeurt en bevestig")
    )
    reviewer.check_page("grant confirmation")
    consequences = staff_page.locator("#consequences").inner_text()
    assert "openbaar register erkend referenten" in consequences
    reviewer.fill("Toelichting in de beslisbrief (niet verplicht)", "Voldoet aan de voorwaarden.")
    reviewer.activate(staff_page.get_by_role("button", name="Inwilligen en de brief versturen"))
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


# --- shared steps ---------------------------------------------------------------------


def small_pdf(path) -> str:
    """A small, valid one-page PDF on disk, as a person would pick it in the file chooser."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    with open(path, "wb") as file:
        writer.write(file)
    return str(path)


SIGN_IN_TEXT = {
    "en": {
        "email": "E-mail address",
        "password": "Password",
        "code": "Code from your authenticator app",
        "saved": "I have saved my recovery codes, continue",
    },
    "nl": {
        "email": "E-mailadres",
        "password": "Wachtwoord",
        "code": "Code uit uw authenticator-app",
        "saved": "Ik heb mijn herstelcodes bewaard, verder",
    },
}


def sponsor_sign_in(person: "Keyboard", live_server, email: str, lang: str = "en") -> None:
    """Sign in by keyboard as a sponsor user. Administrators set up two-step verification at
    their first sign-in (issue 8); after that they enter a code."""
    import pyotp

    text = SIGN_IN_TEXT[lang]
    page = person.page
    page.goto(f"/language/{lang}?next=/sign-in")
    person.fill(text["email"], email)
    person.fill(text["password"], DEMO_PASSWORD)
    person.submit_with_enter()
    if "/sign-in/set-up-code" in page.url:
        person.check_page("set up two-step verification")
        secret = page.locator("#totp-secret").inner_text().strip()
        person.fill(text["code"], pyotp.TOTP(secret).now())
        person.submit_with_enter()
        person.check_page("recovery codes")
        person.activate(page.get_by_role("link", name=text["saved"]))
    elif "/sign-in/code" in page.url:
        person.fill(text["code"], live_server.totp_code(email))
        person.submit_with_enter()
    assert page.url.endswith("/dashboard"), page.url


def staff_sign_in(person: "Keyboard", live_server, email: str) -> None:
    """Sign in by keyboard to the back office, in Dutch: password, then the TOTP code."""
    page = person.page
    page.goto("/language/nl?next=/backoffice/sign-in")
    person.fill("E-mailadres", email)
    person.fill("Wachtwoord", DEMO_PASSWORD)
    person.submit_with_enter()
    person.fill("Code uit uw authenticator-app", live_server.totp_code(email))
    person.submit_with_enter()
    assert "/backoffice" in page.url and "sign-in" not in page.url, page.url


def assert_clean(tmp_path, *people: "Keyboard") -> None:
    """Every page the people saw: 0 axe-core violations and 0 Nu HTML Checker errors."""
    violations = [v for person in people for v in person.violations]
    assert not violations, "\n".join(violations)
    pages = {where: html for person in people for where, html in person.pages.items()}
    errors = run_vnu(pages, tmp_path)
    assert not errors, "\n".join(f"{where} {message}" for where, message in errors)


# --- an employer files a highly skilled migrant application ---------------------------------


def test_employer_files_a_highly_skilled_migrant_application(
    browser_context, live_server, tmp_path
):
    """The demo employer (recognised for labour) adds a person to the people register, starts
    the application from the person's page, fills the task list (one salary below the
    threshold first, then the fix), uploads the documents, checks, declares and submits; the
    reference, the decision deadline and the acknowledgement letter follow."""
    _tools()
    from portal import clock
    from portal.reference.residence import salary_threshold

    today = clock.today()
    born = date(today.year - 27, 4, 12)  # under 30: the lower threshold applies
    threshold = salary_threshold("hsm_under_30", today).monthly_cents
    expected_threshold = f"€{threshold // 100:,}.{threshold % 100:02d}"

    page = browser_context.new_page()
    employer = Keyboard(page)
    sponsor_sign_in(employer, live_server, "employer@demo.example")

    # --- the people register: a name with a diacritic and an apostrophe ----------------
    employer.activate(
        page.get_by_role("navigation", name="Main").get_by_role("link", name="People")
    )
    employer.check_page("people register")
    employer.activate(page.get_by_role("link", name="Add a person"))
    employer.check_page("add a person")
    employer.fill("Given names", "Zoë")
    employer.fill("Surname", "O'Connor")
    employer.fill_date("Date of birth", born)
    employer.fill("Place of birth", "Montréal")
    employer.select("Country of birth", "Canada")
    employer.select("Nationality", "Canada")
    employer.choose("Sex, as in the passport", "Female (F)")
    employer.choose("Sponsored under", "Labour")
    employer.fill("Passport number", "HK482913")
    employer.fill_date("Passport date of issue", date(today.year - 2, 6, 1))
    employer.fill_date("Passport date of expiry", date(today.year + 8, 5, 31))
    employer.activate(page.get_by_role("button", name="Save"))
    assert "Zoë O'Connor has been added to the register." in page.get_by_role("status").inner_text()
    assert page.get_by_role("heading", level=1).inner_text() == "Zoë O'Connor"
    employer.check_page("person")

    # --- the application, started from the person ---------------------------------------
    employer.activate(
        page.get_by_role("link", name="Start a residence application for Zoë O'Connor")
    )
    assert "Zoë O'Connor" in page.locator("#about-person").inner_text()
    employer.check_page("start a residence application")
    employer.choose(
        "Which application do you want to make?", "Highly skilled migrant: residence only"
    )
    employer.activate(page.get_by_role("button", name="Continue"))
    employer.check_page("task list")

    employer.activate(page.get_by_role("link", name="The person"))
    # Filled in from the register: the person's details are not typed again.
    assert page.get_by_label("Surname", exact=True).input_value() == "O'Connor"
    assert page.get_by_label("Given names", exact=True).input_value() == "Zoë"
    employer.check_page("the person")
    employer.choose("Civil status", "Unmarried")
    employer.activate(page.get_by_role("button", name="Save and continue"))

    # The job: a salary below the threshold first.
    assert page.get_by_role("heading", level=1).inner_text() == "The job"
    employer.check_page("the job")
    start = today + timedelta(days=60)
    employer.fill("Job title", "Data engineer")
    employer.fill_date("Start date of the employment", start)
    employer.fill_date("End date of the contract", start + timedelta(days=730))
    employer.fill("Hours per week", "40")
    employer.fill("Gross monthly salary in euros", "4.100,00")
    employer.choose("Does the reduced salary criterion apply?", "No")
    employer.activate(page.get_by_role("button", name="Save and continue"))
    assert page.title().startswith("Error:")
    summary = page.get_by_role("alert").inner_text()
    assert "€4,100.00" in summary and expected_threshold in summary, summary
    # What was typed is still there, in every field.
    assert page.get_by_label("Job title", exact=True).input_value() == "Data engineer"
    assert page.get_by_label("Hours per week", exact=True).input_value() == "40"
    salary = page.get_by_label("Gross monthly salary in euros", exact=True)
    assert salary.input_value() == "4.100,00"
    employer.check_page("the job with the salary below the threshold")
    # The error summary's link leads to the field.
    employer.tab_to(page.get_by_role("alert").get_by_role("link").first)
    page.keyboard.press("Enter")
    page.wait_for_function("document.activeElement.id === 'monthly_salary'")
    page.keyboard.press("Control+A")
    page.keyboard.type("5.688,00")
    employer.activate(page.get_by_role("button", name="Save and continue"))
    assert (
        page.get_by_role("heading", level=1).inner_text()
        == "Highly skilled migrant: residence only"
    )
    for section in ("The person", "The job"):
        status = page.locator("li", has=page.get_by_role("link", name=section)).inner_text()
        assert "Completed" in status, status

    # --- the documents ------------------------------------------------------------------
    employer.activate(page.get_by_role("link", name="Documents"))
    employer.check_page("documents")
    for label, filename in (
        ("Copy of the passport", "passport.pdf"),
        ("Employment contract", "contract.pdf"),
    ):
        employer.choose("Which document is this?", label)
        employer.choose_file("The file", small_pdf(tmp_path / filename))
        employer.activate(page.get_by_role("button", name="Upload"))
        assert f"{label} has been uploaded." in page.get_by_role("status").inner_text()
    assert "Still needed" not in page.locator("#required-documents").inner_text()
    employer.check_page("documents uploaded")
    employer.activate(page.get_by_role("link", name="Back to the application"))

    # --- check, declare, submit ---------------------------------------------------------
    employer.activate(page.get_by_role("link", name="Check your answers and submit"))
    employer.check_page("check your answers")
    answers = page.locator("main").inner_text()
    assert "Zoë" in answers and "O'Connor" in answers and "€5,688.00" in answers
    assert expected_threshold in page.locator("#outcome").inner_text()
    employer.tick(
        "I declare that the information given is correct and complete, and that the person "
        "meets the conditions for this residence permit."
    )
    employer.activate(page.get_by_role("button", name="Submit application"))
    notice = page.get_by_role("status").inner_text()
    reference = re.search(r"Your reference is (\S+)\.", notice).group(1)
    assert page.get_by_role("heading", level=1).inner_text() == f"Application {reference}"
    from portal.residence.rules import statutory_deadline

    deadline = page.locator("#deadline").inner_text()
    days = (statutory_deadline(today) - today).days
    assert f"{days} days left" in deadline, deadline
    expected_deadline = deadline.split(" – ")[0].removeprefix("Statutory decision deadline").strip()
    employer.check_page("application submitted")

    # --- the acknowledgement in the inbox -----------------------------------------------
    employer.activate(page.get_by_role("navigation", name="Main").get_by_role("link", name="Inbox"))
    employer.check_page("inbox")
    row = page.locator("tr", has_text="Zoë O'Connor")
    employer.activate(
        row.get_by_role(
            "link",
            name="Acknowledgement of receipt: residence application "
            "(highly skilled migrant, residence)",
        )
    )
    assert reference in page.locator("main").inner_text()
    text = page.locator("#letter-text").inner_text()
    assert "Zoë O'Connor" in text and reference in text and expected_deadline in text
    employer.check_page("acknowledgement letter")

    assert_clean(tmp_path, employer)


# --- a university registers students in bulk ------------------------------------------------


def _students_csv(path, template: str, rows: list[dict]) -> str:
    """The students as Dutch Excel saves 'CSV UTF-8': semicolons, dd-mm-yyyy, a BOM."""
    import csv

    header = next(csv.reader(io.StringIO(template.lstrip("\ufeff"))))
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([row.get(column, "") for column in header])
    path.write_bytes(b"\xef\xbb\xbf" + buffer.getvalue().encode("utf-8"))
    return str(path)


def test_university_registers_students_in_bulk(browser_context, live_server, tmp_path):
    """The demo university, in Dutch: downloads the template, uploads 4 students with one
    impossible date of birth, reads the problem by row and column, uploads the corrected file,
    confirms, and finds the students in the people register."""
    import csv

    _tools()
    page = browser_context.new_page()
    university = Keyboard(page)
    sponsor_sign_in(university, live_server, "university@demo.example", lang="nl")
    university.activate(
        page.get_by_role("navigation", name="Hoofdmenu").get_by_role(
            "link", name="Studenten registreren"
        )
    )
    university.check_page("register students")

    # The template downloads, with the columns and one example row.
    link = page.get_by_role("link", name="Download het sjabloon (CSV, met één voorbeeldrij)")
    university.tab_to(link)
    with page.expect_download() as info:
        page.keyboard.press("Enter")
    assert info.value.suggested_filename == "students-template.csv"
    template = info.value.path().read_text(encoding="utf-8")
    header, example = list(csv.reader(io.StringIO(template.lstrip("\ufeff"))))
    assert {"surname", "date_of_birth", "passport_number", "programme"} <= set(header)
    example = dict(zip(header, example, strict=True))
    assert re.fullmatch(r"\d{2}-\d{2}-\d{4}", example["date_of_birth"])  # dd-mm-yyyy

    students = [
        {**example, "surname": "Nguyễn", "given_names": "Thị Mai", "passport_number": "C7301001"},
        {
            **example,
            "surname": "D'Souza",
            "given_names": "Ananya",
            "nationality": "IN",
            "country_of_birth": "IN",
            "place_of_birth": "Mumbai",
            "embassy_country": "IN",
            "embassy_city": "New Delhi",
            "passport_number": "N7301002",
            "email": "ananya@example.com",
        },
        {
            **example,
            "surname": "Kowalczyk-Øberg",
            "given_names": "Jan",
            "nationality": "UA",
            "country_of_birth": "UA",
            "place_of_birth": "Lviv",
            "embassy_country": "PL",
            "embassy_city": "Warsaw",
            "passport_number": "FX730103",
            "email": "jan@example.com",
        },
        {
            **example,
            "surname": "Osei",
            "given_names": "Kwame",
            "nationality": "GH",
            "country_of_birth": "GH",
            "place_of_birth": "Accra",
            "embassy_country": "GH",
            "embassy_city": "Accra",
            "passport_number": "G7301004",
            "email": "kwame@example.com",
            "date_of_birth": "31-02-2006",
        },
    ]
    university.choose_file(
        "Het bestand met uw studenten (Excel .xlsx of CSV)",
        _students_csv(tmp_path / "studenten.csv", template, students),
    )
    university.activate(page.get_by_role("button", name="Uploaden en controleren"))
    page.wait_for_selector("#counts", timeout=30_000)  # a queue may check it in the background
    assert page.locator("#valid-count").inner_text() == "3"
    assert page.locator("#error-count").inner_text() == "1"
    problems = page.get_by_role("table", name="Problemen per rij")
    cells = problems.locator("tbody tr").first.locator("td").all_inner_texts()
    # The row (the header is row 1), the student, the column, the value, the problem.
    assert cells[:4] == ["5", "Kwame Osei", "date_of_birth", "31-02-2006"], cells
    assert "Vul een bestaande datum in" in cells[4], cells
    assert page.locator("#confirm").count() == 0  # nothing to confirm while a row is wrong
    university.check_page("preview with a problem")

    # The corrected file.
    students[3]["date_of_birth"] = "28-02-2006"
    university.activate(page.get_by_role("link", name="Upload een verbeterd bestand"))
    university.choose_file(
        "Het bestand met uw studenten (Excel .xlsx of CSV)",
        _students_csv(tmp_path / "studenten-verbeterd.csv", template, students),
    )
    university.activate(page.get_by_role("button", name="Uploaden en controleren"))
    page.wait_for_selector("#counts", timeout=30_000)
    assert page.locator("#valid-count").inner_text() == "4"
    assert page.locator("#error-count").inner_text() == "0"
    valid = page.get_by_role("table", name="Rijen zonder problemen").inner_text()
    assert "Thị Mai Nguyễn" in valid and "Kwame Osei" in valid
    university.check_page("preview without problems")
    university.activate(page.get_by_role("button", name="4 studenten registreren"))
    page.wait_for_selector("#imported", timeout=30_000)
    assert "4" in page.locator("#imported").inner_text()
    university.check_page("students registered")

    # The students in the people register.
    university.activate(page.get_by_role("link", name="Naar het personenregister"))
    register = page.locator("#people").inner_text()
    for name in ("Nguyễn, Thị Mai", "D'Souza, Ananya", "Kowalczyk-Øberg, Jan", "Osei, Kwame"):
        assert name in register, register
    university.check_page("people register")
    university.fill("Zoeken", "D'Souza")
    university.submit_with_enter()
    assert page.locator("#people tbody tr").count() == 1
    university.activate(page.get_by_role("link", name="D'Souza, Ananya"))
    assert page.get_by_role("heading", level=1).inner_text() == "Ananya D'Souza"
    university.check_page("student in the register")

    assert_clean(tmp_path, university)


# --- a sponsor answers a request for information --------------------------------------------


def _demo_residence_case(live_server) -> str:
    """The reference of the demo employer's submitted residence case (portal/demo.py)."""
    from sqlalchemy import create_engine, select

    from portal.models import Application, ApplicationKind, Organisation

    engine = create_engine(live_server.database_url)
    try:
        with engine.connect() as connection:
            reference = connection.scalar(
                select(Application.reference)
                .join(Organisation, Organisation.id == Application.organisation_id)
                .where(
                    Organisation.legal_name == "Brightwave Technologies B.V.",
                    Application.kind == ApplicationKind.HSM_RESIDENCE,
                )
                .order_by(Application.id)
                .limit(1)
            )
    finally:
        engine.dispose()
    require(reference is not None, "the demo residence case is a draft (no thresholds this year)")
    return reference


def test_sponsor_answers_a_request_for_information(
    browser_context, second_context, live_server, tmp_path
):
    """A reviewer asks for information on the demo employer's submitted residence case; the
    employer opens the letter in the inbox and answers it by keyboard with a message and a
    document; the reviewer reads the reply in the back office."""
    _tools()
    reference = _demo_residence_case(live_server)

    # --- the reviewer asks, in Dutch ------------------------------------------------------
    staff_page = second_context.new_page()
    reviewer = Keyboard(staff_page)
    staff_sign_in(reviewer, live_server, "reviewer@demo.example")
    reviewer.activate(staff_page.get_by_role("link", name=reference))
    reviewer.check_page("case")
    reviewer.fill("Wat de referent moet sturen", "Stuur de ondertekende arbeidsovereenkomst.")
    proposed = staff_page.get_by_role("group", name="Reageren vóór", exact=True)
    respond_by = date(
        *(
            int(proposed.get_by_label(part, exact=True).input_value())
            for part in ("Jaar", "Maand", "Dag")
        )
    )
    reviewer.activate(
        staff_page.get_by_role("button", name="Verzoek versturen en termijn opschorten")
    )
    assert "termijn" in staff_page.get_by_role("status").inner_text()
    assert "Wacht op antwoord" in staff_page.locator("main").inner_text()
    reviewer.check_page("case with the clock stopped")

    # --- the employer answers from the letter, in English -----------------------------------
    page = browser_context.new_page()
    employer = Keyboard(page)
    sponsor_sign_in(employer, live_server, "employer@demo.example")
    employer.activate(page.get_by_role("navigation", name="Main").get_by_role("link", name="Inbox"))
    subject = f"Request for information about your application {reference}"
    row = page.locator("tr", has=page.get_by_role("link", name=subject))
    assert "Needs action" in row.inner_text()
    assert "Priya Raghunathan" in row.inner_text()  # the person the case is about
    employer.check_page("inbox with a request")
    # The to-do list has the same request to answer, and leads to the letter.
    nav = page.get_by_role("navigation", name="Main")
    employer.activate(nav.get_by_role("link", name="To do"))
    item = page.locator("#todo-list li", has=page.get_by_role("link", name=f"Answer: {subject}"))
    assert respond_by.strftime("%-d %B %Y") in item.inner_text()
    employer.check_page("to-do list with a request")
    employer.activate(item.get_by_role("link", name=f"Answer: {subject}"))
    assert "Stuur de ondertekende arbeidsovereenkomst." in page.locator("#letter-text").inner_text()
    assert respond_by.strftime("%-d %B %Y") in page.locator("main").inner_text()
    employer.check_page("request letter")
    employer.fill("Your message", "Here is the contract, signed by both parties.")
    employer.choose_file(
        "Documents (PDF, JPEG or PNG, at most 10 MB each)",
        small_pdf(tmp_path / "signed contract.pdf"),
    )
    employer.activate(page.get_by_role("button", name="Send the answer"))
    assert (
        f"Your reply has been added to case {reference}."
        in page.get_by_role("status").first.inner_text()
    )
    assert "signed contract.pdf" in page.locator("#replies").inner_text()
    assert page.locator("#reply-answered").is_visible()  # no second answer to the same request
    assert "Answered on" in page.locator("#letter-action").inner_text()
    # What happens next: the case's own steps; the request is no longer on the to-do list.
    assert "The IND reviews the application." in page.locator("#what-happens-next").inner_text()
    still = page.locator("#still-to-do").inner_text()
    assert f"Answer: {subject}" not in still
    employer.check_page("request letter answered")
    employer.activate(nav.get_by_role("link", name="To do"))
    assert page.get_by_role("link", name=f"Answer: {subject}").count() == 0
    employer.check_page("to-do list after the answer")

    # --- the inbox no longer asks for action; the document is in the case's list -------------
    employer.activate(page.get_by_role("navigation", name="Main").get_by_role("link", name="Inbox"))
    row = page.locator("tr", has=page.get_by_role("link", name=subject))
    assert "Needs action" not in row.inner_text() and "Answered on" in row.inner_text()
    # The filters wait behind "Filter letters" (issue 19): Tab to it and open it with Enter.
    employer.tab_to(page.locator("#letter-filters > summary"))
    page.keyboard.press("Enter")
    employer.tick("Only letters that need action (not answered, respond-by date not passed)")
    employer.activate(page.get_by_role("button", name="Show letters"))
    assert page.get_by_role("link", name=subject).count() == 0
    page.goto(f"{live_server.url}/dashboard")
    employer.activate(page.get_by_role("link", name=reference, exact=True))
    documents = page.locator("#documents").inner_text()
    assert "signed contract.pdf" in documents and "Reply by" in documents
    timeline = page.locator("#timeline li").last.inner_text()
    assert timeline.startswith("Reply sent") and "by the IND" not in timeline
    employer.check_page("case after the reply")

    # --- the reviewer reads the reply -------------------------------------------------------
    staff_page.reload()
    assert "Wacht op antwoord" not in staff_page.locator("main").inner_text()
    assert "Antwoord ontvangen op" in staff_page.locator("#reply-received").inner_text()
    assert "signed contract.pdf" in staff_page.locator("#documents").inner_text()
    staff_page.goto(f"{live_server.url}/backoffice/?reply=received")
    queued = staff_page.locator("tr", has=staff_page.get_by_role("link", name=reference))
    assert "Antwoord ontvangen op" in queued.inner_text()
    reviewer.check_page("queue with a reply received")
    reviewer.activate(staff_page.get_by_role("link", name=reference))
    reviewer.activate(
        staff_page.get_by_role("link", name="De antwoorden van de referent en hun documenten")
    )
    replies = staff_page.locator("#replies").inner_text()
    assert "Here is the contract, signed by both parties." in replies
    assert "signed contract.pdf" in replies
    reviewer.check_page("replies")

    assert_clean(tmp_path, employer, reviewer)


# --- an intermediary answers a request on a case within its mandate -------------------------


def _amsterdam_today() -> date:
    from datetime import datetime
    from zoneinfo import ZoneInfo

    return datetime.now(ZoneInfo("Europe/Amsterdam")).date()


def test_intermediary_answers_a_request_on_a_mandated_case(
    browser_context, second_context, live_server, tmp_path
):
    """The demo employer gives the demo intermediary a mandate for labour (from the
    organisation page); a reviewer asks for information on the employer's residence case; the
    intermediary switches to act for the employer, finds the request in the inbox (filtered to
    its mandate) and answers it; the reviewer sees the reply."""
    _tools()
    reference = _demo_residence_case(live_server)

    # --- the employer gives the mandate -------------------------------------------------------
    page = browser_context.new_page()
    employer = Keyboard(page)
    sponsor_sign_in(employer, live_server, "employer@demo.example")
    employer.activate(
        page.get_by_role("navigation", name="Main").get_by_role(
            "link", name="Organisation", exact=True
        )
    )
    employer.activate(
        page.get_by_role("link", name="Mandates: intermediaries acting for your organisation")
    )
    employer.check_page("mandates")
    employer.fill("KvK number of the intermediary", "55512345")
    employer.tick("Labour")
    employer.activate(page.get_by_role("button", name="Give the mandate"))
    given = page.locator("#given").inner_text()
    assert "Dutch Relocation Partners B.V." in given and "Active" in given, given
    employer.check_page("mandate given")

    # --- the reviewer asks, in Dutch ------------------------------------------------------
    staff_page = second_context.new_page()
    reviewer = Keyboard(staff_page)
    staff_sign_in(reviewer, live_server, "reviewer@demo.example")
    reviewer.activate(staff_page.get_by_role("link", name=reference))
    reviewer.fill("Wat de referent moet sturen", "Stuur het salarisstrookje van november.")
    reviewer.activate(
        staff_page.get_by_role("button", name="Verzoek versturen en termijn opschorten")
    )
    assert "Wacht op antwoord" in staff_page.locator("main").inner_text()

    # --- the intermediary acts for the employer and answers -----------------------------------
    agent_context = browser_context.browser.new_context(base_url=live_server.url, bypass_csp=True)
    agent_context.set_default_timeout(10_000)
    try:
        agent_page = agent_context.new_page()
        agent = Keyboard(agent_page)
        sponsor_sign_in(agent, live_server, "intermediary@demo.example")
        agent.activate(agent_page.get_by_role("link", name="Switch organisation"))
        agent.check_page("client list")
        agent.choose("Act for", "Brightwave Technologies B.V.")
        agent.activate(agent_page.get_by_role("button", name="Switch"))
        assert (
            "via Dutch Relocation Partners B.V." in agent_page.locator("#acting-for").inner_text()
        )
        agent.activate(
            agent_page.get_by_role("navigation", name="Main").get_by_role("link", name="Inbox")
        )
        subject = f"Request for information about your application {reference}"
        # The newest request (another journey may have asked and answered one on this case).
        row = agent_page.locator(
            "tr", has=agent_page.get_by_role("link", name=subject), has_text="Needs action"
        ).first
        assert "Needs action" in row.inner_text()
        agent.check_page("inbox of the client")
        agent.activate(row.get_by_role("link", name=subject))
        letter = agent_page.locator("#letter-text").inner_text()
        assert "Stuur het salarisstrookje van november." in letter
        agent.check_page("request letter, for the intermediary")
        agent.fill("Your message", "The November payslip is attached.")
        agent.choose_file(
            "Documents (PDF, JPEG or PNG, at most 10 MB each)",
            small_pdf(tmp_path / "payslip november.pdf"),
        )
        agent.activate(agent_page.get_by_role("button", name="Send the answer"))
        assert (
            f"Your reply has been added to case {reference}."
            in agent_page.get_by_role("status").first.inner_text()
        )
        assert "payslip november.pdf" in agent_page.locator("#replies").inner_text()
        agent.check_page("request answered by the intermediary")
    finally:
        agent_context.close()

    # --- the reviewer sees the reply ----------------------------------------------------------
    staff_page.reload()
    assert "Wacht op antwoord" not in staff_page.locator("main").inner_text()
    assert "payslip november.pdf" in staff_page.locator("#documents").inner_text()

    assert_clean(tmp_path, employer, reviewer, agent)


# --- a university imports students and submits all their applications at once ---------------


def test_university_imports_students_and_submits_all_at_once(
    browser_context, live_server, tmp_path
):
    """The demo university registers two students from a CSV file, follows the import result to
    the drafts it made (each naming its student), checks all of them — the documents are
    missing, listed per student, nothing submitted — adds the documents, and submits both with
    one declaration."""
    import csv

    from portal.bulk.student_rows import COLUMNS, example_row

    _tools()
    base = example_row(_amsterdam_today())
    students = [
        {
            **base,
            "surname": "Haddad",
            "given_names": "Leila",
            "passport_number": "LH7401001",
            "email": "leila@example.com",
        },
        {
            **base,
            "surname": "Mensah",
            "given_names": "Kofi",
            "nationality": "GH",
            "country_of_birth": "GH",
            "place_of_birth": "Kumasi",
            "embassy_country": "GH",
            "embassy_city": "Accra",
            "passport_number": "G7401002",
            "email": "kofi@example.com",
        },
    ]
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for row in students:
        writer.writerow([row[column] for column in COLUMNS])
    path = tmp_path / "students.csv"
    path.write_bytes(b"\xef\xbb\xbf" + buffer.getvalue().encode("utf-8"))

    page = browser_context.new_page()
    university = Keyboard(page)
    sponsor_sign_in(university, live_server, "university@demo.example")
    university.activate(
        page.get_by_role("navigation", name="Main").get_by_role("link", name="Register students")
    )
    university.choose_file("The file with your students (Excel .xlsx or CSV)", str(path))
    university.activate(page.get_by_role("button", name="Upload and check"))
    page.wait_for_selector("#counts", timeout=30_000)
    assert page.locator("#valid-count").inner_text() == "2"
    university.activate(page.get_by_role("button", name="Register 2 students"))
    page.wait_for_selector("#imported", timeout=30_000)
    university.check_page("students registered")

    # The import result leads to its drafts, one row per student.
    university.activate(
        page.get_by_role(
            "link", name="See the draft applications this import made, and submit them"
        )
    )
    drafts_url = page.url
    names = page.locator("#applications td.person-name").all_inner_texts()
    assert sorted(names) == ["Kofi Mensah", "Leila Haddad"], names
    university.check_page("drafts of the import")
    university.activate(
        page.get_by_role("button", name="Check all drafts of this import and submit")
    )
    assert "2 applications cannot be submitted" in page.locator("#blocked").inner_text()
    verdicts = page.locator("#verdicts").inner_text()
    assert verdicts.count("Document missing: Copy of the passport") == 2, verdicts
    assert page.locator("#submit-all").count() == 0
    university.check_page("bulk preview with problems")

    # The documents, per student, from the student's row in the list of drafts.
    for name in ("Leila Haddad", "Kofi Mensah"):
        page.goto(drafts_url)
        row = page.locator("#applications tr", has_text=name)
        university.activate(row.get_by_role("link", name="Draft – continue"))
        tasks_url = page.url
        for purpose in ("Copy of the passport", "Proof of admission to the study programme"):
            page.goto(f"{tasks_url}/sections/documents")
            university.choose("Which document is this?", purpose)
            university.choose_file("The file", small_pdf(tmp_path / f"{name} {purpose}.pdf"))
            university.activate(page.get_by_role("button", name="Upload"))
        university.check_page(f"documents of {name}")
    page.goto(drafts_url)
    university.activate(
        page.get_by_role("button", name="Check all drafts of this import and submit")
    )
    assert page.locator("#all-ready").is_visible()
    university.check_page("bulk preview, all ready")
    university.tick("I declare that the information in each of these applications is correct")
    university.activate(page.get_by_role("button", name="Submit 2 applications"))
    assert "2 applications submitted" in page.locator("#submitted").inner_text()
    results = page.locator("#results").inner_text()
    assert "Leila Haddad" in results and "Kofi Mensah" in results
    assert len(re.findall(r"[A-Z]{2,3}-\d{4}-\d{6}-[A-Z]", results)) == 2, results
    university.check_page("applications submitted")

    assert_clean(tmp_path, university)
