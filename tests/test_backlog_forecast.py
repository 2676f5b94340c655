"""The backlog forecast for supervisors (issue 24): the flow model on numbers checked by hand,
the page with its charts and table, the scenario with more reviewers, and bad input."""

from datetime import date, timedelta

import pytest

from portal import reference
from portal.forecast.backlog import project
from portal.models import ApplicationStatus
from portal.models.base import utcnow
from tests.support.auth import sign_in, staff_sign_in
from tests.support.factories import ApplicationFactory, OrganisationFactory, UserFactory, member
from tests.support.pages import get_page

TODAY = date(2026, 6, 1)
PENALTY = reference.late_decision_penalty(TODAY)


def test_the_flow_model_adds_the_inflow_and_takes_the_earliest_deadlines_first():
    # Four open cases: two already past their deadline, one due in 10 days, one stopped.
    deadlines = [TODAY - timedelta(days=20), TODAY - timedelta(days=1),
                 TODAY + timedelta(days=10), None]  # fmt: skip
    weeks = project(deadlines, inflow=1.0, capacity=2.0, period_days=90, today=TODAY,
                    penalty=PENALTY)  # fmt: skip
    assert len(weeks) == 12
    # Week 1: 4 + 1 arrive − 2 decided (the two late ones) = 3, none late any more.
    assert (weeks[0].backlog, weeks[0].past_deadline, weeks[0].exposure_cents) == (3, 0, 0)
    # Week 2: 3 + 1 − 2 = 2 (the one due in 10 days and the first new one go).
    assert weeks[1].backlog == 2
    # The stopped case comes last and is never late: its deadline cannot pass while stopped.
    assert all(week.past_deadline == 0 for week in weeks) and weeks[-1].backlog == 0


def test_too_little_capacity_lets_deadlines_pass_and_penalties_grow():
    deadlines = [TODAY + timedelta(days=3)] * 10
    weeks = project(deadlines, inflow=0, capacity=1.0, period_days=90, today=TODAY,
                    penalty=PENALTY)  # fmt: skip
    assert weeks[0].past_deadline == 9  # one decided, nine late from day 3
    # Day 7: 4 days late, within the 14-day grace after the notice: nothing accrues yet.
    assert weeks[0].exposure_cents == 0
    # Week 3 (day 21): 18 days late, 4 days past the grace at the first tier, for 7 cases.
    assert weeks[2].past_deadline == 7
    assert weeks[2].exposure_cents == 7 * PENALTY.cents_after(18)
    assert PENALTY.cents_after(18) > 0


@pytest.fixture
def queue():
    now = utcnow()
    for n in range(16):  # decided over the last 8 weeks: 2 a week
        ApplicationFactory(organisation=OrganisationFactory(), status=ApplicationStatus.GRANTED,
                           submitted_at=now - timedelta(days=40 + 3 * n),
                           decided_at=now - timedelta(days=1 + 3 * n))  # fmt: skip
    for n in range(30):
        ApplicationFactory(organisation=OrganisationFactory(), submitted=True,
                           submitted_at=now - timedelta(days=n), days_left=80)  # fmt: skip
    UserFactory(reviewer=True)
    UserFactory(reviewer=True)


def test_the_page_shows_the_forecast_with_charts_and_a_table(client, queue):
    staff_sign_in(client, UserFactory(supervisor=True))
    client.get("/language/en")
    management = get_page(client, "/backoffice/management")
    assert management.soup.find(id="forecast-link")["href"] == "/backoffice/management/forecast"
    page = get_page(client, "/backoffice/management/forecast")
    row = [
        c.get_text(strip=True) for c in page.soup.find(id="kind-recognition").find_all(["th", "td"])
    ]
    # Open now 30; inflow: those 30 and 6 of the decided submitted in the last 8 weeks.
    assert row[1:4] == ["30", "4.5", "2"]
    figures = page.soup.find_all("figure")
    assert [f["id"] for f in figures] == ["forecast-backlog", "forecast-late"]
    assert all(f.find("svg")["role"] == "img" for f in figures)
    assert "Active reviewers today: 3" in page.text  # two reviewers and the supervisor


def test_more_reviewers_bring_the_backlog_down(client, queue):
    staff_sign_in(client, UserFactory(supervisor=True))
    client.get("/language/en")
    page = get_page(client, "/backoffice/management/forecast?extra_reviewers=3")
    row = [
        c.get_text(strip=True) for c in page.soup.find(id="kind-recognition").find_all(["th", "td"])
    ]
    assert int(row[7]) < int(row[4])  # open in 12 weeks: with 3 more reviewers vs today
    legend = [
        li.get_text(strip=True) for li in page.soup.find(id="forecast-backlog").find_all("li")
    ]
    assert legend == ["At today's capacity", "With 3 reviewers more"]


@pytest.mark.parametrize("value", ["three", "1000", "2.5"])
def test_a_wrong_number_of_reviewers_is_told_next_to_the_field(client, value):
    staff_sign_in(client, UserFactory(supervisor=True))
    client.get("/language/en")
    page = get_page(client, f"/backoffice/management/forecast?extra_reviewers={value}",
                    expected_status=400)  # fmt: skip
    assert page.field_error("extra_reviewers")
    assert page.value("extra_reviewers") == value


def test_only_supervisors_see_the_forecast(client):
    staff_sign_in(client, UserFactory(reviewer=True))
    assert client.get("/backoffice/management/forecast").status_code == 403
    client.get("/backoffice/sign-out")
    sign_in(client, member())
    assert client.get("/backoffice/management/forecast").status_code == 404
