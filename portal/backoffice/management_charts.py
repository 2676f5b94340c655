"""Management information as charts (portal/charts.py): each built from the figures of
portal/backoffice/management.py, drawn with their table by components/charts.html."""

from flask_babel import format_date
from flask_babel import gettext as _

from portal import charts
from portal.backoffice.management import Figures


def decisions_chart(figures: Figures) -> charts.Chart:
    """Granted and refused per ISO week of the period, as stacked bars (and their table)."""
    return charts.bars(
        _("Decisions per week"),
        _(
            "Granted and refused applications per ISO week, from %(start)s up to and including"
            " %(end)s.",
            start=format_date(figures.start, "medium"),
            end=format_date(figures.end, "medium"),
        ),
        categories=[
            charts.Category(
                f"W{week.week:02d}", f"W{week.week:02d} ({format_date(week.monday, 'medium')})"
            )
            for week in figures.weeks
        ],
        series=[
            charts.Series(_("Granted"), [week.granted for week in figures.weeks]),
            charts.Series(_("Refused"), [week.refused for week in figures.weeks]),
        ],
        stacked=True,
    )
