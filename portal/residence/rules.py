"""The rules a residence application must meet, checked while it is filled in.

Plain functions over dates and amounts; every figure comes from the reference data
(portal/reference/data.toml) in force on the application date. A failed check is a
`Problem` whose message names the threshold or date and the reason, so the user can
fix it. Nothing here touches the database.
"""

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import gettext as _

from portal.formatting import date_text, money
from portal.reference import ReferenceDataMissing, decision_period_days
from portal.reference import residence as ref

# Application types (ApplicationKind values) and the salary criteria that apply to them.
HSM_KINDS = (
    "hsm_entry",
    "hsm_residence",
    "hsm_extension",
    "hsm_change_employer",
    "hsm_change_purpose",  # always the reduced criterion (issue 22)
)
BLUE_CARD_KINDS = ("eu_blue_card",)


@dataclass(frozen=True)
class Problem:
    """A rule not met: a code for tests and logs, and the message."""

    code: str
    message: str

    def __str__(self) -> str:
        return self.message


# --- input as people type it ----------------------------------------------------------

_SPACES = re.compile(r"[\s\u00a0\u202f\u2009]+")
_CURRENCY = re.compile(r"^(€|eur|euro)|(€|eur|euro|,-|\.-)$", re.IGNORECASE)


class InputNotUnderstood(ValueError):
    """The text cannot be read as the value asked for; the message says how to write it."""


def _group_ok(integer_part: str, separator: str) -> bool:
    groups = integer_part.split(separator)
    return (
        1 <= len(groups[0]) <= 3
        and not (groups[0].startswith("0") and len(groups) > 1)
        and all(len(g) == 3 for g in groups[1:])
        and all(g.isdigit() for g in groups)
    )


def parse_salary(text: str) -> int:
    """Euros as typed in the Netherlands or abroad → cents.

    Accepted: 5942 · 5942,50 · 5.942 · 5.942,00 · € 5 942 · 5,942 · 5,942.00 · 5942.5
    A separator followed by exactly three digits is a thousands separator (an amount of
    money has at most two decimals). Rejected as ambiguous: the same separator used for
    thousands and decimals (5.942.00, 5,942,00) and any mix that reads two ways.
    """
    raw = (text or "").strip()
    cleaned = _SPACES.sub("", raw)
    previous = None
    while previous != cleaned:
        previous = cleaned
        cleaned = _CURRENCY.sub("", cleaned)
    example = _("Enter the amount in euros, for example 5942 or 5.942,00")
    if not cleaned:
        raise InputNotUnderstood(_("Enter the gross monthly salary in euros"))
    if cleaned.startswith("-"):
        raise InputNotUnderstood(_("The salary cannot be negative. %(example)s", example=example))
    if not re.fullmatch(r"[\d.,]+", cleaned) or not cleaned[0].isdigit():
        raise InputNotUnderstood(
            _("'%(text)s' is not an amount. %(example)s", text=raw, example=example)
        )
    ambiguous = _(
        "'%(text)s' can be read in more than one way. Write it without thousands separators, "
        "for example 5942 or 5942,50",
        text=raw,
    )
    dots, commas = cleaned.count("."), cleaned.count(",")
    integer, decimals = cleaned, ""
    if dots and commas:
        decimal_sep = "." if cleaned.rfind(".") > cleaned.rfind(",") else ","
        thousands_sep = "," if decimal_sep == "." else "."
        if cleaned.count(decimal_sep) != 1:
            raise InputNotUnderstood(ambiguous)
        integer, decimals = cleaned.split(decimal_sep)
        if not _group_ok(integer, thousands_sep):
            raise InputNotUnderstood(ambiguous)
        integer = integer.replace(thousands_sep, "")
    elif dots or commas:
        sep = "." if dots else ","
        parts = cleaned.split(sep)
        if len(parts) == 2 and len(parts[1]) in (1, 2):
            integer, decimals = parts
        elif len(parts) >= 2 and _group_ok(cleaned, sep):
            integer = cleaned.replace(sep, "")
        else:
            raise InputNotUnderstood(ambiguous)
    if not integer.isdigit() or len(decimals) > 2 or (decimals and not decimals.isdigit()):
        raise InputNotUnderstood(ambiguous)
    cents = int(integer) * 100 + int((decimals + "00")[:2])
    if cents > 100_000_000:
        raise InputNotUnderstood(
            _(
                "'%(text)s' is more than a monthly salary can be. %(example)s",
                text=raw,
                example=example,
            )
        )
    return cents


