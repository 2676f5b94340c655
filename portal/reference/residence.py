"""Reference data for residence applications: thresholds, fees, periods, with validity dates.

Every figure comes from data.toml; a date or type without a figure raises
ReferenceDataMissing, and the caller says so instead of inventing one.
"""

from dataclasses import dataclass
from datetime import date

from portal.reference import ReferenceDataMissing, _in_force, _tables

RESIDENCE = "residence"


@dataclass(frozen=True)
class Threshold:
    criterion: str
    monthly_cents: int
    valid_from: date
    valid_until: date
    source: str
    verified: bool = True


@dataclass(frozen=True)
class ResidenceFee:
    fee_type: str
    cents: int
    valid_from: date
    valid_until: date


def salary_threshold(criterion: str, on: date) -> Threshold:
    """The salary threshold for a criterion in force on the application date."""
    row = _in_force("salary_threshold", on, criterion=criterion)
    return Threshold(
        criterion=criterion,
        monthly_cents=row["monthly_cents"],
        valid_from=row["valid_from"],
        valid_until=row.get("valid_until", date.max),
        source=row["source"],
        verified=row.get("verified", True),
    )


def criterion_starts(criterion: str) -> date:
    """The first day any threshold for this criterion is in force (e.g. the Blue Card change)."""
    return min(
        r["valid_from"] for r in _tables()["salary_threshold"] if r["criterion"] == criterion
    )


def residence_fee(kind: str, on: date) -> ResidenceFee:
    """The fee for an application type on a date; ReferenceDataMissing when not known."""
    fee_type = _tables()["residence_fee_type"].get(kind)
    if fee_type is None:
        raise ReferenceDataMissing("residence_fee", on)
    row = _in_force("residence_fee", on, fee_type=fee_type)
    return ResidenceFee(
        fee_type=fee_type,
        cents=row["cents"],
        valid_from=row["valid_from"],
        valid_until=row.get("valid_until", date.max),
    )


def target_period_days(on: date) -> int:
    return _in_force("target_period", on, application_kind=RESIDENCE)["days"]


def extension_window_months(on: date) -> int:
    return _in_force("extension_window", on)["months"]
