"""Issue 22, items 1-3, through HTTP: the intra-corporate transfer, the single permit (GVVA),
seasonal work and the change of purpose to highly skilled migrant — each rule at its boundary
(the application date is 29 November 2026), filing rights by recognition, and the pages."""

from datetime import date

import pytest

from portal import clock
from portal.models import Category
from tests.support.auth import sign_in
from tests.support.factories import member
from tests.support.pages import Page, get_page
from tests.support.residence import PERSON, recognise, save, start

TODAY = date(2026, 11, 29)

TRANSFER = {
    "role": "specialist",
    "group_company": "Brightwave India Pvt Ltd",
    "group_company_country": "IN",
    "group_relationship": "subsidiary",
    "employed_in_group_since": "01-03-2024",
    "job_title": "Platform specialist",
    "start_date": "01-03-2027",
    "end_date": "28-02-2030",
    "hours_per_week": "40",
    "monthly_salary": "5.942",
}
GVVA_JOB = {
    "job_title": "Welder",
    "start_date": "01-02-2027",
    "end_date": "31-01-2028",
    "hours_per_week": "40",
    "monthly_salary": "3.100",
}
LABOUR_MARKET = {
    "vacancy_reported_on": "25-10-2026",
    "vacancy_number": "",
    "recruitment_efforts": "Werk.nl and two job boards for eight weeks",
    "candidates": "3",
    "priority_considered": "yes",
}
SEASON = {
    "sector": "Fruit growing: harvesting apples",
    "job_title": "Harvester",
    "start_date": "01-04-2027",
    "end_date": "30-06-2027",
    "hours_per_week": "38",
    "monthly_salary": "2.300",
    "accommodation": "yes",
}
PREVIOUS = {
    "previous_purpose": "student",
    "current_permit_expires": "31-08-2027",
    "graduated_on": "30-11-2023",
}
JOB = {
    "job_title": "Junior analyst",
    "start_date": "01-01-2027",
    "end_date": "",
    "hours_per_week": "40",
    "monthly_salary": "3.122",
}


@pytest.fixture(autouse=True)
def english(client, monkeypatch):
    client.get("/language/en")
    monkeypatch.setattr(clock, "today", lambda: TODAY)


@pytest.fixture
def sponsor(client):
    user = member()
    recognise(user)
    sign_in(client, user)
    return user


def draft(client, kind: str, procedure: str | None = "residence") -> str:
    tasks_url = start(client, kind)
    person = {**PERSON, "procedure": procedure} if procedure else PERSON
    assert save(client, tasks_url, "person", person).status_code == 302
    return tasks_url


def saved(client, tasks_url, key, data) -> Page:
    return Page(save(client, tasks_url, key, data))


# --- filing rights and the pages ---------------------------------------------------------------


def test_the_work_permits_follow_the_labour_recognition(client):
    user = member()
    recognise(user, Category.STUDY)
    sign_in(client, user)
    page = get_page(client, "/applications/residence/new")
    for title in ("Intra-corporate transfer (ICT)", "Single permit for paid employment (GVVA)"):
        assert title in page.text
    token = page.csrf()
    refused = client.post("/applications/residence/new", data={"csrf_token": token, "kind": "ict"})
    assert refused.status_code == 400


def test_the_new_page_says_short_seasonal_stays_are_not_applied_for_here(client, sponsor):
    text = get_page(client, "/applications/residence/new").text
    assert "Seasonal work, more than 90 days" in text
    assert "short-stay visa: that is not done in this portal" in text


# --- intra-corporate transfer ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("country", "status"), [("IN", 302), ("US", 302), ("DE", 400), ("NL", 400)]
)
def test_the_group_company_must_be_outside_the_eu(client, sponsor, country, status):
    tasks_url = draft(client, "ict")
    page = saved(client, tasks_url, "transfer", {**TRANSFER, "group_company_country": country})
    assert page.status == status
    if status == 400:
        assert "only for a transfer from a group company outside the EU" in page.field_error(
            "group_company_country"
        )


