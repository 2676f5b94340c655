"""The rules of the work permits of issue 22, checked while the application is filled in.

Pure functions over dates and the reference data in force on the application date
(portal/reference/work.py), like portal/residence/rules.py. A figure not confirmed by an
official source says so in its message (`rules.unverified_note`).

Periods: a period "of at most N months" from a start date ends at the latest on the day before
the same date N months later (1 March 2026 + 3 years: 28 February 2029 at the latest). A stay
counts its first and last day (1 April to 29 June is 90 days).
"""

from collections.abc import Callable
from datetime import date, timedelta

from flask_babel import gettext as _

from portal.formatting import date_text
from portal.reference import work as ref
from portal.residence.rules import Problem, add_months, check_contract, unverified_note


def last_day_of(start: date, months: int) -> date:
    """The last day of a period of `months` months from `start` (inclusive)."""
    return add_months(start, months) - timedelta(days=1)


def stay_days(start: date, end: date) -> int:
    """Days of a stay, the first and the last day included."""
    return (end - start).days + 1


# --- intra-corporate transfer ---------------------------------------------------------------


def check_group_company(country: str, on: date) -> Problem | None:
    """The group company must be established outside the EU (Directive 2014/66/EU art. 2(1))."""
    if country not in ref.eu_member_states(on):
        return None
    return Problem(
        "ict_group_company_in_eu",
        _(
            "The group company is established in a member state of the European Union. The "
            "intra-corporate transfer permit is only for a transfer from a group company "
            "outside the EU: an employee of a company in the EU can work here under the free "
            "movement of services or the mobility of a permit from that member state."
        ),
    )


def check_prior_employment(role: str, since: date, start: date | None, on: date) -> Problem | None:
    """Employed within the group without interruption for at least N months before the transfer."""
    months = ref.ict_prior_employment_months(role, on)
    transfer = start or on
    latest = add_months(transfer, -months.value)
    if since <= latest:
        return None
    return Problem(
        "ict_prior_employment_too_short",
        _(
            "The person must have worked for the group for at least %(months)d months before the "
            "transfer starts on %(start)s, so since %(latest)s or earlier.",
            months=months.value,
            start=date_text(transfer),
            latest=date_text(latest),
        )
        + unverified_note(months.verified),
    )


def _transfer_ends_by(role: str, start: date, on: date):
    """(the role's maximum in months, the last day a transfer from `start` may end)."""
    months = ref.ict_max_months(role, on)
    return months, last_day_of(start, months.value)


def check_transfer_period(role: str | None, start: date | None, end: date, on: date):
    """The end date makes sense, and the transfer lasts at most 3 years (manager, specialist)
    or 1 year (trainee): Directive 2014/66/EU art. 12(1)."""
    problem = check_contract(start, end, on)
    if problem is not None or start is None or role is None:
        return problem
    months, latest = _transfer_ends_by(role, start, on)
    if end <= latest:
        return None
    return Problem(
        "ict_transfer_too_long",
        _(
            "A transfer as %(role)s lasts at most %(months)d months: from %(start)s the end date "
            "can be %(latest)s at the latest.",
            role=ROLE_NAMES[role](),
            months=months.value,
            start=date_text(start),
            latest=date_text(latest),
        )
        + unverified_note(months.verified),
    )


def check_transfer_total(role: str | None, first_start: date, end: date | None, on: date):
    """A transfer that continues an earlier one (the person's ICT permit with the organisation
    runs up to this transfer's start): the maximum of art. 12(1) counts from the first
    permit's start, not from this application's."""
    if role is None or end is None:
        return None
    months, latest = _transfer_ends_by(role, first_start, on)
    if end <= latest:
        return None
    return Problem(
        "ict_transfer_total_too_long",
        _(
            "This transfer continues the one that began on %(first)s (the person's earlier "
            "intra-corporate transfer permit with your organisation). A transfer as %(role)s "
            "lasts at most %(months)d months in all: the end date can be %(latest)s at the "
            "latest.",
            first=date_text(first_start),
            role=ROLE_NAMES[role](),
            months=months.value,
            latest=date_text(latest),
        )
        + unverified_note(months.verified),
    )


ROLE_NAMES = {
    "manager": lambda: _("manager"),
    "specialist": lambda: _("specialist"),
    "trainee": lambda: _("trainee employee"),
}


def check_mobility(mobility: str, country: str | None, days: int | None, on: date):
    """Work in another member state: which state (in the EU, not the Netherlands) and how long;
    short-term mobility (a notification) is at most 90 days in any 180, long-term more."""
    problems: dict[str, Problem] = {}
    if mobility not in ("short_term", "long_term"):
        return problems
    if not country:
        problems["mobility_country"] = Problem(
            "mobility_country_missing", _("Choose the member state the person will work in")
        )
    elif country == "NL" or country not in ref.eu_member_states(on):
        problems["mobility_country"] = Problem(
            "mobility_country_not_eu",
            _("Choose a member state of the European Union other than the Netherlands"),
        )
    limit = ref.ict_short_term_max_days(on)
    if days is None:
        problems["mobility_days"] = Problem(
            "mobility_days_missing", _("Enter the number of days in that member state")
        )
    elif mobility == "short_term" and days > limit.value:
        problems["mobility_days"] = Problem(
            "short_term_too_long",
            _(
                "Short-term mobility is at most %(limit)d days in any 180-day period. For "
                "%(days)d days choose long-term mobility.",
                limit=limit.value,
                days=days,
            ),
        )
    elif mobility == "long_term" and days <= limit.value:
        problems["mobility_days"] = Problem(
            "long_term_too_short",
            _(
                "Long-term mobility is more than %(limit)d days. For %(days)d days choose "
                "short-term mobility (a notification).",
                limit=limit.value,
                days=days,
            ),
        )
    return problems


