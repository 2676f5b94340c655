"""Issue 22's journey in a real browser, on the live server's demo data, by keyboard:

1. The demo employer adds a person and files an intra-corporate transfer (ICT) for a
   specialist: a group company inside the EU is refused with its reason and corrected, the
   documents are uploaded, the application is submitted.
2. A reviewer opens the demo employer's single-permit (GVVA) case (tests/browser/
   work_permit_data.py), records the request for UWV's advice, records the advice, claims the
   case, answers the checklist and grants it; the decision letter states the advice.

Every page on the way passes axe-core and the Nu HTML Checker.
"""

import re
from datetime import date, timedelta

from tests.browser.conftest import DEMO_PASSWORD
from tests.browser.test_journeys import (
    Keyboard,
    _tools,
    assert_clean,
    small_pdf,
    sponsor_sign_in,
)
from tests.browser.work_permit_data import GVVA_SURNAME


def staff_sign_in_en(person: Keyboard, live_server, email: str) -> None:
    page = person.page
    page.goto("/language/en?next=/backoffice/sign-in")
    person.fill("E-mail address", email)
    person.fill("Password", DEMO_PASSWORD)
    person.submit_with_enter()
    person.fill("Code from your authenticator app", live_server.totp_code(email))
    person.submit_with_enter()
    assert "/backoffice" in page.url and "sign-in" not in page.url, page.url


def _gvva_reference(live_server) -> str:
    from sqlalchemy import create_engine, text

    engine = create_engine(live_server.database_url)
    try:
        with engine.connect() as connection:
            return connection.scalar(text("SELECT reference FROM application WHERE kind = 'gvva'"))
    finally:
        engine.dispose()


def test_employer_files_an_ict_for_a_specialist(browser_context, live_server, tmp_path):
    _tools()
    from portal import clock

    today = clock.today()
    page = browser_context.new_page()
    employer = Keyboard(page)
    sponsor_sign_in(employer, live_server, "employer@demo.example")

    employer.activate(
        page.get_by_role("navigation", name="Main").get_by_role("link", name="People")
    )
    employer.activate(page.get_by_role("link", name="Add a person"))
    employer.fill("Given names", "Arjun")
    employer.fill("Surname", "Mehta")
    employer.fill_date("Date of birth", date(today.year - 35, 8, 3))
    employer.fill("Place of birth", "Pune")
    employer.select("Country of birth", "India")
    employer.select("Nationality", "India")
    employer.choose("Sex, as in the passport", "Male (M)")
    employer.choose("Sponsored under", "Labour")
    employer.fill("Passport number", "Z9876543")
    employer.fill_date("Passport date of issue", date(today.year - 2, 6, 1))
    employer.fill_date("Passport date of expiry", date(today.year + 8, 5, 31))
    employer.activate(page.get_by_role("button", name="Save"))
    assert page.get_by_role("heading", level=1).inner_text() == "Arjun Mehta"

    employer.activate(
        page.get_by_role("link", name="Start a residence application for Arjun Mehta")
    )
    employer.check_page("start an application: the types")
    assert "short-stay visa: that is not done in this portal" in page.locator("main").inner_text()
    employer.choose("Which application do you want to make?", "Intra-corporate transfer (ICT)")
    employer.activate(page.get_by_role("button", name="Continue"))
    employer.check_page("ICT task list")

    employer.activate(page.get_by_role("link", name="The person"))
    employer.choose("Civil status", "Married")
    employer.choose("Procedure", "Residence only: the person does not need an mvv")
    employer.activate(page.get_by_role("button", name="Save and continue"))

    # The transfer: from a group company in Germany first — refused with the reason.
    assert page.get_by_role("heading", level=1).inner_text() == "The transfer"
    employer.check_page("the transfer")
    start = today + timedelta(days=60)
    employer.choose("Role", "Specialist")
    employer.fill("Name of the group company the person is transferred from", "Brightwave GmbH")
    employer.select("Country where that group company is established", "Germany")
    employer.choose("How is that company related to your organisation?", "It is our subsidiary")
    employer.fill_date("In the group's employment since", date(today.year - 3, 1, 15))
    employer.fill("Job title", "Payments platform specialist")
    employer.fill_date("Start date of the transfer", start)
    employer.fill_date("End date of the transfer", start + timedelta(days=700))
    employer.fill("Hours per week", "40")
    employer.fill("Gross monthly salary in euros", "7.200,00")
    employer.activate(page.get_by_role("button", name="Save and continue"))
    assert page.title().startswith("Error:")
    summary = page.get_by_role("alert").inner_text()
    assert "only for a transfer from a group company outside the EU" in summary, summary
    assert (
        page.get_by_label("Job title", exact=True).input_value() == "Payments platform specialist"
    )
    employer.check_page("the transfer with a group company in the EU")
    country = page.get_by_label("Country where that group company is established", exact=True)
    country.select_option(label="India")
    employer.activate(page.get_by_role("button", name="Save and continue"))

    assert page.get_by_role("heading", level=1).inner_text() == "Work in other EU member states"
    employer.check_page("mobility")
    employer.choose(
        "Will the person also work in another EU member state?",
        "Short-term mobility: at most 90 days per 180 days, by notification",
    )
    employer.select("Member state", "Belgium")
    employer.fill("Number of days in that member state", "30")
    employer.activate(page.get_by_role("button", name="Save and continue"))
    assert page.get_by_role("heading", level=1).inner_text() == "Intra-corporate transfer (ICT)"

    employer.activate(page.get_by_role("link", name="Documents"))
    for label, filename in (
        ("Copy of the passport", "passport.pdf"),
        ("Employment contract", "contract.pdf"),
        ("Proof of the group relationship", "group.pdf"),
    ):
        employer.choose("Which document is this?", label)
        employer.choose_file("The file", small_pdf(tmp_path / filename))
        employer.activate(page.get_by_role("button", name="Upload"))
        assert f"{label} has been uploaded." in page.get_by_role("status").inner_text()
    employer.check_page("ICT documents")
    employer.activate(page.get_by_role("link", name="Back to the application"))

    employer.activate(page.get_by_role("link", name="Check your answers and submit"))
    employer.check_page("ICT check your answers")
    answers = page.locator("main").inner_text()
    assert "Specialist" in answers and "India" in answers and "Belgium" in answers
    assert "not verified" in answers  # the ICT salary threshold is unverified reference data
    employer.tick(
        "I declare that the information given is correct and complete, and that the person "
        "meets the conditions for this residence permit."
    )
    employer.activate(page.get_by_role("button", name="Submit application"))
    notice = page.get_by_role("status").inner_text()
    reference = re.search(r"Your reference is (\S+)\.", notice).group(1)
    assert reference.startswith(f"IC-{today.year}-")
    employer.check_page("ICT submitted")
    assert_clean(tmp_path, employer)


