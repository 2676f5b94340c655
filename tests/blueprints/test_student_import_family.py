"""Issue 22's last item through HTTP: the bulk student registration accepts the family members
of students (in the same file) and of students or researchers already in the register, named
in `family_of` by passport number with their `relationship`; they get a draft family member's
application filed with the main applicant's application, all or nothing."""

from datetime import date

import pytest

from portal import clock
from portal.bulk.student_rows import COLUMNS
from portal.extensions import db
from portal.models import (
    Application,
    ApplicationKind,
    ApplicationStatus,
    Category,
    FamilyLink,
    Person,
)
from tests.support.auth import sign_in
from tests.support.factories import ApplicationFactory, PersonFactory, recognise
from tests.support.pages import get_page
from tests.support.student_import import (
    TODAY,
    confirm,
    count,
    csv_bytes,
    family_member,
    problems,
    student,
    university,
    uploaded,
)


@pytest.fixture(autouse=True)
def fixed_day(client, monkeypatch):
    monkeypatch.setattr(clock, "today", lambda: TODAY)
    client.get("/language/en")


def family_of(person: Person) -> list[Application]:
    return db.session.scalars(
        db.select(Application)
        .join(FamilyLink, FamilyLink.application_id == Application.id)
        .join(Person, Person.id == Application.person_id)
        .where(
            FamilyLink.main_application_id.in_(
                db.select(Application.id).where(Application.person_id == person.id)
            )
        )
        .order_by(Person.given_names)
    ).all()


def test_students_with_a_partner_and_a_child_get_family_drafts_filed_with_the_main(client):
    user, org = university()
    sign_in(client, user)
    rows = [
        student(1),
        family_member(3, "NP000001", "partner", date(2003, 5, 1), given_names="Lan"),
        family_member(5, "np 000001", "child", date(2022, 1, 9), given_names="Minh"),
        student(2),  # the main applicant may come after their family
    ]
    url, page = uploaded(client, csv_bytes(rows))
    assert page.soup.find(id="problems") is None, page.text[:3000]
    assert page.soup.find(id="valid-count").get_text(strip=True) == "4"
    assert page.soup.find(id="family-count").get_text(strip=True) == "2"
    assert "In this file: 2 students and 2 family members." in page.text
    assert page.soup.find(id="confirm").get_text(strip=True) == (
        "Register 2 students and 2 family members"
    )
    assert confirm(client, url).status_code == 302
    done = get_page(client, url)
    assert "2 family members registered" in done.soup.find(id="imported-family").text

    main_person = db.session.scalar(db.select(Person).where(Person.passport_number == "NP000001"))
    main = db.session.scalar(
        db.select(Application).where(
            Application.person_id == main_person.id, Application.kind == ApplicationKind.STUDENT
        )
    )
    family = family_of(main_person)
    assert [(a.kind, a.person.given_names) for a in family] == [
        (ApplicationKind.FAMILY_PARTNER, "Lan"),
        (ApplicationKind.FAMILY_CHILD, "Minh"),
    ]
    assert all(a.status == ApplicationStatus.DRAFT for a in family)
    assert all(a.category == Category.STUDY for a in family)
    links = db.session.scalars(db.select(FamilyLink)).all()
    assert {link.main_application_id for link in links} == {main.id}
    child = family[1]
    assert child.answers["person"]["date_of_birth"] == "09-01-2022"
    assert child.person.category == Category.STUDY
    assert count(Application, kind=ApplicationKind.STUDENT) == 2  # none for the family

    page = get_page(client, f"/people/{main_person.id}")
    listed = page.soup.select_one(f"#family-{main.id}").text
    assert "Lan" in listed and "Minh" in listed
    assert "Family member: partner" in listed and "Family member: child" in listed


def test_a_family_member_of_an_unknown_passport_is_a_problem_and_nothing_is_stored(client):
    user, org = university()
    sign_in(client, user)
    rows = [student(1), family_member(2, "ZZ999999", "partner", date(2000, 1, 1))]
    _url, page = uploaded(client, csv_bytes(rows))
    assert problems(page) == {
        (
            "3",
            "family_of",
            "No student in this file and no student or researcher in your register has "
            "passport number ZZ999999",
        )
    }
    assert page.soup.find(id="confirm") is None
    assert count(Person, organisation_id=org.id) == 0
    assert count(Application, organisation_id=org.id) == 0


def test_a_child_of_18_and_a_family_member_of_a_family_member_are_problems(client):
    user, org = university()
    sign_in(client, user)
    rows = [
        student(1),
        family_member(2, "NP000001", "child", date(2008, 11, 29)),  # 18 today
        family_member(3, "NP000001", "partner", date(2000, 1, 1)),
        family_member(4, "NP000003", "child", date(2020, 1, 1)),  # the partner's row is no main
        family_member(5, "NP000001", "cousin", date(2020, 1, 1)),
    ]
    _url, page = uploaded(client, csv_bytes(rows))
    found = problems(page)
    assert {(line, column) for line, column, _m in found} == {
        ("3", "date_of_birth"),
        ("5", "family_of"),
        ("6", "relationship"),
    }
    messages = {line: message for line, _c, message in found}
    assert "The child turned 18 on 29 November 2026" in messages["3"]
    assert "NP000003 is a family member's in this file" in messages["5"]
    assert "Enter partner or child" in messages["6"]
    assert count(Person, organisation_id=org.id) == 0


