"""One way to type a date (portal/forms.py DateInputField, components/forms.html date_input):
three boxes, one legend, one message per way of getting it wrong (portal/dates.py), what was
typed kept, the error summary leading to the first wrong box. Through the report-of-change form
and the person form, as a person types."""

import pytest

from portal import clock
from portal.extensions import db
from portal.models import Person, Report
from tests.support.auth import sign_in
from tests.support.duties import employer
from tests.support.factories import PersonFactory, member
from tests.support.pages import Page, get_page


@pytest.fixture(autouse=True)
def english(client):
    client.get("/language/en")


def _report(client, person, day, month, year):
    token = get_page(client, "/reports/new").csrf()
    data = {
        "csrf_token": token,
        "kind": "job_changed",
        "person": str(person.id),
        "event_date-day": day,
        "event_date-month": month,
        "event_date-year": year,
        "details": "New role: lead engineer",
    }
    return Page(client.post("/reports/new", data=data))


@pytest.mark.parametrize(
    ("day", "month", "year", "message", "first_wrong"),
    [
        ("", "3", "2026", "Enter the day", "day"),
        ("12", "", "2026", "Enter the month", "month"),
        ("12", "3", "", "Enter the year", "year"),
        ("12", "maart", "2026", "as numbers", "month"),
        ("31", "4", "2026", "Enter a real date", "day"),  # April has 30 days
        ("29", "2", "2026", "Enter a real date", "day"),  # not a leap year
        ("1", "13", "2026", "Enter a real date", "month"),
        ("12", "3", "26", "Enter the year in full", "year"),
        ("12", "3", "2299", "Enter a year from 1800 to 2199", "year"),
    ],
)
def test_each_wrong_date_is_told_once_kept_and_leads_to_its_box(
    client, day, month, year, message, first_wrong
):
    user, organisation = employer()
    person = PersonFactory(organisation=organisation)
    sign_in(client, user)
    page = _report(client, person, day, month, year)
    assert page.status == 400
    error = page.field_error("event_date")
    assert message in error and error.count("Error:") == 1
    # What was typed stays in its box.
    for part, typed in (("day", day), ("month", month), ("year", year)):
        assert (page.soup.find(id=f"event_date-{part}").get("value") or "") == typed
    # The summary's link focuses the first wrong box; that box (only the wrong ones) is marked.
    link = page.soup.select_one(".error-summary a")
    assert link["href"] == f"#event_date-{first_wrong}"
    assert page.soup.find(id=f"event_date-{first_wrong}").get("aria-invalid") == "true"
    assert db.session.scalar(db.select(db.func.count()).select_from(Report)) == 0


def test_the_date_is_a_group_of_three_numeric_boxes_and_a_right_date_is_filed(client):
    user, organisation = employer()
    person = PersonFactory(organisation=organisation)
    sign_in(client, user)
    form = get_page(client, "/reports/new")
    group = form.soup.find("fieldset", id="event_date")
    assert group["role"] == "group" and group.legend.get_text(strip=True) == "Date of the event"
    boxes = group.find_all("input")
    assert [b["name"] for b in boxes] == ["event_date-day", "event_date-month", "event_date-year"]
    assert {b["inputmode"] for b in boxes} == {"numeric"} and {b["type"] for b in boxes} == {"text"}
    assert [form.soup.find("label", attrs={"for": b["id"]}).get_text() for b in boxes] == [
        "Day",
        "Month",
        "Year",
    ]
    today = clock.today()
    response = _report(client, person, str(today.day), f"{today.month:02d}", str(today.year))
    assert response.status == 302
    assert db.session.scalar(db.select(Report)).event_date == today


def test_the_person_form_reads_its_dates_in_boxes_with_the_person_rules(client):
    sign_in(client, member())
    page = get_page(client, "/people/new")
    assert page.soup.find("fieldset", id="date_of_birth") is not None
    assert not page.soup.find("input", attrs={"type": "date"})
    data = {
        "csrf_token": page.csrf(),
        "given_names": "Ada",
        "surname": "Lovelace",
        "date_of_birth-day": "30",
        "date_of_birth-month": "2",
        "date_of_birth-year": "1990",
    }
    bad = Page(client.post("/people/new", data=data))
    assert bad.status == 400
    assert "Enter a real date" in bad.field_error("date_of_birth")
    assert bad.value("date_of_birth") == "30-2-1990"
    assert bad.value("surname") == "Lovelace"
    assert db.session.scalar(db.select(db.func.count()).select_from(Person)) == 0


def test_dutch_pages_say_it_in_dutch(client):
    client.get("/language/nl")
    user, organisation = employer()
    person = PersonFactory(organisation=organisation)
    sign_in(client, user)
    page = _report(client, person, "12", "", "2026")
    assert page.status == 400
    assert "Vul de maand in" in page.field_error("event_date")
    labels = [
        page.soup.find("label", attrs={"for": f"event_date-{p}"}).get_text()
        for p in ("day", "month", "year")
    ]
    assert labels == ["Dag", "Maand", "Jaar"]
