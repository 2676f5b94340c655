"""The expected decision date (issue 24): the estimator on histories whose answer is known by
hand, the window's boundaries, and what the sponsor's case page says — a date with its range and
basis, or why there is none (clock stopped, fee unpaid, nothing comparable) — and the last thing
that happened on the case, never naming a member of staff."""

from datetime import date, timedelta

import pytest

from portal import clock
from portal.cases import casework
from portal.extensions import db
from portal.forecast.backtest import Case, replay
from portal.forecast.estimator import History, calibrate, estimate, quantile
from portal.models import ApplicationKind, ApplicationStatus
from portal.models.base import utcnow
from portal.reference.forecast import ForecastMethod, forecast_method
from tests.support.auth import sign_in
from tests.support.factories import ApplicationFactory, OrganisationFactory, UserFactory, member
from tests.support.pages import get_page

METHOD = ForecastMethod(
    window_weeks=12, rate_days=28, min_comparable=5, range_share=0.8, history_days=365
)
TODAY = date(2026, 6, 1)


def steady(days: int = 200, took: int = 10) -> History:
    """One case a day, each decided exactly `took` days after it arrived."""
    first = TODAY - timedelta(days=days)
    cases = []
    for offset in range(days):
        started = first + timedelta(days=offset)
        left = started + timedelta(days=took)
        cases.append((started, left if left < TODAY else None, True))
    return History.of(cases)


def test_in_a_steady_queue_the_expectation_is_the_wait_every_case_had():
    history = steady()
    assert history.ahead(TODAY) == 10  # the ten days' arrivals still open
    assert history.rate(TODAY, 28) == 1.0
    calibration = calibrate(history, TODAY, METHOD)
    assert calibration.comparable == 12 * 7
    # Each case waited 10 days where the queue alone said 11 (10 ahead + itself, 1 a day).
    assert calibration.low == calibration.mid == calibration.high == pytest.approx(10 / 11)
    shown = estimate(calibration, history.ahead(TODAY), TODAY)
    assert shown.most_likely == TODAY + timedelta(days=10)
    assert shown.earliest == shown.latest == TODAY + timedelta(days=10)


def test_a_longer_queue_today_moves_the_date_later():
    calibration = calibrate(steady(), TODAY, METHOD)
    assert estimate(calibration, 21, TODAY).most_likely == TODAY + timedelta(days=20)


def test_the_window_counts_a_decision_exactly_its_weeks_old_but_not_a_day_older():
    history = steady()  # a decision every day
    window = history.decided_between(TODAY - timedelta(weeks=12), TODAY)
    assert len(window) == 84 and window[0][0] == TODAY - timedelta(days=84)
    enough = ForecastMethod(12, 28, min_comparable=84, range_share=0.8, history_days=365)
    too_few = ForecastMethod(12, 28, min_comparable=85, range_share=0.8, history_days=365)
    assert calibrate(history, TODAY, enough).comparable == 84
    assert calibrate(history, TODAY, too_few) is None


def test_a_decision_today_is_not_known_yet():
    history = History.of([(TODAY - timedelta(days=30), TODAY, True)])
    assert history.decided_between(TODAY - timedelta(days=90), TODAY) == []
    assert history.ahead(TODAY) == 1


def test_quantiles_interpolate_between_neighbours():
    assert quantile([1, 2, 3, 4, 5], 0.5) == 3
    assert quantile([0, 10], 0.1) == pytest.approx(1)
    assert quantile([7], 0.9) == 7


def test_the_backtest_reports_how_often_the_decision_fell_inside_the_range():
    first = TODAY - timedelta(days=300)
    cases = [
        Case("student", first + timedelta(days=n), first + timedelta(days=n + 10), True)
        for n in range(290)
    ]
    result = replay(cases, METHOD)["student"]
    assert result.decided == 290
    # The first weeks have no decisions to compare with: no expectation is shown there.
    assert 0 < result.estimated < result.decided
    assert result.median_error_days == 0 and result.inside_share > 0.9


# --- through the sponsor's case page --------------------------------------------------------