def test_a_family_member_of_a_researcher_in_the_register(client):
    user, org = university()
    recognise(org, Category.RESEARCH)
    researcher = PersonFactory(organisation=org, category=Category.RESEARCH)
    main = ApplicationFactory(
        organisation=org,
        kind=ApplicationKind.RESEARCHER,
        category=Category.RESEARCH,
        person=researcher,
        created_by=user,
        submitted=True,
    )
    lone = PersonFactory(organisation=org, category=Category.RESEARCH)  # no application
    db.session.commit()
    sign_in(client, user)
    rows = [family_member(1, researcher.passport_number, "echtgenote", date(1991, 4, 2))]
    url, page = uploaded(client, csv_bytes(rows))
    assert page.soup.find(id="problems") is None, page.text[:3000]
    assert confirm(client, url).status_code == 302
    [partner] = family_of(researcher)
    assert partner.kind == ApplicationKind.FAMILY_PARTNER
    assert partner.category == Category.RESEARCH
    assert (
        db.session.scalar(
            db.select(FamilyLink.main_application_id).where(FamilyLink.application_id == partner.id)
        )
        == main.id
    )
    assert count(Application, kind=ApplicationKind.STUDENT) == 0

    # The same member again with that application, and someone without one: problems.
    rows = [
        family_member(1, researcher.passport_number, "partner", date(1991, 4, 2)),
        family_member(2, lone.passport_number, "partner", date(1991, 4, 2)),
    ]
    _url, page = uploaded(client, csv_bytes(rows))
    messages = {line: message for line, column, message in problems(page)}
    assert "already has an application filed with the application" in messages["2"]
    assert "has no student or researcher application with your organisation" in messages["3"]


def test_dutch_headers_and_values(client):
    user, org = university()
    sign_in(client, user)
    client.get("/language/nl")
    dutch = {"family_of": "Gezinslid van", "relationship": "Relatie"}
    columns = [dutch.get(c, c) for c in COLUMNS]
    rows = [
        student(1),
        family_member(2, "NP000001", "Kind", date(2019, 6, 30)),
        family_member(3, "NP000001", "gehuwd", date(2000, 2, 3)),
    ]
    data = csv_bytes(
        [{dutch.get(k, k): v for k, v in row.items()} for row in rows], columns=columns
    )
    url, page = uploaded(client, data)
    assert page.soup.find(id="problems") is None, page.text[:3000]
    assert "In dit bestand: 1 student en 2 gezinsleden." in page.text
    table = page.soup.select_one("#valid-rows").get_text(" ", strip=True)
    assert "NP000001 (Gezinslid: kind)" in table  # the type's name, not the file's word
    assert "NP000001 (Gezinslid: partner)" in table
    assert confirm(client, url).status_code == 302
    main_person = db.session.scalar(db.select(Person).where(Person.passport_number == "NP000001"))
    kinds = {a.kind for a in family_of(main_person)}
    assert kinds == {ApplicationKind.FAMILY_CHILD, ApplicationKind.FAMILY_PARTNER}
    partner = next(a for a in family_of(main_person) if a.kind == ApplicationKind.FAMILY_PARTNER)
    assert partner.answers["relationship"] == {"relationship": "married"}

    # A family member of an unknown passport: the problem in Dutch.
    rows = [family_member(1, "ZZ999999", "partner", date(2000, 1, 1))]
    _url, page = uploaded(client, csv_bytes(rows))
    [(line, column, message)] = problems(page)
    assert (line, column) == ("2", "family_of")
    assert "ZZ999999" in message and "paspoortnummer" in message


def test_the_upload_page_and_template_mention_the_family_columns(client):
    user, _org = university()
    sign_in(client, user)
    page = get_page(client, "/students/import/")
    columns = page.soup.find(id="columns").text
    assert "family_of" in columns and "relationship" in columns
    assert "the partner or a child" in page.soup.find(id="family-help").text
    header = client.get("/students/import/template.csv").get_data(as_text=True).splitlines()[0]
    assert "email,family_of,relationship,programme" in header
    client.get("/language/nl")
    page = get_page(client, "/students/import/")
    assert "gezinslid" in page.soup.find(id="family-help").text.lower()


def test_an_intermediary_with_a_study_mandate_cannot_reach_a_researchers_case(client):
    """A family member filed through a bulk import stays within the uploader's mandate: an
    intermediary acting for the university under a study-only mandate cannot file one with a
    researcher's application (as if no such application existed), but can with a student's."""
    from portal.models import OrgRole
    from tests.support.auth import act_under_mandate
    from tests.support.factories import MandateFactory, MembershipFactory

    _user, org = university()
    recognise(org, Category.RESEARCH)
    researcher = PersonFactory(organisation=org, category=Category.RESEARCH)
    ApplicationFactory(
        organisation=org,
        kind=ApplicationKind.RESEARCHER,
        category=Category.RESEARCH,
        person=researcher,
        submitted=True,
    )
    mandate = MandateFactory(sponsor=org, categories=[Category.STUDY.value])
    agent = MembershipFactory(organisation=mandate.intermediary, role=OrgRole.ADMINISTRATOR).user
    db.session.commit()
    sign_in(client, agent)
    act_under_mandate(client, mandate)
    rows = [
        student(1),
        family_member(2, researcher.passport_number, "partner", date(1991, 4, 2)),
        family_member(3, "NP000001", "partner", date(1992, 5, 3)),
    ]
    _url, page = uploaded(client, csv_bytes(rows))
    messages = {line: message for line, _column, message in problems(page)}
    assert set(messages) == {"3"}, messages
    assert "has no student or researcher application with your organisation" in messages["3"]
    assert family_of(researcher) == []
