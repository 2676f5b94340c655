"""The backlog forecast as charts (portal/charts.py): backlog and cases past their deadline per
week, now and in the supervisor's scenario."""

from flask_babel import format_date, ngettext
from flask_babel import gettext as _

from portal import charts
from portal.forecast.backlog import Forecast


def forecast_charts(forecast: Forecast) -> list[tuple[str, charts.Chart]]:
    weeks = forecast.total()
    categories = [
        charts.Category(format_date(w.monday, "d MMM"), format_date(w.monday, "medium"))
        for w in weeks
    ]
    scenario = forecast.total("scenario") if forecast.scenario else None
    label = ngettext(
        "With %(num)d reviewer more", "With %(num)d reviewers more", forecast.extra_reviewers
    ) if forecast.extra_reviewers > 0 else ngettext(
        "With %(num)d reviewer fewer", "With %(num)d reviewers fewer", -forecast.extra_reviewers
    )  # fmt: skip
    drawn = []
    for key, title, description, value in (
        (
            "backlog",
            _("Open cases, all types"),
            _("Cases open at the end of each of the coming weeks."),
            lambda w: w.backlog,
        ),
        (
            "late",
            _("Cases past their statutory deadline, all types"),
            _("Open cases whose statutory deadline has passed, at the end of each week."),
            lambda w: w.past_deadline,
        ),
    ):
        series = [charts.Series(_("At today's capacity"), [value(w) for w in weeks])]
        if scenario:
            series.append(charts.Series(label, [value(w) for w in scenario]))
        drawn.append((key, charts.lines(title, description, categories, series)))
    return drawn