@pytest.mark.parametrize(
    ("role", "end", "status"),
    [
        ("manager", "28-02-2030", 302),  # 3 years from 1 March 2027: the last day
        ("manager", "01-03-2030", 400),
        ("specialist", "28-02-2030", 302),
        ("specialist", "01-03-2030", 400),
        ("trainee", "29-02-2028", 302),  # 1 year: 29 February in a leap year
        ("trainee", "01-03-2028", 400),
    ],
)
def test_the_transfer_period_per_role(client, sponsor, role, end, status):
    tasks_url = draft(client, "ict")
    data = {**TRANSFER, "role": role, "end_date": end, "monthly_salary": "6.000"}
    page = saved(client, tasks_url, "transfer", data)
    assert page.status == status
    if status == 400:
        assert "at the latest" in page.field_error("end_date")
        assert page.value("end_date") == end


@pytest.mark.parametrize(("since", "status"), [("29-09-2026", 302), ("30-09-2026", 400)])
def test_the_prior_employment_boundary_is_counted_from_the_transfer_start(
    client, sponsor, since, status
):
    tasks_url = draft(client, "ict")
    data = {
        **TRANSFER,
        "start_date": "29-12-2026",
        "end_date": "28-12-2029",
        "employed_in_group_since": since,
    }
    page = saved(client, tasks_url, "transfer", data)
    assert page.status == status
    if status == 400:
        error = page.field_error("employed_in_group_since")
        assert "at least 3 months" in error and "29 September 2026 or earlier" in error
        assert "not yet confirmed by an official source" in error


@pytest.mark.parametrize(("salary", "status"), [("5.942", 302), ("5.941,99", 400)])
def test_the_salary_per_role_is_unverified_reference_data(client, sponsor, salary, status):
    tasks_url = draft(client, "ict")
    page = saved(client, tasks_url, "transfer", {**TRANSFER, "monthly_salary": salary})
    assert page.status == status
    if status == 400:
        error = page.field_error("monthly_salary")
        assert "€5,942.00" in error and "intra-corporate transferee, specialist" in error
        assert "not yet confirmed by an official source" in error


@pytest.mark.parametrize(
    ("mobility", "country", "days", "field", "status"),
    [
        ("none", "", "", None, 302),
        ("short_term", "BE", "90", None, 302),
        ("short_term", "BE", "91", "mobility_days", 400),
        ("long_term", "BE", "91", None, 302),
        ("long_term", "BE", "90", "mobility_days", 400),
        ("short_term", "NL", "30", "mobility_country", 400),
        ("short_term", "CH", "30", "mobility_country", 400),
        ("long_term", "", "120", "mobility_country", 400),
        ("short_term", "FR", "", "mobility_days", 400),
    ],
)
def test_mobility_to_other_member_states(client, sponsor, mobility, country, days, field, status):
    tasks_url = draft(client, "ict")
    data = {"mobility": mobility, "mobility_country": country, "mobility_days": days}
    page = saved(client, tasks_url, "mobility", data)
    assert page.status == status
    if field:
        assert page.field_error(field)


# --- single permit (GVVA) -----------------------------------------------------------------------


@pytest.mark.parametrize(("reported", "status"), [("25-10-2026", 302), ("26-10-2026", 400)])
def test_the_vacancy_was_reported_to_uwv_five_weeks_before(client, sponsor, reported, status):
    tasks_url = draft(client, "gvva")
    assert saved(client, tasks_url, "job", GVVA_JOB).status == 302  # no salary threshold
    page = saved(
        client, tasks_url, "labour_market", {**LABOUR_MARKET, "vacancy_reported_on": reported}
    )
    assert page.status == status
    if status == 400:
        error = page.field_error("vacancy_reported_on")
        assert "at least 5 weeks" in error and "25 October 2026 or earlier" in error
        assert "not yet confirmed by an official source" in error
        assert page.value("recruitment_efforts") == LABOUR_MARKET["recruitment_efforts"]


def test_the_recruitment_facts_are_required(client, sponsor):
    tasks_url = draft(client, "gvva")
    page = saved(client, tasks_url, "labour_market", {})
    assert page.status == 400
    assert "Describe the recruitment efforts" in page.field_error("recruitment_efforts")
    assert page.field_error("priority_considered")


