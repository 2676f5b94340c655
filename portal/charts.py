"""Charts drawn on the server as accessible SVG: a chart is geometry computed here and drawn by
`templates/components/charts.html`, with its title, its description and the same figures as a
table beside it. No JavaScript, no chart library from a CDN.

    chart = charts.bars(
        _("Decisions per week"), _("Granted and refused applications per ISO week."),
        categories=[Category("W40", "2026-W40"), ...],
        series=[Series(_("Granted"), [3, 5, ...]), Series(_("Refused"), [1, 0, ...])],
        stacked=True,
    )
    {{ charts.render(chart, "decisions-chart") }}

Series are told apart by more than colour (WCAG 1.4.1): each has its own fill pattern (bars) or
dash and marker (lines), repeated in the legend, and every colour has a contrast of at least
3:1 on white (WCAG 1.4.11). Numbers are formatted in the page's language (`format_decimal`).
The drawing scales with its container (a viewBox, width 100 %), so it reflows at 320 px; the
table carries the exact figures at any size.
"""

import math
from dataclasses import dataclass

from flask_babel import format_decimal

# Drawing area (viewBox units); the SVG scales to its container.
WIDTH = 640
HEIGHT = 300
MARGIN_LEFT = 56
MARGIN_RIGHT = 16
MARGIN_TOP = 16
MARGIN_BOTTOM = 48
PLOT_WIDTH = WIDTH - MARGIN_LEFT - MARGIN_RIGHT
PLOT_HEIGHT = HEIGHT - MARGIN_TOP - MARGIN_BOTTOM
# An x-axis label takes about this many units; labels that would collide are thinned out.
LABEL_WIDTH = 44
MAX_TICKS = 5

# Per series: colour (≥ 3:1 on white), bar fill pattern, line dash, line marker.
STYLES = (
    {"colour": "#154273", "pattern": "solid", "dash": "", "marker": "circle"},
    {"colour": "#a34700", "pattern": "stripes", "dash": "8 4", "marker": "square"},
    {"colour": "#1d6f42", "pattern": "dots", "dash": "2 3", "marker": "triangle"},
    {"colour": "#6b2c91", "pattern": "cross", "dash": "12 4 2 4", "marker": "diamond"},
)


@dataclass(frozen=True)
class Category:
    """A point on the x axis: a short label under the axis, the full one in the table."""

    short: str
    full: str


@dataclass(frozen=True)
class Series:
    label: str
    values: list[float | int | None]


@dataclass(frozen=True)
class Tick:
    value: float
    y: float
    text: str


@dataclass(frozen=True)
class Mark:
    """A bar (x, y, width, height) or a line point (x, y), with what it says in words."""

    x: float
    y: float
    width: float
    height: float
    text: str


@dataclass
class Drawn:
    label: str
    style: dict
    marks: list[Mark]
    points: str = ""  # for a line: "x,y x,y …" (gaps where a value is missing split it)


@dataclass
class Chart:
    kind: str  # "bars" or "lines"
    title: str
    description: str
    categories: list[Category]
    series: list[Series]
    unit: str
    ticks: list[Tick]
    drawn: list[Drawn]
    labels: list[tuple[float, str]]  # x-axis labels shown: (x, text)
    width: int = WIDTH
    height: int = HEIGHT
    left: int = MARGIN_LEFT
    right: int = WIDTH - MARGIN_RIGHT
    top: int = MARGIN_TOP
    bottom: int = MARGIN_TOP + PLOT_HEIGHT

    def cell(self, value) -> str:
        return "–" if value is None else number(value)


def number(value: float | int) -> str:
    if isinstance(value, float) and not value.is_integer():
        return format_decimal(value, format="#,##0.0")
    return format_decimal(int(value), format="#,##0")


