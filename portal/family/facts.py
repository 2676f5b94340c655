"""What the pages show of a family: on the main person's page, the family members' applications
filed with each main application; on a case page (sponsor and back office), the main
application, how the income requirement is met, the validity that follows the main permit and
the flags for the reviewer (the main application ended, a child turns 18 before the decision)."""

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select

from portal.extensions import db
from portal.family import checks, filing, links
from portal.family import rules as family_rules
from portal.family.types import FAMILY_KINDS
from portal.models import Application, ApplicationKind, FamilyLink, Person
from portal.residence import rules as residence_rules


@dataclass
class Facts:
    link: FamilyLink | None = None
    main: Application | None = None
    income: checks.Income | None = None
    problems: list = field(default_factory=list)
    valid_until: date | None = None
    turns_18_on: date | None = None
    family: list[FamilyLink] = field(default_factory=list)  # of a main application


def _birth_date(application: Application) -> date | None:
    source = (application.snapshot or {}).get("answers") or {}
    raw = (source.get("person") or {}).get("date_of_birth")
    if raw:
        return date.fromisoformat(raw)
    person = application.person
    return person.date_of_birth if person is not None else None


def _turns_18_on(application: Application, today: date) -> date | None:
    born = _birth_date(application)
    if born is None:
        return None
    if application.submitted_at is not None:  # the age rule held on the application date
        return family_rules.turns_18_before(born, None, application.decision_deadline)
    return family_rules.turns_18_before(born, today, residence_rules.statutory_deadline(today))


def _draft_problems(application: Application, today: date) -> list:
    """What the check page names for a family draft: the family checks, and the answers that
    break a family rule (a missing apostille, a child of 18)."""
    from portal.residence.answers import check
    from portal.residence.types import TYPES

    checked = check(TYPES[application.kind], application.answers, today)
    named = [
        residence_rules.Problem(f"{key}.{name}", message)
        for key, name in (("relationship", "legalisation"), ("person", "date_of_birth"))
        if (message := checked.section_errors(key).get(name)) and key in (application.answers or {})
    ]
    return named + checks.problems(application, today)


def of_application(application: Application, today: date) -> Facts | None:
    """The family facts of a family member's application, or of a main application with a
    family; None for any other case."""
    if application.kind in FAMILY_KINDS:
        link = links.link_of(application)
        if link is None:
            return None
        main = link.main_application
        income, problems = checks.income_of(application, main, today)
        return Facts(
            link=link,
            main=main,
            income=income,
            problems=_draft_problems(application, today) if application.reference is None else [],
            valid_until=links.requested_until(application),
            turns_18_on=(
                _turns_18_on(application, today)
                if application.kind == ApplicationKind.FAMILY_CHILD
                else None
            ),
        )
    family = links.family_of([application.id])
    return Facts(family=family) if family else None


def of_person(person: Person, category_in_scope) -> dict:
    """The main applications of this person with their family members' applications, each
    with why no family member can be filed now (None: they can); and the main application
    this person's own family application follows, if any."""
    mains = [m for m in filing.main_applications(person) if category_in_scope(m.category)]
    by_main = {m.id: [] for m in mains}
    for link in links.family_of(list(by_main)):
        by_main[link.main_application_id].append(link)
    member_of = db.session.scalars(
        select(FamilyLink)
        .join(Application, Application.id == FamilyLink.application_id)
        .where(
            Application.person_id == person.id,
            Application.organisation_id == person.organisation_id,
        )
        .order_by(FamilyLink.id)
    ).all()
    return {
        "mains": [(m, filing.reason_not_fileable(m), by_main[m.id]) for m in mains],
        "member_of": member_of,
    }
