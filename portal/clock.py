"""Legal dates are Dutch dates: 'today' is today in Amsterdam, not on the server.

Every timestamp the portal writes (`portal.models.base.utcnow`) and every 'today' comes from
here. `at(moment)` sets the clock to a past moment for the code run inside it: only the demo
data (portal/demo.py) uses it, so that its history happened on the dates it shows.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

AMSTERDAM = ZoneInfo("Europe/Amsterdam")

_moment: ContextVar[datetime | None] = ContextVar("portal_clock_moment", default=None)


def now() -> datetime:
    """Now, in UTC."""
    return _moment.get() or datetime.now(UTC)


def today() -> date:
    return now().astimezone(AMSTERDAM).date()


def local_date(moment: datetime) -> date:
    return moment.astimezone(AMSTERDAM).date()


@contextmanager
def at(moment: datetime) -> Iterator[None]:
    """Run the enclosed code as if it were `moment` (timezone-aware)."""
    token = _moment.set(moment.astimezone(UTC))
    try:
        yield
    finally:
        _moment.reset(token)