def nice_ticks(highest: float) -> list[float]:
    """0 and evenly spaced round steps (1, 2 or 5 × 10ⁿ) reaching at least `highest`."""
    if highest <= 0:
        return [0.0, 1.0]
    rough = highest / (MAX_TICKS - 1)
    power = 10 ** math.floor(math.log10(rough))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= rough)
    if highest >= 1 and step < 1:
        step = 1.0
    count = math.ceil(highest / step - 1e-9)
    return [round(i * step, 10) for i in range(count + 1)]


def _scale(values: list[float]) -> tuple[list[Tick], float]:
    ticks = nice_ticks(max(values, default=0))
    top = ticks[-1]
    return [
        Tick(value, MARGIN_TOP + PLOT_HEIGHT * (1 - value / top), number(value)) for value in ticks
    ], top


def _labels(categories: list[Category], centres: list[float]) -> list[tuple[float, str]]:
    every = max(1, math.ceil(len(categories) * LABEL_WIDTH / PLOT_WIDTH))
    return [(centres[i], category.short) for i, category in enumerate(categories) if i % every == 0]


def _say(series: Series, category: Category, value, unit: str) -> str:
    amount = "–" if value is None else number(value)
    return f"{series.label}, {category.full}: {amount}{' ' + unit if unit else ''}"


def bars(title, description, categories, series, *, stacked=False, unit="") -> Chart:
    """Bars per category: side by side per series, or stacked into one bar per category."""
    slot = PLOT_WIDTH / max(len(categories), 1)
    if stacked:
        totals = [sum(s.values[i] or 0 for s in series) for i in range(len(categories))]
        ticks, top = _scale(totals)
    else:
        ticks, top = _scale([v or 0 for s in series for v in s.values])
    bar_width = slot * 0.7 if stacked else slot * 0.8 / max(len(series), 1)
    drawn = []
    base = [0.0] * len(categories)
    for index, one in enumerate(series):
        marks = []
        for i, category in enumerate(categories):
            value = one.values[i] or 0
            height = PLOT_HEIGHT * value / top
            if stacked:
                x = MARGIN_LEFT + slot * i + (slot - bar_width) / 2
                y = MARGIN_TOP + PLOT_HEIGHT - base[i] - height
                base[i] += height
            else:
                x = MARGIN_LEFT + slot * i + slot * 0.1 + bar_width * index
                y = MARGIN_TOP + PLOT_HEIGHT - height
            marks.append(Mark(x, y, bar_width, height, _say(one, category, one.values[i], unit)))
        drawn.append(Drawn(one.label, STYLES[index % len(STYLES)], marks))
    centres = [MARGIN_LEFT + slot * (i + 0.5) for i in range(len(categories))]
    return Chart(
        "bars", title, description, categories, series, unit, ticks, drawn,
        _labels(categories, centres),
    )  # fmt: skip


def lines(title, description, categories, series, *, unit="") -> Chart:
    """One line per series over the categories; a missing value (None) breaks the line."""
    ticks, top = _scale([v or 0 for s in series for v in s.values])
    step = PLOT_WIDTH / max(len(categories) - 1, 1)
    centres = [MARGIN_LEFT + step * i for i in range(len(categories))]
    drawn = []
    for index, one in enumerate(series):
        marks, runs, run = [], [], []
        for i, category in enumerate(categories):
            value = one.values[i]
            if value is None:
                runs, run = runs + [run] if run else runs, []
                continue
            y = MARGIN_TOP + PLOT_HEIGHT * (1 - value / top)
            marks.append(Mark(centres[i], y, 0, 0, _say(one, category, value, unit)))
            run.append(f"{centres[i]:.1f},{y:.1f}")
        runs = runs + [run] if run else runs
        points = " M ".join(" L ".join(r) for r in runs)
        drawn.append(Drawn(one.label, STYLES[index % len(STYLES)], marks, points))
    return Chart(
        "lines", title, description, categories, series, unit, ticks, drawn,
        _labels(categories, centres),
    )  # fmt: skip
