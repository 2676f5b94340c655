"""Reference data for fees: the payment term (and, in data.toml, when the statutory decision
period of an application kind starts: the day of payment or of submission)."""

from datetime import date

from portal.reference import _in_force


def payment_term_days(on: date) -> int:
    return _in_force("fee_payment_term", on)["days"]
