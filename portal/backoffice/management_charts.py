"""The charts of the management information (components/charts.html draws them, each with
its table): decisions per week, cases in and decided per week, the backlog at each week's
end, the share decided within the statutory period per week and per application type."""

from flask_babel import gettext as _

from portal import charts
from portal.backoffice.management import Figures
from portal.backoffice.weekly import Flow
from portal.formatting import date_text
from portal.labels import APPLICATION_KIND
from portal.models import ApplicationKind

# Short names of the types under the axis (the table has the full ones).
KIND_SHORT = {
    ApplicationKind.RECOGNITION: "ER",
    ApplicationKind.HSM_ENTRY: "KM-T",
    ApplicationKind.HSM_RESIDENCE: "KM-V",
    ApplicationKind.HSM_EXTENSION: "KM-X",
    ApplicationKind.HSM_CHANGE_EMPLOYER: "KM-W",
    ApplicationKind.EU_BLUE_CARD: "BC",
    ApplicationKind.RESEARCHER: "WO",
    ApplicationKind.STUDENT: "ST",
    ApplicationKind.AU_PAIR: "UW-A",
    ApplicationKind.CULTURAL_EXCHANGE: "UW-C",
    ApplicationKind.ICT: "IC",
    ApplicationKind.GVVA: "GV",
    ApplicationKind.SEASONAL_WORK: "SW",
    ApplicationKind.HSM_CHANGE_PURPOSE: "KM-D",
}


def _period(start, end) -> dict:
    return {"start": date_text(start), "end": date_text(end)}


def _weeks(weeks) -> list[charts.Category]:
    return [
        charts.Category(f"W{w.week:02d}", f"W{w.week:02d} ({date_text(w.monday)})") for w in weeks
    ]


def decisions_chart(figures: Figures) -> charts.Chart:
    """Granted and refused per ISO week of the period, as stacked bars (and their table)."""
    return charts.bars(
        _("Decisions per week"),
        _(
            "Granted and refused applications per ISO week, from %(start)s up to and including"
            " %(end)s.",
            **_period(figures.start, figures.end),
        ),
        categories=_weeks(figures.weeks),
        series=[
            charts.Series(_("Granted"), [week.granted for week in figures.weeks]),
            charts.Series(_("Refused"), [week.refused for week in figures.weeks]),
        ],
        stacked=True,
    )


def in_and_decided_chart(flow: Flow, start, end) -> charts.Chart:
    return charts.bars(
        _("Cases in and decided per week"),
        _(
            "Applications submitted and applications decided (granted or refused) per ISO week,"
            " from %(start)s up to and including %(end)s.",
            **_period(start, end),
        ),
        categories=_weeks(flow.weeks),
        series=[
            charts.Series(_("Submitted"), [w.submitted for w in flow.weeks]),
            charts.Series(_("Decided"), [w.decided for w in flow.weeks]),
        ],
    )


def backlog_chart(flow: Flow, start, end) -> charts.Chart:
    return charts.lines(
        _("Open cases at the end of each week"),
        _(
            "The backlog: applications submitted and not yet decided or withdrawn at the end of"
            " each ISO week (this week: today), from %(start)s up to and including %(end)s.",
            **_period(start, end),
        ),
        categories=_weeks(flow.weeks),
        series=[charts.Series(_("Open cases"), [w.backlog for w in flow.weeks])],
    )


def in_time_chart(flow: Flow, start, end) -> charts.Chart | None:
    """None when no decision in the period had a statutory deadline (nothing to draw)."""
    if not flow.with_deadline:
        return None
    return charts.lines(
        _("Share decided within the statutory period per week"),
        _(
            "Of the decisions per ISO week, the percentage taken on or before the statutory"
            " deadline, from %(start)s up to and including %(end)s. A week without decisions"
            " has no value.",
            **_period(start, end),
        ),
        categories=_weeks(flow.weeks),
        series=[charts.Series(_("Within the period (%)"), [w.share_in_time for w in flow.weeks])],
        unit="%",
    )


def kinds_chart(flow: Flow, start, end) -> charts.Chart | None:
    """Per type with decisions in the period: the share within the statutory period."""
    decided = [row for row in flow.kinds.values() if row.with_deadline]
    if not decided:
        return None
    return charts.bars(
        _("Share decided within the statutory period per type"),
        _(
            "Per application type, the percentage of decisions from %(start)s up to and"
            " including %(end)s taken on or before the statutory deadline.",
            **_period(start, end),
        ),
        categories=[
            charts.Category(KIND_SHORT[row.kind], str(APPLICATION_KIND[row.kind]))
            for row in decided
        ],
        series=[charts.Series(_("Within the period (%)"), [row.share_in_time for row in decided])],
        unit="%",
    )
