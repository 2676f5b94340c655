"""Reference data for the expected decision date and the backlog forecast (issue 24)."""

from dataclasses import dataclass
from datetime import date

from portal.reference import _in_force


@dataclass(frozen=True)
class ForecastMethod:
    window_weeks: int  # decisions this recent calibrate the estimate
    rate_days: int  # the decision rate is measured over this many days
    min_comparable: int  # fewer decisions in the window: no date, the statutory deadline only
    range_share: float  # the shown range holds this share of similar cases
    history_days: int  # how far back the queue's history is read


def forecast_method(on: date) -> ForecastMethod:
    row = _in_force("forecast", on)
    return ForecastMethod(
        row["window_weeks"],
        row["rate_days"],
        row["min_comparable"],
        row["range_share"],
        row["history_days"],
    )
