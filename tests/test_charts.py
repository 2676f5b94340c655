"""The chart component (portal/charts.py + components/charts.html): the drawing is proportional
to the figures, the axis has round steps, series differ by more than colour, and the same figures
are in a table in the page's language — shown here on the management information page."""

import pytest

from portal import charts
from portal.charts import Category, Series
from tests.blueprints.test_backoffice_management import cases  # noqa: F401  (fixture)
from tests.support.auth import staff_sign_in
from tests.support.factories import UserFactory
from tests.support.pages import get_page


@pytest.mark.parametrize(
    ("highest", "ticks"),
    [
        (0, [0, 1]),
        (3, [0, 1, 2, 3]),
        (7, [0, 2, 4, 6, 8]),
        (40, [0, 10, 20, 30, 40]),
        (1234, [0, 500, 1000, 1500]),
        (0.4, [0, 0.1, 0.2, 0.3, 0.4]),
    ],
)
def test_the_axis_has_round_steps_from_zero_past_the_highest_value(highest, ticks):
    assert charts.nice_ticks(highest) == ticks


def test_bars_are_proportional_and_stack_per_category(app):
    with app.test_request_context():
        chart = charts.bars(
            "Decisions",
            "Per week.",
            [Category("W1", "Week 1"), Category("W2", "Week 2")],
            [Series("Granted", [4, 1]), Series("Refused", [2, None])],
            stacked=True,
        )
    granted, refused = (drawn.marks for drawn in chart.drawn)
    full = chart.bottom - chart.top  # the axis runs to 6 (ticks 0, 2, 4, 6)
    assert [tick.value for tick in chart.ticks] == [0, 2, 4, 6]
    assert granted[0].height == pytest.approx(full * 4 / 6)
    assert refused[0].height == pytest.approx(full * 2 / 6)
    assert refused[0].y + refused[0].height == pytest.approx(granted[0].y)  # on top of it
    assert refused[1].height == 0 and refused[1].text == "Refused, Week 2: –"
    assert chart.drawn[0].style["pattern"] != chart.drawn[1].style["pattern"]


def test_a_line_breaks_where_a_value_is_missing(app):
    with app.test_request_context():
        chart = charts.lines(
            "Share",
            "Per week.",
            [Category(str(i), f"Week {i}") for i in range(4)],
            [Series("On time", [1, 2, None, 4])],
        )
    (drawn,) = chart.drawn
    assert drawn.points.count(" M ") == 1  # two runs: weeks 0–1 and week 3
    assert [mark.text for mark in drawn.marks] == ["On time, Week 0: 1", "On time, Week 1: 2",
                                                   "On time, Week 3: 4"]  # fmt: skip


def test_the_management_page_draws_decisions_per_week_with_their_table(client, cases):  # noqa: F811
    staff_sign_in(client, UserFactory(supervisor=True))
    client.get("/language/en")
    page = get_page(client, "/backoffice/management")
    figure = page.soup.find("figure", id="decisions-per-week")
    svg = figure.find("svg")
    assert svg["role"] == "img"
    labelled_by = [page.soup.find(id=part) for part in svg["aria-labelledby"].split()]
    assert [part.name for part in labelled_by] == ["title", "desc"]
    assert labelled_by[0].get_text() == "Decisions per week"
    assert "table below" in labelled_by[1].get_text()
    assert [li.get_text(strip=True) for li in figure.find_all("li")] == ["Granted", "Refused"]

    table = page.soup.find("caption", id="decisions-per-week-table-caption").find_parent("table")
    rows = [
        [cell.get_text(strip=True) for cell in row.find_all(["th", "td"])]
        for row in table.tbody.find_all("tr")
    ]
    assert len(rows) == 12
    assert sum(int(row[1]) for row in rows) == 3 and sum(int(row[2]) for row in rows) == 1
    bars = svg.find_all("rect", attrs={"stroke": True})
    assert len(bars) == sum(1 for row in rows for cell in row[1:] if cell != "0")
    assert all(bar.title.get_text().startswith(("Granted, ", "Refused, ")) for bar in bars)


def test_numbers_are_written_in_the_page_language(app):
    with app.test_request_context(headers={"Accept-Language": "nl"}):
        from flask_babel import force_locale

        with force_locale("nl"):
            chart = charts.lines("Aandeel", "Per week.", [Category("1", "Week 1")],
                                 [Series("Op tijd", [0.5])])  # fmt: skip
            assert chart.cell(0.5) == "0,5"
            assert chart.cell(12345) == "12.345"
        with force_locale("en"):
            assert chart.cell(12345) == "12,345"
