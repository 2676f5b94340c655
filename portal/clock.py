"""Legal dates are Dutch dates: 'today' is today in Amsterdam, not on the server."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def today() -> date:
    return datetime.now(AMSTERDAM).date()


def local_date(moment: datetime) -> date:
    return moment.astimezone(AMSTERDAM).date()