# --- dates ------------------------------------------------------------------------------


def age_on(birth_date: date, on: date) -> int:
    """Completed years on a date: the birthday itself counts (born 29 Feb: 1 Mar in other years)."""
    return on.year - birth_date.year - ((on.month, on.day) < (birth_date.month, birth_date.day))


def add_months(day: date, months: int) -> date:
    """The same day so many months later or earlier; the last day of a shorter month."""
    year, month0 = divmod(day.year * 12 + day.month - 1 + months, 12)
    month = month0 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def extension_window(permit_expires: date, on: date) -> tuple[date, date]:
    """First and last day an extension may be applied for: from N months before expiry to expiry."""
    months = ref.extension_window_months(on)
    return add_months(permit_expires, -months), permit_expires


def check_extension(permit_expires: date, on: date) -> Problem | None:
    opens, closes = extension_window(permit_expires, on)
    if on < opens:
        return Problem(
            "extension_too_early",
            _(
                "An extension can be applied for from %(opens)s: no earlier than %(months)d months "
                "before the current permit expires on %(expires)s. Save this application as a "
                "draft and submit it from %(opens)s.",
                months=ref.extension_window_months(on),
                opens=date_text(opens),
                expires=date_text(permit_expires),
            ),
        )
    if on > closes:
        return Problem(
            "permit_expired",
            _(
                "The current permit expired on %(expires)s, so it can no longer be extended. "
                "Apply for a new residence permit instead.",
                expires=date_text(permit_expires),
            ),
        )
    return None


def check_contract(start: date | None, end: date | None, on: date) -> Problem | None:
    """The requested validity follows the contract end date, so that date must make sense."""
    if end is None:
        return None
    if start is not None and end <= start:
        return Problem(
            "contract_end_before_start",
            _(
                "The contract end date (%(end)s) must be after the start date (%(start)s).",
                end=date_text(end),
                start=date_text(start),
            ),
        )
    if end <= on:
        return Problem(
            "contract_ended",
            _(
                "The contract end date (%(end)s) has passed: the permit's validity follows the "
                "contract, so a permit cannot be requested for it.",
                end=date_text(end),
            ),
        )
    return None


def requested_validity(contract_end: date | None) -> date | None:
    """The permit is requested until the contract end date; open-ended: the IND's maximum.

    rules.md gives no maximum validity per type, so none is applied here.
    """
    return contract_end


# --- salary -----------------------------------------------------------------------------

CRITERION_NAMES = {
    "hsm_30_plus": lambda: _("highly skilled migrant aged 30 or older"),
    "hsm_under_30": lambda: _("highly skilled migrant under 30"),
    "hsm_reduced": lambda: _("highly skilled migrant, reduced criterion (recent graduate)"),
    "blue_card": lambda: _("EU Blue Card"),
    "blue_card_recent_graduate": lambda: _("EU Blue Card, recent graduate"),
    "ict_manager": lambda: _("intra-corporate transferee, manager"),
    "ict_specialist": lambda: _("intra-corporate transferee, specialist"),
    "ict_trainee": lambda: _("intra-corporate transferee, trainee"),
}
ICT_ROLES = ("manager", "specialist", "trainee")