# --- single permit (GVVA) ------------------------------------------------------------------


def check_vacancy(reported_on: date, on: date) -> Problem | None:
    """The vacancy was reported to UWV at least N weeks before the application."""
    weeks = ref.gvva_vacancy_min_weeks(on)
    latest = on - timedelta(weeks=weeks.value)
    if reported_on <= latest:
        return None
    return Problem(
        "vacancy_too_recent",
        _(
            "The vacancy must have been reported to UWV at least %(weeks)d weeks before the "
            "application, so on %(latest)s or earlier. Save this application as a draft and "
            "submit it from %(from)s.",
            weeks=weeks.value,
            latest=date_text(latest),
            **{"from": date_text(reported_on + timedelta(weeks=weeks.value))},
        )
        + unverified_note(weeks.verified),
    )


# --- seasonal work --------------------------------------------------------------------------


def check_seasonal_period(start: date | None, end: date, on: date) -> Problem | None:
    """More than 90 days (shorter: UWV work permit and short-stay visa, outside this portal),
    at most the maximum in reference data."""
    problem = check_contract(start, end, on)
    if problem is not None or start is None:
        return problem
    days = stay_days(start, end)
    short = ref.seasonal_short_stay_days(on)
    if days <= short.value:
        return Problem(
            "seasonal_short_stay",
            _(
                "From %(start)s to %(end)s is %(days)d days. Seasonal work of %(limit)d days or "
                "less needs a work permit from UWV (applied for by the employer) and a "
                "short-stay visa: that is not applied for in this portal.",
                start=date_text(start),
                end=date_text(end),
                days=days,
                limit=short.value,
            ),
        )
    longest = ref.seasonal_max_days(on)
    if days > longest.value:
        return Problem(
            "seasonal_too_long",
            _(
                "Seasonal work lasts at most %(limit)d days: from %(start)s the end date can be "
                "%(latest)s at the latest.",
                limit=longest.value,
                start=date_text(start),
                latest=date_text(start + timedelta(days=longest.value - 1)),
            )
            + unverified_note(longest.verified),
        )
    return None


# --- change of purpose to highly skilled migrant ----------------------------------------------


def check_permit_still_valid(expires: date, on: date) -> Problem | None:
    """A change of purpose is applied for while the current permit is valid."""
    if on <= expires:
        return None
    return Problem(
        "current_permit_expired",
        _(
            "The current residence permit expired on %(expires)s: its purpose can no longer be "
            "changed. Apply for a highly skilled migrant permit (entry and residence) instead.",
            expires=date_text(expires),
        ),
    )


def check_reduced_period(graduated_on: date, on: date) -> Problem | None:
    """The reduced salary criterion applies within N years after graduating."""
    years = ref.reduced_criterion_years(on)
    latest = last_day_of(graduated_on, 12 * years.value)
    if on <= latest:
        return None
    return Problem(
        "reduced_criterion_expired",
        _(
            "The reduced salary criterion applies until %(latest)s, %(years)d years after "
            "graduating on %(graduated)s. Apply as a highly skilled migrant with the standard "
            "salary criterion instead.",
            latest=date_text(latest),
            years=years.value,
            graduated=date_text(graduated_on),
        )
        + unverified_note(years.verified),
    )


# --- the rules by name (Field.rule), over a section's clean values ----------------------------


def _one(field: str, problem: Problem | None) -> dict[str, Problem]:
    return {field: problem} if problem else {}


RULES: dict[str, Callable[[dict, date], dict[str, Problem]]] = {
    "ict_outside_eu": lambda v, on: _one(
        "group_company_country", check_group_company(v["group_company_country"], on)
    ),
    "ict_prior_employment": lambda v, on: _one(
        "employed_in_group_since",
        v.get("role")
        and check_prior_employment(
            v["role"], v["employed_in_group_since"], v.get("start_date"), on
        ),
    ),
    "ict_transfer_period": lambda v, on: _one(
        "end_date", check_transfer_period(v.get("role"), v.get("start_date"), v["end_date"], on)
    ),
    "ict_mobility": lambda v, on: check_mobility(
        v["mobility"], v.get("mobility_country"), v.get("mobility_days"), on
    ),
    "gvva_vacancy": lambda v, on: _one(
        "vacancy_reported_on", check_vacancy(v["vacancy_reported_on"], on)
    ),
    "seasonal_period": lambda v, on: _one(
        "end_date", check_seasonal_period(v.get("start_date"), v["end_date"], on)
    ),
    "permit_still_valid": lambda v, on: _one(
        "current_permit_expires", check_permit_still_valid(v["current_permit_expires"], on)
    ),
    "reduced_criterion_period": lambda v, on: _one(
        "graduated_on", check_reduced_period(v["graduated_on"], on)
    ),
}


def check(rule: str, field: str, values: dict, on: date) -> dict[str, Problem]:
    """The problems of one named rule, by field; none while its own field is empty."""
    if values.get(field) is None:
        return {}
    return RULES[rule](values, on)
