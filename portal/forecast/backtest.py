"""Replay a history of cases through the estimator and compare each expectation, as it would
have been shown at submission, with the real decision (issue 24: is the shown range honest?).

`flask forecast backtest` runs it on this database's cases; `bench/forecast_backtest.py` on a
generated multi-year history (bench/queue_simulator.py).
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from statistics import median

from portal.forecast.estimator import History, calibrate, estimate
from portal.reference.forecast import ForecastMethod


@dataclass(frozen=True)
class Case:
    kind: str
    started_on: date
    left_on: date | None  # decided, withdrawn or set aside; None while open
    decided: bool  # left by a decision (granted or refused)


@dataclass
class Result:
    kind: str
    decided: int = 0  # decided cases replayed
    estimated: int = 0  # of which an expectation would have been shown
    inside: int = 0  # of which the decision fell inside the shown range
    errors: list[int] | None = None

    @property
    def inside_share(self) -> float | None:
        return self.inside / self.estimated if self.estimated else None

    @property
    def median_error_days(self) -> float | None:
        return median(self.errors) if self.errors else None


def replay(
    cases: Iterable[Case], method: ForecastMethod, history_of: Iterable[Case] | None = None
) -> dict[str, Result]:
    """Per kind (and "all"): for every decided case, the expectation on its submission day —
    read from the history of `history_of` (default: the same cases)."""
    by_kind: dict[str, list[Case]] = defaultdict(list)
    for case in cases:
        by_kind[case.kind].append(case)
    known: dict[str, list[Case]] = defaultdict(list)
    for case in by_kind.values() if history_of is None else [history_of]:
        for one in case:
            known[one.kind].append(one)
    results = {}
    overall = Result("all", errors=[])
    for kind, kind_cases in sorted(by_kind.items()):
        history = History.of((c.started_on, c.left_on, c.decided) for c in known[kind])
        result = Result(kind, errors=[])
        calibrations = {}
        for case in kind_cases:
            if not case.decided:
                continue
            result.decided += 1
            day = case.started_on
            if day not in calibrations:
                calibrations[day] = calibrate(history, day, method)
            if calibrations[day] is None:
                continue
            shown = estimate(calibrations[day], history.ahead(day), day)
            result.estimated += 1
            result.inside += shown.earliest <= case.left_on <= shown.latest
            result.errors.append(abs((shown.most_likely - case.left_on).days))
        results[kind] = result
        overall.decided += result.decided
        overall.estimated += result.estimated
        overall.inside += result.inside
        overall.errors += result.errors
    results["all"] = overall
    return results
