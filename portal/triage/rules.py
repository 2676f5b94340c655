"""The triage rules. Each reads only the facts it declares in `reads` — the organisation and
the case, never the person: tests/test_triage.py fails when a rule reads a protected
characteristic (nationality, sex, date or place of birth, …) or anything about the person."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from portal import reference
from portal.backoffice.audit_log import local_midnight
from portal.extensions import db
from portal.models import Application, ApplicationStatus, Sanction, SanctionKind


@dataclass(frozen=True)
class Rule:
    key: str
    title: object  # lazy text
    explain: Callable[[dict], object]  # why it fired, from the parameters
    reads: tuple[str, ...]  # the facts it reads, "Model.field"
    fires: Callable[[Application, dict, date], bool]
    parameter_labels: dict  # parameter name → label (whole numbers)


def _months_ago(today: date, months: int) -> date:
    return today - timedelta(days=round(months * 30.44))


def _new_organisation(application, parameters, today):
    joined = application.organisation.created_at.date()
    return joined > _months_ago(today, parameters["months"])


def _sanction_in_force(application, parameters, today):
    years = reference.sanction_periods(today).warning_valid_years
    since = today.replace(year=today.year - years)
    return bool(
        db.session.scalar(
            select(func.count())
            .select_from(Sanction)
            .where(
                Sanction.organisation_id == application.organisation_id,
                Sanction.kind.in_((SanctionKind.WARNING, SanctionKind.FINE)),
                Sanction.starts_on >= since,
            )
        )
    )


def _earlier(application, *conditions) -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(Application)
        .where(
            Application.organisation_id == application.organisation_id,
            Application.kind == application.kind,
            Application.id != application.id,
            *conditions,
        )
    )


def _earlier_refusal(application, parameters, today):
    since = local_midnight(_months_ago(today, parameters["months"]))
    return bool(
        _earlier(
            application,
            Application.status == ApplicationStatus.REFUSED,
            Application.decided_at >= since,
        )
    )


def _first_of_kind(application, parameters, today):
    return not _earlier(application, Application.status == ApplicationStatus.GRANTED)


RULES = (
    Rule(
        "new_organisation",
        _l("A new organisation"),
        lambda p: _l(
            "The organisation has been known to the IND for less than %(months)d months: a"
            " starting organisation needs the RVO's advice on continuity and solvency.",
            months=p["months"],
        ),
        ("Organisation.created_at",),
        _new_organisation,
        {"months": _l("Months")},
    ),
    Rule(
        "sanction_in_force",
        _l("A warning or fine in force"),
        lambda p: _l("The organisation had a warning or a fine within the years a warning counts."),
        ("Sanction.organisation_id", "Sanction.kind", "Sanction.starts_on"),
        _sanction_in_force,
        {},
    ),
    Rule(
        "earlier_refusal",
        _l("An earlier refusal"),
        lambda p: _l(
            "An application of this kind by the organisation was refused in the last"
            " %(months)d months.",
            months=p["months"],
        ),
        (
            "Application.organisation_id",
            "Application.kind",
            "Application.status",
            "Application.decided_at",
        ),
        _earlier_refusal,
        {"months": _l("Months")},
    ),  # fmt: skip
    Rule(
        "first_of_kind",
        _l("A first application of its kind"),
        lambda p: _l("The organisation has had no application of this kind granted before."),
        ("Application.organisation_id", "Application.kind", "Application.status"),
        _first_of_kind,
        {},
    ),
)
BY_KEY = {rule.key: rule for rule in RULES}