# --- seasonal work ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("end", "status", "says"),
    [
        ("29-06-2027", 400, "needs a work permit from UWV"),  # 90 days: a short stay
        ("30-06-2027", 302, None),  # 91 days
        ("15-09-2027", 302, None),  # 168 days: the longest
        ("16-09-2027", 400, "at most 168 days"),
    ],
)
def test_seasonal_work_is_more_than_90_days_and_at_most_the_maximum(
    client, sponsor, end, status, says
):
    tasks_url = draft(client, "seasonal_work")
    page = saved(client, tasks_url, "season", {**SEASON, "end_date": end})
    assert page.status == status
    if says:
        assert says in page.field_error("end_date")


# --- change of purpose to highly skilled migrant ------------------------------------------------


@pytest.mark.parametrize(("graduated", "status"), [("30-11-2023", 302), ("29-11-2023", 400)])
def test_the_reduced_criterion_within_three_years_of_graduating(client, sponsor, graduated, status):
    tasks_url = draft(client, "hsm_change_purpose", procedure=None)
    page = saved(client, tasks_url, "previous", {**PREVIOUS, "graduated_on": graduated})
    assert page.status == status
    if status == 400:
        assert "applies until 28 November 2026" in page.field_error("graduated_on")


@pytest.mark.parametrize(("expires", "status"), [("29-11-2026", 302), ("28-11-2026", 400)])
def test_a_change_of_purpose_while_the_permit_is_valid(client, sponsor, expires, status):
    tasks_url = draft(client, "hsm_change_purpose", procedure=None)
    page = saved(client, tasks_url, "previous", {**PREVIOUS, "current_permit_expires": expires})
    assert page.status == status


@pytest.mark.parametrize(("salary", "status"), [("3.122", 302), ("3.121,99", 400)])
def test_the_change_of_purpose_uses_the_reduced_salary_criterion(client, sponsor, salary, status):
    tasks_url = draft(client, "hsm_change_purpose", procedure=None)
    # Born 1990: 36 on the application date, yet the reduced criterion (€3,122 in 2026) applies.
    page = saved(client, tasks_url, "job", {**JOB, "monthly_salary": salary})
    assert page.status == status
    if status == 400:
        assert "€3,122.00" in page.field_error("monthly_salary")


@pytest.mark.parametrize(
    ("earlier_end", "end", "status"),
    [
        # The earlier permit runs up to the new start: one transfer from 1 March 2025.
        ("28-02-2027", "29-02-2028", 302),  # 3 years from 1 March 2025: the last day
        ("28-02-2027", "01-03-2028", 400),
        # A break of a day before the new start: a new transfer, its own 3 years.
        ("27-02-2027", "28-02-2030", 302),
    ],
)
def test_an_ict_transfer_continuing_an_earlier_permit_counts_from_its_start(
    client, sponsor, earlier_end, end, status
):
    """A new ICT application for someone whose ICT permit with the organisation runs up to
    the new start continues that transfer: the 3 years count from the first permit's start."""
    from portal.extensions import db
    from portal.models import ApplicationKind
    from tests.support.factories import PermitFactory, PersonFactory
    from tests.support.family import person_answers, start_for_person

    holder = PersonFactory(organisation=sponsor.memberships[0].organisation)
    PermitFactory(
        person=holder,
        kind=ApplicationKind.ICT,
        category=Category.LABOUR,
        starts_on=date(2025, 3, 1),
        ends_on=date(*reversed([int(p) for p in earlier_end.split("-")])),
    )
    db.session.commit()
    tasks_url = start_for_person(client, "ict", holder)
    assert save(client, tasks_url, "person", person_answers(holder)).status_code == 302
    data = {**TRANSFER, "role": "specialist", "end_date": end, "monthly_salary": "6.000"}
    page = saved(client, tasks_url, "transfer", data)
    assert page.status == status
    if status == 400:
        error = page.field_error("end_date")
        assert "continues the one that began on 1 March 2025" in error
        assert "29 February 2028 at the latest" in error
        check = get_page(client, f"{tasks_url}/check")
        assert "continues the one that began on 1 March 2025" in check.text
