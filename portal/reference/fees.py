"""Reference data for fees: the payment term, and when the statutory decision period of an
application kind starts (the day of payment or of submission)."""

from dataclasses import dataclass
from datetime import date

from portal.reference import ReferenceDataMissing, _in_force, _tables

PAYMENT = "payment"


def payment_term_days(on: date) -> int:
    return _in_force("fee_payment_term", on)["days"]


def reminder_term_days(on: date) -> int:
    return _in_force("fee_reminder_term", on)["days"]


@dataclass(frozen=True)
class PeriodStart:
    starts: str  # PAYMENT or "submission"
    verified: bool
    source: str

    @property
    def from_payment(self) -> bool:
        return self.starts == PAYMENT


def decision_period_start(application_kind: str, on: date) -> PeriodStart:
    """When the decision period of a kind starts, for a case submitted on `on`."""
    for row in _tables()["decision_period_start"]:
        if application_kind not in row["application_kinds"]:
            continue
        if row["valid_from"] <= on <= row.get("valid_until", date.max):
            return PeriodStart(row["starts"], row["verified"], row["source"])
    raise ReferenceDataMissing("decision_period_start", on)
