"""The family members' rules as plain functions over answers, dates and reference data: a
child is under 18 on the application date (and is flagged when 18 before the decision is
due), a certificate from abroad has an apostille or is legalised, the means requirement for a
student's or researcher's family. Nothing here touches the database."""

from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _

from portal.formatting import date_text, money
from portal.reference import ReferenceDataMissing
from portal.reference import family as ref
from portal.residence.rules import Problem, add_months, age_on

ADULT_AGE = 18


def eighteenth_birthday(birth_date: date) -> date:
    """The day the child turns 18 (born 29 February: 28 February, as add_months reads it, is
    not the birthday: age_on counts from 1 March)."""
    birthday = add_months(birth_date, 12 * ADULT_AGE)
    return (
        birthday
        if age_on(birth_date, birthday) >= ADULT_AGE
        else date.fromordinal(birthday.toordinal() + 1)
    )


def check_minor(person: dict, today: date) -> Problem | None:
    """A child can be filed as a family member only while under 18 on the application date."""
    born = person.get("date_of_birth")
    if born is None or age_on(born, today) < ADULT_AGE:
        return None
    return Problem(
        "child_adult",
        _(
            "The child turned 18 on %(birthday)s: on the application date, %(on)s, the child is "
            "an adult and cannot be filed as a child family member.",
            birthday=date_text(eighteenth_birthday(born)),
            on=date_text(today),
        ),
    )


def turns_18_before(birth_date: date, application_date: date | None, deadline: date | None):
    """The 18th birthday when it falls after the application date (None: the case was
    submitted, and the age rule held on its application date) and on or before the decision
    deadline: the reviewer is told. Else None."""
    birthday = eighteenth_birthday(birth_date)
    if deadline is None or birthday > deadline:
        return None
    if application_date is not None and birthday <= application_date:
        return None
    return birthday


def check_legalisation(section: dict, today: date) -> Problem | None:
    """A missing apostille or legalisation, named; unmarried partners have no certificate."""
    if section.get("relationship") == "unmarried" or section.get("legalisation") != "none":
        if section.get("relationship") != "unmarried" and not section.get("legalisation"):
            return Problem(
                "legalisation_unanswered", _("Say whether the certificate has an apostille")
            )
        return None
    return Problem(
        "apostille_missing",
        _(
            "The certificate has no apostille and is not legalised: a certificate issued abroad "
            "needs one before the IND can accept it. Have an apostille added or the certificate "
            "legalised, then change this answer."
        ),
    )


# Rules named in the family types' fields (portal/family/types.py), applied by
# portal/residence/answers.py with the section's clean values and the application date.
FIELD_RULES = {
    "minor": check_minor,
    "legalisation": check_legalisation,
}


@dataclass(frozen=True)
class MeansCheck:
    """The means requirement for the family: the amount in force (None: not in the reference
    data) whether that amount is verified, and the problem if the means fall short."""

    required_cents: int | None
    verified: bool
    problem: Problem | None


def check_means(category: str, means_cents: int | None, on: date) -> MeansCheck:
    """Means at or above the requirement in force on the application date, when it is known."""
    try:
        requirement = ref.means_requirement(category, on)
    except ReferenceDataMissing:
        requirement = None
    if requirement is None or requirement.monthly_cents is None:
        return MeansCheck(None, False, None)
    required = requirement.monthly_cents
    if means_cents is None:
        problem = Problem(
            "means_missing",
            _(
                "Enter the gross monthly means available for the family: at least %(required)s.",
                required=money(required),
            ),
        )
    elif means_cents < required:
        problem = Problem(
            "means_below_requirement",
            _(
                "Gross monthly means of %(means)s are below the means requirement of "
                "%(required)s on the application date, %(on)s.",
                means=money(means_cents),
                required=money(required),
                on=date_text(on),
            ),
        )
    else:
        problem = None
    return MeansCheck(required, requirement.verified, problem)
