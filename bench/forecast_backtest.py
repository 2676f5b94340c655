"""The expected decision date's backtest on a generated multi-year history (synthetic: see
bench/queue_simulator.py) — is the shown range honest when inflow and capacity change?

    .venv/bin/python bench/forecast_backtest.py [--years 3] [--seed 2026]

Prints, per kind and for the cases submitted during the shocks, the median absolute error in
days and the share of decisions inside the shown range (goal 75–85 % for an 80 % range).
"""

import argparse
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.queue_simulator import SHOCKS, simulate  # noqa: E402
from portal.forecast.backtest import replay  # noqa: E402
from portal.forecast.commands import print_results  # noqa: E402
from portal.reference.forecast import forecast_method  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--years", type=int, default=3)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    method = forecast_method(date(2026, 12, 5))
    started = time.perf_counter()
    cases = simulate(years=args.years, seed=args.seed)
    print(f"SYNTHETIC history: {len(cases):,} cases over {args.years} years (seed {args.seed})")
    print(f"method: window {method.window_weeks} weeks, rate over {method.rate_days} days, "
          f"range {method.range_share:.0%}")  # fmt: skip
    print_results(replay(cases, method), echo=print)
    for name, (first, last) in SHOCKS.items():
        during = [c for c in cases if first <= c.started_on <= last]
        print(f"\nsubmitted during {name} ({first} – {last}):")
        print_results({"all": replay(during, method, history_of=cases)["all"]}, echo=print)
    print(f"\n{time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
