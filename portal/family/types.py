"""The family members' application types as data: the partner and the child of a sponsored
person. Each is filed with a main application (its filing rights follow that application's
recognition) about the family member's own person record; the questions are the shared person
section and the relationship with its proof."""

from dataclasses import replace

from flask_babel import lazy_gettext as _l

from portal.models import ApplicationKind, Category
from portal.residence.question_shapes import Field, ResidenceType, Section

FAMILY_KINDS = (ApplicationKind.FAMILY_PARTNER, ApplicationKind.FAMILY_CHILD)

PARTNER_RELATIONSHIP = (
    ("married", _l("Married")),
    ("registered_partnership", _l("Registered partnership")),
    ("unmarried", _l("Unmarried partners in a lasting and exclusive relationship")),
)
PARENT = (
    ("main", _l("Child of the main applicant")),
    ("both", _l("Child of the main applicant and the partner")),
    ("partner", _l("Child of the partner (stepchild of the main applicant)")),
)
LEGALISATION = (
    ("apostille", _l("Yes, with an apostille")),
    ("legalised", _l("Yes, legalised")),
    ("dutch", _l("Not needed: issued in the Netherlands")),
    ("none", _l("No, not yet")),
)

_MEANS = Section(
    "means",
    _l("Means"),
    (
        Field(
            "monthly_means",
            "money",
            _l("Gross monthly means available for the family, in euros"),
            hint=_l(
                "Only for the family of a student or researcher: the means requirement. The "
                "family of an employee meets the income requirement through the main "
                "applicant's salary; leave this empty."
            ),
        ),
    ),
)


def _legalised(certificate) -> Field:
    return Field(
        "legalisation",
        "choice",
        _l(
            "Does the %(certificate)s have an apostille or is it legalised?",
            certificate=certificate,
        ),
        hint=_l("A certificate issued abroad needs an apostille or legalisation"),
        choices=LEGALISATION,
        rule="legalisation",
    )


_PARTNER = Section(
    "relationship",
    _l("The relationship"),
    (
        Field(
            "relationship",
            "choice",
            _l("Relationship with the main applicant"),
            _l("Choose the relationship with the main applicant"),
            choices=PARTNER_RELATIONSHIP,
        ),
        Field(
            "since",
            "date",
            _l("Date of the marriage or registration, or since when the partners live together"),
            _l("Enter the date the relationship was formalised or began"),
            hint=_l("For example, 14 2 2019"),
            when="past",
        ),
        _legalised(_l("marriage or partnership certificate")),
    ),
)

_CHILD = Section(
    "relationship",
    _l("The relationship"),
    (
        Field(
            "parent",
            "choice",
            _l("Whose child is this?"),
            _l("Choose whose child this is"),
            choices=PARENT,
        ),
        _legalised(_l("birth certificate")),
    ),
)


def _minor(person: Section) -> Section:
    """The person section with the child's age rule on the date of birth."""
    return replace(
        person,
        fields=tuple(
            replace(f, rule="minor") if f.name == "date_of_birth" else f for f in person.fields
        ),
    )


def family_types(person: Section, travel: Section) -> dict[ApplicationKind, ResidenceType]:
    """The family types, built on the shared person (with the procedure) and travel sections
    (portal/residence/types.py). A family application's category is its main application's:
    Category.LABOUR here is only a default."""
    return {
        ApplicationKind.FAMILY_PARTNER: ResidenceType(
            ApplicationKind.FAMILY_PARTNER,
            Category.LABOUR,
            _l("Family member: partner"),
            _l("The spouse, registered partner or unmarried partner of a sponsored person"),
            (person, _PARTNER, _MEANS, travel),
            None,
            ("passport", "relationship_proof"),
            with_main=True,
        ),
        ApplicationKind.FAMILY_CHILD: ResidenceType(
            ApplicationKind.FAMILY_CHILD,
            Category.LABOUR,
            _l("Family member: child"),
            _l("A child under 18 of a sponsored person or their partner"),
            (_minor(person), _CHILD, _MEANS, travel),
            None,
            ("passport", "birth_certificate"),
            with_main=True,
        ),
    }


DOCUMENT_KINDS = {
    "relationship_proof": _l(
        "Marriage or partnership certificate, or proof of the relationship (unmarried partners)"
    ),
    "birth_certificate": _l("Birth certificate"),
}
