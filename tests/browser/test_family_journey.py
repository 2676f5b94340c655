"""Family members in a real browser (issue 22 item 4): on a sponsored specialist's page the
demo employer files applications for the partner and two children — the partner's completed
and submitted (a missing apostille first, then the fix), the children's started — and the
specialist's page lists all three. Keyboard only; every page through axe and the HTML checker."""

import re
from datetime import date

from tests.browser.test_journeys import (
    Keyboard,
    _demo_residence_case,
    _tools,
    assert_clean,
    small_pdf,
    sponsor_sign_in,
)

PROOF = "Marriage or partnership certificate, or proof of the relationship (unmarried partners)"
FAMILY = (("Arjun", date(1989, 8, 3)), ("Meera", date(2016, 2, 14)), ("Kavi", date(2019, 10, 1)))


def _specialist_with_family(live_server, reference: str) -> int:
    """The demo's submitted case about a specialist of the register, and the family in the
    register (entered once, as the register's form would): the specialist's person id."""
    from sqlalchemy import create_engine, select
    from sqlalchemy.orm import Session

    from portal.models import Application, Category, Person, Sex

    engine = create_engine(live_server.database_url)
    try:
        with Session(engine) as session:
            case = session.scalar(select(Application).where(Application.reference == reference))
            people = []
            for given, born in (("Priya", date(1991, 5, 12)), *FAMILY):
                person = Person(
                    organisation_id=case.organisation_id,
                    given_names=given,
                    surname="Raghunathan",
                    date_of_birth=born,
                    place_of_birth="Chennai",
                    country_of_birth="IN",
                    nationality="IN",
                    sex=Sex.UNSPECIFIED,
                    category=Category.LABOUR,
                    passport_number=f"Z{born:%Y%m%d}",
                    passport_issued_on=date(2023, 1, 10),
                    passport_expires_on=date(2033, 1, 9),
                )
                person.refresh_keys()
                session.add(person)
                people.append(person)
            session.flush()
            case.person_id = people[0].id
            session.commit()
            return people[0].id
    finally:
        engine.dispose()


def test_employer_files_the_partner_and_two_children_from_the_specialists_page(
    browser_context, live_server, tmp_path
):
    _tools()
    reference = _demo_residence_case(live_server)
    specialist = _specialist_with_family(live_server, reference)
    page = browser_context.new_page()
    employer = Keyboard(page)
    sponsor_sign_in(employer, live_server, "employer@demo.example")
    page.goto(f"/people/{specialist}")
    employer.check_page("the specialist's page")
    file_link = "File an application for a family member – Priya Raghunathan"

    def file_for(kind: str, given: str, born: date) -> None:
        employer.activate(page.get_by_role("link", name=file_link))
        employer.choose("Who is the family member?", kind)
        employer.select(
            "The family member, from the people register", f"{given} Raghunathan ({born:%d-%m-%Y})"
        )
        employer.activate(page.get_by_role("button", name="Continue"))
        assert page.get_by_role("heading", level=1).inner_text() == kind

    # --- the partner: filed, filled in, a missing apostille named, fixed, submitted --------
    file_for("Family member: partner", *FAMILY[0])
    employer.check_page("the partner's task list")
    employer.activate(page.get_by_role("link", name="The person"))
    assert page.get_by_label("Given names", exact=True).input_value() == "Arjun"
    employer.choose("Civil status", "Married")
    employer.choose("Procedure", "Residence only: the person does not need an mvv")
    employer.activate(page.get_by_role("button", name="Save and continue"))
    assert page.get_by_role("heading", level=1).inner_text() == "The relationship"
    employer.choose("Relationship with the main applicant", "Married")
    employer.fill_date(
        "Date of the marriage or registration, or since when the partners live together",
        date(2015, 6, 20),
    )
    question = "Does the marriage or partnership certificate have an apostille or is it legalised?"
    employer.choose(question, "No, not yet")
    employer.activate(page.get_by_role("button", name="Save and continue"))
    assert "no apostille" in page.get_by_role("alert").inner_text()
    employer.check_page("the relationship: no apostille")
    # Tab lands on the checked radio of the group; the arrow keys move the choice up.
    group = page.get_by_role("group", name=question)
    employer.tab_to(group.get_by_role("radio", name="No, not yet"))
    for _ in range(3):
        page.keyboard.press("ArrowUp")
    assert group.get_by_role("radio", name="Yes, with an apostille").is_checked()
    employer.activate(page.get_by_role("button", name="Save and continue"))
    assert page.get_by_role("heading", level=1).inner_text() == "Means"
    employer.activate(page.get_by_role("button", name="Save and continue"))
    employer.activate(page.get_by_role("link", name="Documents"))
    for label, filename in (
        ("Copy of the passport", "passport.pdf"),
        (PROOF, "marriage.pdf"),
    ):
        employer.choose("Which document is this?", label)
        employer.choose_file("The file", small_pdf(tmp_path / filename))
        employer.activate(page.get_by_role("button", name="Upload"))
    employer.activate(page.get_by_role("link", name="Back to the application"))
    employer.activate(page.get_by_role("link", name="Check your answers and submit"))
    employer.check_page("the partner's check page")
    family = page.locator("#family-main").inner_text()
    assert reference in family and "Met through the main applicant's salary" in family
    employer.tick(
        "I declare that the information given is correct and complete, and that the person "
        "meets the conditions for this residence permit."
    )
    employer.activate(page.get_by_role("button", name="Submit application"))
    partner_reference = re.search(
        r"Your reference is (GZ-\S+)\.", page.get_by_role("status").inner_text()
    )[1]
    employer.check_page("the partner's application submitted")

    # --- the two children: filed from the same page ---------------------------------------
    for given, born in FAMILY[1:]:
        page.goto(f"/people/{specialist}")
        file_for("Family member: child", given, born)
    employer.check_page("a child's task list")

    page.goto(f"/people/{specialist}")
    listed = page.locator("#family-heading ~ section.family").first.inner_text()
    for given, _born in FAMILY:
        assert f"{given} Raghunathan" in listed
    assert partner_reference in listed
    employer.check_page("the specialist's page with the family")
    assert_clean(tmp_path, employer)
