"""Reference data with validity dates: fees, size limits, decision periods.

The figures live in data.toml beside this module; code asks for the figure in
force on a date and gets ReferenceDataMissing when there is none.
"""

import tomllib
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

from portal.models.recognition import Category

DATA_FILE = Path(__file__).with_name("data.toml")


class ReferenceDataMissing(LookupError):
    """No figure is in force for the date asked."""

    def __init__(self, table: str, on: date):
        super().__init__(f"no {table} in force on {on.isoformat()}")
        self.table = table
        self.on = on


@cache
def _tables() -> dict[str, list[dict]]:
    with DATA_FILE.open("rb") as fh:
        return tomllib.load(fh)


def _in_force(table: str, on: date, **match) -> dict:
    for row in _tables()[table]:
        if any(row.get(k) != v for k, v in match.items()):
            continue
        if row["valid_from"] <= on <= row.get("valid_until", date.max):
            return row
    raise ReferenceDataMissing(table, on)


@dataclass(frozen=True)
class Fee:
    cents: int
    reduced: bool
    valid_from: date
    valid_until: date

    @property
    def euros(self) -> float:
        return self.cents / 100


def reduced_fee_applies(persons_employed: int, category: Category, on: date) -> bool:
    limit = _in_force("reduced_fee_size_limit", on)["persons"]
    return category == Category.EXCHANGE or persons_employed <= limit


def recognition_fee(
    persons_employed: int, category: Category, on: date, legal_form_change: bool = False
) -> Fee:
    """The recognition fee for an organisation of this size and category on a date. Reduced
    for small organisations, the exchange category, and when re-applying only because the
    organisation's legal form changed [V]."""
    reduced = legal_form_change or reduced_fee_applies(persons_employed, category, on)
    row = _in_force("recognition_fee", on)
    return Fee(
        cents=row["reduced_cents"] if reduced else row["regular_cents"],
        reduced=reduced,
        valid_from=row["valid_from"],
        valid_until=row["valid_until"],
    )


def decision_period_days(application_kind: str, on: date) -> int:
    return _in_force("decision_period", on, application_kind=application_kind)["days"]


@dataclass(frozen=True)
class PenaltyRules:
    grace_days: int
    max_days: int
    tiers: tuple[tuple[int, int], ...]  # (days, cents per day)
    verified: bool = False  # the amounts are confirmed by an official source

    @property
    def maximum_cents(self) -> int:
        return self.cents_after(self.grace_days + self.max_days)

    def cents_after(self, days_since_notice: int) -> int:
        """Penalty accrued when `days_since_notice` days have passed since the notice."""
        days = min(max(days_since_notice - self.grace_days, 0), self.max_days)
        total = 0
        for tier_days, cents in self.tiers:
            step = min(days, tier_days)
            total += step * cents
            days -= step
            if days <= 0:
                break
        return total


def late_decision_penalty(on: date) -> PenaltyRules:
    """The penalty rules for a notice of default received on a date."""
    row = _in_force("late_decision_penalty", on)
    return PenaltyRules(
        grace_days=row["grace_days"],
        max_days=row["max_days"],
        tiers=tuple((t["days"], t["cents_per_day"]) for t in row["tiers"]),
        verified=row.get("verified", False),
    )


@dataclass(frozen=True)
class ResponseTerm:
    days: int
    suspends_decision_period: bool
    verified: bool


def intended_decision_response(on: date) -> ResponseTerm:
    """The term to respond to an intended decision (Awb 4:8) issued on a date."""
    row = _in_force("intended_decision_response", on)
    return ResponseTerm(row["days"], row["suspends_decision_period"], row["verified"])


def extension_max_days(on: date) -> int:
    """The longest extension of a decision period (Awb 4:14) a reviewer may give on a date."""
    return _in_force("decision_period_extension", on)["max_days"]


@dataclass(frozen=True)
class SanctionPeriods:
    suspension_months: int
    extension_months: int
    warning_valid_years: int
    max_extensions: int


def sanction_periods(on: date) -> SanctionPeriods:
    row = _in_force("sanction_period", on)
    return SanctionPeriods(
        suspension_months=row["suspension_months"],
        extension_months=row["extension_months"],
        warning_valid_years=row["warning_valid_years"],
        max_extensions=row["max_extensions"],
    )


@dataclass(frozen=True)
class InformationRequestPeriod:
    default_days: int
    min_days: int
    max_days: int


def information_request_period(on: date) -> InformationRequestPeriod:
    row = _in_force("information_request_period", on)
    return InformationRequestPeriod(
        default_days=row["default_days"], min_days=row["min_days"], max_days=row["max_days"]
    )


@dataclass(frozen=True)
class BankAccount:
    account_holder: str
    iban: str
    bic: str


def ind_bank_account(on: date) -> BankAccount:
    """The IND's account that fees are paid into, as printed on fee letters."""
    row = _in_force("ind_bank_account", on)
    return BankAccount(account_holder=row["account_holder"], iban=row["iban"], bic=row["bic"])


def objection_period_weeks(on: date) -> int:
    return _in_force("objection_period", on)["weeks"]


def digest_window_days(on: date) -> int:
    """The daily overview lists to-do items overdue or due within this many days."""
    return _in_force("digest_window", on)["days"]


@dataclass(frozen=True)
class ProfileCheck:
    every_months: int
    announce_days: int
    staff_after_days: int


def profile_check(on: date) -> ProfileCheck:
    row = _in_force("profile_check", on)
    return ProfileCheck(row["every_months"], row["announce_days"], row["staff_after_days"])


@dataclass(frozen=True)
class MemberReview:
    inactive_months: int
    review_every_months: int


def member_review(on: date) -> MemberReview:
    row = _in_force("member_review", on)
    return MemberReview(row["inactive_months"], row["review_every_months"])


def keep_records_until(sponsorship_ended_on: date) -> date:
    """The date until which the file on a person must be kept, for a sponsorship ending then."""
    years = _in_force("record_retention", sponsorship_ended_on)["years"]
    try:
        return sponsorship_ended_on.replace(year=sponsorship_ended_on.year + years)
    except ValueError:  # 29 February → 28 February
        return sponsorship_ended_on.replace(year=sponsorship_ended_on.year + years, day=28)
