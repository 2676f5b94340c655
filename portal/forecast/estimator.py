"""The expected decision date as a pure function of one application kind's history
(the method in plain words: docs/forecast.md).

A case waits for the cases of its kind ahead of it in the queue. At the decision rate of the last
weeks, the queue alone says the wait is `(cases ahead + 1) / decisions per day`. Cases are not
decided strictly in turn, and rates change, so the recent decisions calibrate that figure: for
each case decided in the last weeks we compare the wait it really had with the wait the queue
alone would have shown at its submission. The middle of those ratios gives the most likely date,
and the ratios of the 10th and 90th percentile give a range that held 8 in 10 similar cases.

Everything here reads only what was known on the day asked (`today`): a decision counts once it
has happened, a case once it was submitted. The backtest (portal/forecast/backtest.py) replays
a whole history through the same functions.
"""

import math
from bisect import bisect_left
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from portal.reference.forecast import ForecastMethod


@dataclass(frozen=True)
class History:
    """The cases of one kind: when each entered the queue, when each left it (decided,
    withdrawn), and the start and decision day of each decided case."""

    starts: list[date]  # sorted
    exits: list[date]  # sorted: the day each case left the queue, whatever the outcome
    decisions: list[tuple[date, date]]  # (decided on, started on), sorted

    @classmethod
    def of(cls, cases: Iterable[tuple[date, date | None, bool]]) -> "History":
        """From (started on, left on or None, left by a decision) per case."""
        starts, exits, decisions = [], [], []
        for started, left, decided in cases:
            starts.append(started)
            if left is not None:
                exits.append(left)
                if decided:
                    decisions.append((left, started))
        return cls(sorted(starts), sorted(exits), sorted(decisions))

    def ahead(self, day: date) -> int:
        """Cases in the queue at the start of `day`: entered before it, not yet left."""
        return bisect_left(self.starts, day) - bisect_left(self.exits, day)

    def rate(self, day: date, days: int) -> float:
        """Decisions per day over the `days` before `day`."""
        before = bisect_left(self.decisions, (day,))
        earlier = bisect_left(self.decisions, (day - timedelta(days=days),))
        return (before - earlier) / days

    def decided_between(self, start: date, end: date) -> list[tuple[date, date]]:
        return self.decisions[
            bisect_left(self.decisions, (start,)) : bisect_left(self.decisions, (end,))
        ]


@dataclass(frozen=True)
class Calibration:
    """What the recent decisions of a kind say on `computed_on`."""

    computed_on: date
    comparable: int  # decisions in the window
    rate_per_day: float
    low: float  # ratios of the real wait to the queue's estimate: lower end of the range,
    mid: float  # the middle,
    high: float  # and the upper end


@dataclass(frozen=True)
class Estimate:
    most_likely: date
    earliest: date
    latest: date
    ahead: int
    calibration: Calibration


def queue_wait(history: History, day: date, method: ForecastMethod) -> float | None:
    """Days a case submitted on `day` would wait were cases decided in turn at the recent
    rate; None when nothing was decided in the rate's period."""
    rate = history.rate(day, method.rate_days)
    if rate == 0:
        return None
    return (history.ahead(day) + 1) / rate


def quantile(values: list[float], share: float) -> float:
    """The `share` quantile of sorted `values`, interpolated between neighbours."""
    position = share * (len(values) - 1)
    below = math.floor(position)
    above = min(below + 1, len(values) - 1)
    return values[below] + (values[above] - values[below]) * (position - below)


def calibrate(history: History, today: date, method: ForecastMethod) -> Calibration | None:
    """None when fewer than `min_comparable` cases were decided in the window, or nothing in
    the rate's period: then no expected date is shown, only the statutory deadline."""
    window = history.decided_between(today - timedelta(weeks=method.window_weeks), today)
    rate = history.rate(today, method.rate_days)
    ratios = []
    for decided_on, started_on in window:
        estimated = queue_wait(history, started_on, method)
        if estimated is not None:
            ratios.append((decided_on - started_on).days / estimated)
    if len(ratios) < method.min_comparable or rate == 0:
        return None
    ratios.sort()
    tail = (1 - method.range_share) / 2
    return Calibration(
        computed_on=today,
        comparable=len(window),
        rate_per_day=rate,
        low=quantile(ratios, tail),
        mid=quantile(ratios, 0.5),
        high=quantile(ratios, 1 - tail),
    )


def estimate(calibration: Calibration, ahead: int, today: date) -> Estimate:
    """The expected decision for a case with `ahead` cases before it in the queue today."""
    wait = (ahead + 1) / calibration.rate_per_day
    earliest = today + timedelta(days=math.floor(wait * calibration.low))
    latest = today + timedelta(days=math.ceil(wait * calibration.high))
    most_likely = today + timedelta(days=round(wait * calibration.mid))
    return Estimate(
        most_likely=min(max(most_likely, earliest), latest),
        earliest=earliest,
        latest=latest,
        ahead=ahead,
        calibration=calibration,
    )