def salary_criterion(
    kind: str,
    birth_date: date,
    on: date,
    *,
    reduced: bool = False,
    recent_graduate: bool = False,
    role: str | None = None,
) -> str | None:
    """Which salary criterion applies on the application date, or None (no threshold)."""
    if kind == "ict":  # per role (reference data marked unverified)
        return f"ict_{role}" if role in ICT_ROLES else None
    if kind in HSM_KINDS:
        if reduced or kind == "hsm_change_purpose":
            return "hsm_reduced"
        return "hsm_30_plus" if age_on(birth_date, on) >= 30 else "hsm_under_30"
    if kind in BLUE_CARD_KINDS:
        return "blue_card_recent_graduate" if recent_graduate else "blue_card"
    return None


@dataclass(frozen=True)
class SalaryCheck:
    criterion: str | None
    threshold_cents: int | None
    problem: Problem | None
    verified: bool = True  # the threshold is confirmed by a source (not marked unverified)


def check_salary(
    kind: str,
    monthly_cents: int,
    birth_date: date,
    on: date,
    *,
    reduced: bool = False,
    recent_graduate: bool = False,
    role: str | None = None,
) -> SalaryCheck:
    """Salary at or above the threshold for the criterion in force on the application date."""
    criterion = salary_criterion(
        kind, birth_date, on, reduced=reduced, recent_graduate=recent_graduate, role=role
    )
    if criterion is None:
        return SalaryCheck(None, None, None)
    name = CRITERION_NAMES[criterion]()
    try:
        threshold = ref.salary_threshold(criterion, on)
    except ReferenceDataMissing:
        starts = ref.criterion_starts(criterion)
        if on < starts:
            problem = Problem(
                "criterion_not_in_force",
                _(
                    "The criterion '%(criterion)s' applies to applications from %(starts)s. "
                    "On %(on)s it does not exist yet: choose the standard criterion.",
                    criterion=name,
                    starts=date_text(starts),
                    on=date_text(on),
                ),
            )
        else:
            problem = Problem(
                "threshold_unknown",
                _(
                    "The salary threshold for %(criterion)s on %(on)s is not in the portal's "
                    "reference data yet, so the salary cannot be checked. Try again once the "
                    "IND has published the new thresholds.",
                    criterion=name,
                    on=date_text(on),
                ),
            )
        return SalaryCheck(criterion, None, problem)
    if monthly_cents >= threshold.monthly_cents:
        return SalaryCheck(criterion, threshold.monthly_cents, None, threshold.verified)
    problem = Problem(
        "salary_below_threshold",
        _(
            "A gross monthly salary of %(salary)s is below the threshold of %(threshold)s for a "
            "%(criterion)s on the application date, %(on)s. Enter the salary excluding the "
            "holiday allowance; it must be at least %(threshold)s.",
            salary=money(monthly_cents),
            threshold=money(threshold.monthly_cents),
            criterion=name,
            on=date_text(on),
        )
        + unverified_note(threshold.verified),
    )
    return SalaryCheck(criterion, threshold.monthly_cents, problem, threshold.verified)


def unverified_note(verified: bool) -> str:
    """Said after a figure not confirmed by an official source (reference data, configurable)."""
    if verified:
        return ""
    return " " + _(
        "This figure is not yet confirmed by an official source: it is reference data the IND "
        "can change."
    )


# --- fee and deadlines ------------------------------------------------------------------


def fee(kind: str, on: date) -> ref.ResidenceFee | None:
    """The fee for the type in the year of the application date, or None when not known."""
    try:
        return ref.residence_fee(kind, on)
    except ReferenceDataMissing:
        return None


def statutory_deadline(application_date: date) -> date:
    return application_date + timedelta(days=decision_period_days(ref.RESIDENCE, application_date))


def target_date(application_date: date, recognised_sponsor: bool) -> date | None:
    """Two weeks for a recognised sponsor's complete application; no target otherwise."""
    if not recognised_sponsor:
        return None
    return application_date + timedelta(days=ref.target_period_days(application_date))
