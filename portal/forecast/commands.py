"""`flask forecast backtest`: how honest would the expected decision dates have been on this
database's cases? Prints, per application kind, the decided cases replayed, how many would
have had a date, the median absolute error in days and the share of decisions inside the range."""

import click
from flask.cli import with_appcontext

from portal import clock

forecast_cli = click.Group("forecast", help="The expected decision date: backtest.")


def print_results(results, echo=click.echo) -> None:
    header = ("kind", "decided", "with date", "median error (days)", "inside range")
    echo(f"{header[0]:<22}{header[1]:>9}{header[2]:>11}{header[3]:>21}{header[4]:>14}")
    for kind, result in results.items():
        share = result.inside_share
        error = result.median_error_days
        echo(
            f"{kind:<22}{result.decided:>9}{result.estimated:>11}"
            f"{'–' if error is None else f'{error:.1f}':>21}"
            f"{'–' if share is None else f'{share:.1%}':>14}"
        )


@forecast_cli.command("backtest")
@with_appcontext
def backtest() -> None:
    """Replay this database's cases through the estimator, each at its submission day."""
    from portal.forecast import backtest as replaying
    from portal.forecast.expectation import recorded_cases
    from portal.reference.forecast import forecast_method

    print_results(replaying.replay(recorded_cases(), forecast_method(clock.today())))
