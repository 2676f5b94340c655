"""A seeded queue simulator: a SYNTHETIC multi-year history of cases for the forecast's
backtest (issue 24). Nothing here knows the estimator.

Each day cases arrive (Poisson, per kind); on working days reviewers decide as many as their
capacity allows (Poisson). Reviewers mostly take the oldest case, but one decision in four goes
to another case among the oldest in the queue (simple cases go fast, thorough ones slow), and 3 %
of cases are withdrawn. Shocks the estimator must follow (SHOCKS): the academic-year peak
(inflow doubled from 1 September to 12 October each year), a staff drop (capacity down 40 % for
eight weeks) and a permanent 25 % growth of inflow from the third year, met by only 10 % more
capacity.
"""

import math
import random
from datetime import date, timedelta

from portal.forecast.backtest import Case

START = date(2023, 1, 2)
KINDS = {  # kind: (arrivals per day, decisions per working day)
    "student": (20.0, 29.4),
    "hsm_entry": (12.0, 17.6),
    "recognition": (2.0, 3.1),
}
SHOCKS = {
    "the 2024 academic-year peak": (date(2024, 9, 1), date(2024, 10, 12)),
    "the staff drop": (START + timedelta(days=500), START + timedelta(days=555)),
    "the growth from the third year": (START + timedelta(days=730), START + timedelta(days=820)),
}


def _poisson(rng: random.Random, mean: float) -> int:
    if mean > 30:  # normal approximation, rounded
        return max(0, round(rng.gauss(mean, math.sqrt(mean))))
    limit, k, product = math.exp(-mean), 0, rng.random()
    while product > limit:
        k += 1
        product *= rng.random()
    return k


def _inflow(day: date) -> float:
    factor = 1.25 if day >= SHOCKS["the growth from the third year"][0] else 1.0
    if day.month == 9 or (day.month == 10 and day.day <= 12):
        factor *= 2.0
    return factor


def _capacity(day: date) -> float:
    first, last = SHOCKS["the staff drop"]
    factor = 1.1 if day >= SHOCKS["the growth from the third year"][0] else 1.0
    return factor * (0.6 if first <= day <= last else 1.0)


def simulate(years: int = 3, seed: int = 2026, start: date = START) -> list[Case]:
    rng = random.Random(seed)
    cases: list[Case] = []
    for kind, (arrivals, capacity) in KINDS.items():
        queue: list[date] = []
        for offset in range(years * 365):
            day = start + timedelta(days=offset)
            queue += [day] * _poisson(rng, arrivals * _inflow(day))
            working = day.weekday() < 5
            decisions = _poisson(rng, capacity * _capacity(day)) if working else 0
            for _ in range(min(decisions, len(queue))):
                pick = 0 if rng.random() < 0.75 else rng.randrange(min(len(queue), decisions * 3))
                started = queue.pop(pick)
                cases.append(Case(kind, started, day, decided=rng.random() >= 0.03))
        cases += [Case(kind, started, None, False) for started in queue]
    return cases