def test_reviewer_asks_uwv_records_the_advice_and_grants_a_gvva_case(
    browser_context, live_server, tmp_path
):
    _tools()
    from portal import clock

    today = clock.today()
    page = browser_context.new_page()
    reviewer = Keyboard(page)
    staff_sign_in_en(reviewer, live_server, "reviewer@demo.example")
    reference = _gvva_reference(live_server)
    page.goto("/backoffice/?kind=gvva")
    reviewer.check_page("queue of single permits")
    reviewer.activate(page.get_by_role("link", name=reference))
    assert GVVA_SURNAME in page.locator("#case-summary").inner_text()
    reviewer.check_page("GVVA case")
    assert "Not requested yet" in page.locator("#uwv-advice").inner_text()

    reviewer.fill("Note on the request (optional)", "Sent to UWV by the usual channel")
    reviewer.activate(page.get_by_role("button", name="Record the request for UWV's advice"))
    assert "has been recorded" in page.get_by_role("status").first.inner_text()
    assert "waiting for UWV" in page.locator("#uwv-advice").inner_text()
    reviewer.check_page("GVVA case, advice requested")

    reviewer.choose("UWV's advice", "Positive: UWV advises to allow the work")
    reviewer.fill_date("Date the advice was received", today)
    reviewer.fill("The advice in brief", "No priority labour supply available for this vacancy")
    reviewer.activate(page.get_by_role("button", name="Record UWV's advice"))
    assert "Positive" in page.locator("#uwv-advice").inner_text()
    reviewer.check_page("GVVA case, advice recorded")

    reviewer.activate(page.get_by_role("button", name="Claim this case"))
    for select in page.locator("select[name$='_outcome']").all():
        select.select_option("met")
    reviewer.activate(page.get_by_role("button", name="Save checklist"))
    reviewer.activate(page.get_by_role("link", name="Grant: see what will happen and confirm"))
    reviewer.check_page("GVVA grant confirmation")
    case_url = page.url.removesuffix("/grant")
    reviewer.activate(page.get_by_role("button", name="Grant and send the letter"))
    assert f"Decision recorded for {reference}" in page.get_by_role("status").first.inner_text()
    page.goto(case_url)
    assert "Granted" in page.locator("#case-summary").inner_text()
    assert "No priority labour supply" in page.locator("#uwv-advice").inner_text()
    reviewer.check_page("GVVA case granted")
    assert_clean(tmp_path, reviewer)
