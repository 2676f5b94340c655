"""Reference data for the work permits of issue 22 (ICT, GVVA, seasonal work, change of
purpose), with validity dates and a `verified` flag: a figure not confirmed by an official
source is used, but pages say it is unverified and configurable."""

from dataclasses import dataclass
from datetime import date

from portal.reference import _in_force


@dataclass(frozen=True)
class Figure:
    """A number from the reference data with its status, for messages and pages."""

    value: int
    verified: bool
    source: str


def _figure(row: dict, key: str) -> Figure:
    return Figure(row[key], bool(row.get("verified", False)), row["source"])


def eu_member_states(on: date) -> frozenset[str]:
    return frozenset(_in_force("eu_member_states", on)["countries"])


def ict_max_months(role: str, on: date) -> Figure:
    return _figure(_in_force("ict_role", on, role=role), "max_months")


def ict_prior_employment_months(role: str, on: date) -> Figure:
    return _figure(_in_force("ict_role", on, role=role), "prior_employment_months")


def ict_short_term_max_days(on: date) -> Figure:
    return _figure(_in_force("ict_mobility", on), "short_term_max_days")


def gvva_vacancy_min_weeks(on: date) -> Figure:
    return _figure(_in_force("gvva_vacancy", on), "min_weeks")


@dataclass(frozen=True)
class UwvAdviceRules:
    suspends_decision_period: bool
    term_days: int
    verified: bool
    source: str


def uwv_advice(on: date) -> UwvAdviceRules:
    row = _in_force("uwv_advice", on)
    return UwvAdviceRules(
        row["suspends_decision_period"], row["term_days"], row["verified"], row["source"]
    )


def seasonal_short_stay_days(on: date) -> Figure:
    return _figure(_in_force("seasonal_stay", on), "short_stay_days")


def seasonal_max_days(on: date) -> Figure:
    return _figure(_in_force("seasonal_stay", on), "max_days")


def reduced_criterion_years(on: date) -> Figure:
    return _figure(_in_force("reduced_criterion_period", on), "years")