def _decided_recognitions(count: int, *, every_days: int = 3, took_days: int = 30):
    """Other organisations' recognition cases, decided after `took_days`, the latest a day ago."""
    now = utcnow()
    for n in range(count):
        decided_at = now - timedelta(days=1 + every_days * n)
        ApplicationFactory(
            organisation=OrganisationFactory(),
            status=ApplicationStatus.GRANTED,
            submitted_at=decided_at - timedelta(days=took_days),
            decided_at=decided_at,
        )


def _open_recognition(days_ago: int, **values):
    return ApplicationFactory(
        organisation=OrganisationFactory(),
        submitted=True,
        submitted_at=utcnow() - timedelta(days=days_ago),
        **values,
    )


@pytest.fixture
def sponsor():
    user = member()
    client_case = ApplicationFactory(
        submitted=True, organisation=user.memberships[0].organisation, created_by=user
    )
    return user, client_case


def _row(page, row_id: str) -> str:
    return " ".join(page.soup.find(id=row_id).get_text(" ", strip=True).split())


def test_the_case_page_shows_a_most_likely_date_its_range_and_what_it_rests_on(client, sponsor):
    user, case = sponsor
    _decided_recognitions(60)
    for days_ago in (12, 8, 3):
        _open_recognition(days_ago)
    _open_recognition(0, kind=ApplicationKind.STUDENT)  # another kind is not ahead
    sign_in(client, user)
    client.get("/language/en")
    page = get_page(client, f"/applications/{case.id}")
    text = _row(page, "expected-decision")
    assert "Most likely around" in text
    assert "out of 100 similar cases are decided between" in text
    # 60 decided every 3 days: the 28 of the last 12 weeks (1, 4, … 82 days ago).
    assert "based on the 28 cases of this type decided in the last 12 weeks" in text
    assert "and the 3 cases ahead of yours" in text
    assert f"Computed on {clock.today().day}" in text
    assert "statutory deadline" in text


def test_with_too_few_decisions_only_the_statutory_deadline_is_shown(client, sponsor):
    user, case = sponsor
    _decided_recognitions(4)
    sign_in(client, user)
    client.get("/language/en")
    text = _row(get_page(client, f"/applications/{case.id}"), "expected-decision")
    assert "No expected date yet" in text and "12 weeks" in text
    assert "Most likely" not in text


def test_an_unpaid_fee_says_the_period_has_not_started(client):
    user = member()
    case = ApplicationFactory(
        submitted=True,
        organisation=user.memberships[0].organisation,
        created_by=user,
        decision_deadline=None,
        fee=False,
    )
    _decided_recognitions(60)
    sign_in(client, user)
    client.get("/language/en")
    text = _row(get_page(client, f"/applications/{case.id}"), "expected-decision")
    assert "until the fee is paid" in text


def test_a_stopped_clock_says_so_instead_of_a_date(client, sponsor):
    user, case = sponsor
    _decided_recognitions(60)
    reviewer = UserFactory(reviewer=True)
    casework.request_information(
        case,
        reviewer,
        message="Send the KvK extract.",
        respond_by=clock.today() + timedelta(days=14),
        expected_version=case.version,
    )
    db.session.commit()
    sign_in(client, user)
    client.get("/language/en")
    page = get_page(client, f"/applications/{case.id}")
    assert "waits for your answer" in _row(page, "expected-decision")
    assert "Information requested from you" in _row(page, "last-step")


def test_the_last_activity_names_the_step_and_never_the_reviewer(client, sponsor):
    user, case = sponsor
    reviewer = UserFactory(reviewer=True, name="Rita Reviewer")
    casework.assign(case, UserFactory(supervisor=True), reviewer, case.version)
    db.session.commit()
    sign_in(client, user)
    client.get("/language/en")
    page = get_page(client, f"/applications/{case.id}")
    assert _row(page, "last-step").startswith("Last activity Assigned to a reviewer")
    assert "Rita" not in _row(page, "last-step")


def test_the_method_is_reference_data():
    assert forecast_method(date(2026, 12, 5)).window_weeks == 12
