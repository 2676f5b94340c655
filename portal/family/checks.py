"""What a family member's application needs from its main application before it can be
submitted: the main application still stands, and the income requirement is met through the
main applicant's salary (or, for a student's or researcher's family, the means requirement)."""

from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _

from portal.family import links
from portal.family import rules as family_rules
from portal.labels import STATUS
from portal.models import Application, ApplicationStatus, Category
from portal.residence.rules import Problem

ENDED = (ApplicationStatus.WITHDRAWN, ApplicationStatus.REFUSED, ApplicationStatus.NOT_CONSIDERED)
MEANS_CATEGORIES = (Category.STUDY, Category.RESEARCH)


@dataclass(frozen=True)
class Income:
    """How the income requirement is met: "salary" (the main applicant's, with its threshold)
    or "means" (the means requirement, its amount None when not in the reference data)."""

    basis: str
    threshold_cents: int | None = None
    means: family_rules.MeansCheck | None = None


def _main_salary(main: Application, today: date) -> tuple[int | None, int | None]:
    """(salary, threshold) of the main application: as sent, or as the draft stands today."""
    if main.snapshot:
        job = (main.snapshot.get("answers") or {}).get("job") or {}
        return job.get("monthly_salary"), main.snapshot.get("salary_threshold_cents")
    from portal.residence.answers import check
    from portal.residence.types import TYPES

    checked = check(TYPES[main.kind], main.answers, today)
    salary = checked.salary
    if salary is None or salary.problem is not None:
        return None, None
    return (checked.values.get("job") or {}).get("monthly_salary"), salary.threshold_cents


def _means_of(application: Application, today: date) -> int | None:
    from portal.residence.answers import check
    from portal.residence.types import TYPES

    values = check(TYPES[application.kind], application.answers, today).values
    return (values.get("means") or {}).get("monthly_means")


def income_of(application: Application, main: Application, today: date) -> tuple[Income, list]:
    """How the family's income requirement is met, and the problems (none: it is met or the IND
    checks it by hand because the reference data has no amount)."""
    if main.category in MEANS_CATEGORIES:
        means = family_rules.check_means(main.category.value, _means_of(application, today), today)
        return Income("means", means=means), [means.problem] if means.problem else []
    salary, threshold = _main_salary(main, today)
    if salary is None or threshold is None or salary < threshold:
        return Income("salary"), [
            Problem(
                "income_not_met",
                _(
                    "The family's income requirement is met through the main applicant's salary, "
                    "and the main application (%(main)s) has no salary that meets its criterion "
                    "yet. Complete its job section first.",
                    main=main.reference or _("draft"),
                ),
            )
        ]
    return Income("salary", threshold_cents=threshold), []


def problems(application: Application, today: date) -> list[Problem]:
    """What stops this family member's application from being submitted (empty for other
    types, and when nothing does)."""
    from portal.residence.types import TYPES

    if not TYPES[application.kind].with_main:
        return []
    link = links.link_of(application)
    if link is None:
        return [Problem("no_main_application", _("File it from the main applicant's page."))]
    main = link.main_application
    if main.status in ENDED:
        return [
            Problem(
                "main_application_ended",
                _(
                    "The main application %(main)s has ended (%(status)s): a family member's "
                    "application follows it and cannot be submitted on its own.",
                    main=main.reference,
                    status=str(STATUS[main.status]).lower(),
                ),
            )
        ]
    if main.category == Category.EXCHANGE:
        return [
            Problem(
                "family_not_offered",
                _("Family members of exchange participants cannot be filed in this portal."),
            )
        ]
    return income_of(application, main, today)[1]


def main_not_granted(application: Application) -> str | None:
    """A family member's permit follows the main permit (its validity is the main one's): the
    main application is decided first. The main application's reference while it is not
    granted, else None (and None for other types)."""
    from portal.residence.types import TYPES

    rtype = TYPES.get(application.kind)
    if rtype is None or not rtype.with_main:
        return None
    link = links.link_of(application)
    if link is None or link.main_application.status == ApplicationStatus.GRANTED:
        return None
    return link.main_application.reference or str(link.main_application_id)
