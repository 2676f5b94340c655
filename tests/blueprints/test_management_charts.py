"""Management information per week and per type (issue 19): cases in and decided, the backlog
at each week's end, the share decided within the statutory period — as accessible SVG charts
with their tables, numbers in the page's language."""

from datetime import UTC, datetime, time, timedelta

import pytest

from portal import clock
from portal.backoffice import management, weekly
from portal.extensions import db
from portal.models import ApplicationKind, ApplicationStatus, StatusEvent
from tests.support.auth import staff_sign_in
from tests.support.factories import ApplicationFactory, UserFactory
from tests.support.pages import get_page

S = ApplicationStatus


def _at(days_ago: int) -> datetime:
    return datetime.combine(clock.today() - timedelta(days=days_ago), time(12), tzinfo=UTC)


def _case(kind, status, submitted, *, decided=None, deadline=None, withdrawn=None):
    case = ApplicationFactory(
        kind=kind,
        status=status,
        submitted_at=_at(submitted),
        decided_at=_at(decided) if decided is not None else None,
        decision_deadline=(clock.today() + timedelta(days=deadline))
        if deadline is not None
        else None,
    )
    if withdrawn is not None:
        db.session.add(
            StatusEvent(
                application_id=case.id,
                from_status=S.SUBMITTED,
                to_status=S.WITHDRAWN,
                occurred_at=_at(withdrawn),
            )
        )
        db.session.flush()
    # (submitted day, day it left the queue or None)
    left = decided if decided is not None else withdrawn
    return submitted, left


@pytest.fixture
def history():
    recognition, hsm = ApplicationKind.RECOGNITION, ApplicationKind.HSM_ENTRY
    return [
        _case(recognition, S.GRANTED, 20, decided=10, deadline=-5),  # in time
        _case(recognition, S.REFUSED, 20, decided=3, deadline=-8),  # late
        _case(hsm, S.GRANTED, 15, decided=2, deadline=10),  # in time
        _case(recognition, S.IN_REVIEW, 5, deadline=40),  # open
        _case(recognition, S.WITHDRAWN, 12, withdrawn=6),  # left without a decision
        _case(recognition, S.INFORMATION_REQUESTED, 100, deadline=1),  # open since before
    ]


def test_cases_in_decided_in_time_and_the_backlog_per_week(history):
    today = clock.today()
    start, end = management.default_period(today)
    flow = weekly.flow(today, start, end)
    assert len(flow.weeks) == 12
    for week in flow.weeks:
        week_end = min(week.monday + timedelta(days=6), today)
        in_week = [week.monday <= today - timedelta(days=s) <= week_end for s, _left in history]
        assert week.submitted == sum(in_week)
        # Backlog by its definition: submitted by the week's end and not gone by then.
        expected = sum(
            1
            for submitted, left in history
            if today - timedelta(days=submitted) <= week_end
            and (left is None or today - timedelta(days=left) > week_end)
        )
        assert week.backlog == expected, week
    assert sum(w.decided for w in flow.weeks) == 3
    assert sum(w.in_time for w in flow.weeks) == 2
    assert flow.weeks[-1].backlog == 2  # today: the case in review and the one waiting
    kinds = flow.kinds
    assert (
        kinds[ApplicationKind.RECOGNITION].in_time,
        kinds[ApplicationKind.RECOGNITION].with_deadline,
    ) == (1, 2)
    assert kinds[ApplicationKind.HSM_ENTRY].share_in_time == 100.0
    assert kinds[ApplicationKind.STUDENT].share_in_time is None
    assert flow.share_in_time == 66.7


def test_the_page_draws_each_chart_with_its_table(client, history):
    staff_sign_in(client, UserFactory(supervisor=True))
    client.get("/language/en")
    page = get_page(client, "/backoffice/management")
    titles = {
        "in-and-decided": "Cases in and decided per week",
        "backlog": "Open cases at the end of each week",
        "in-time-per-week": "Share decided within the statutory period per week",
        "in-time-per-type": "Share decided within the statutory period per type",
    }
    for chart_id, title in titles.items():
        figure = page.soup.find("figure", id=chart_id)
        svg = figure.find("svg")
        assert svg["role"] == "img"
        assert svg.title.get_text() == title
        assert svg.desc.get_text().strip()
        table = page.soup.find("caption", id=f"{chart_id}-table-caption").find_parent("table")
        assert table.find_parent(attrs={"role": "region"}) is not None
    per_type = page.soup.find("caption", id="in-time-per-type-table-caption").find_parent("table")
    rows = [
        [c.get_text(strip=True) for c in r.find_all(["th", "td"])] for r in per_type.tbody("tr")
    ]
    assert [row[1] for row in rows] == ["50", "100"]  # recognition, then highly skilled
    assert page.soup.find(id="total-in-time").get_text(strip=True) == "66.7% (2 / 3)"
    backlog = page.soup.find("caption", id="backlog-table-caption").find_parent("table")
    assert backlog.tbody.find_all("tr")[-1].find("td").get_text() == "2"


def test_numbers_are_written_the_dutch_way(client, history):
    staff_sign_in(client, UserFactory(supervisor=True))
    client.get("/language/nl")
    page = get_page(client, "/backoffice/management")
    assert page.soup.find(id="total-in-time").get_text(strip=True) == "66,7% (2 / 3)"
    # Days to decision 10, 17 and 13: the median 13,0, not 13.0.
    assert page.soup.find(id="total-median").get_text(strip=True) == "13,0"


def test_without_decisions_the_share_is_said_not_drawn(client):
    staff_sign_in(client, UserFactory(supervisor=True))
    client.get("/language/en")
    page = get_page(client, "/backoffice/management")
    assert page.soup.find(id="in-time-none").get_text() == (
        "No decision in the period had a statutory deadline."
    )
    assert page.soup.find("figure", id="in-time-per-week") is None
    assert page.soup.find("figure", id="in-time-per-type") is None
    assert page.soup.find("figure", id="backlog") is not None
    assert page.soup.find(id="total-in-time").get_text(strip=True) == "–"
