"""A family member's row in a bulk student registration (issue 22): the partner or a child of a
student in the same file, or of a student or researcher already in the register, named by
their passport number in `family_of`, with `relationship`. The row's person columns are read
by the family member's own application type (portal/family/types.py) — the shared person
section, so the person field specification, with the type's own rules (a child is under 18) —
and what a file cannot carry (the relationship's proof, the means) is left to the draft.
Which main application the row belongs to is settled once the whole file is read
(portal/bulk/family_import.py)."""

from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from portal.family.types import PARTNER_RELATIONSHIP
from portal.models import ApplicationKind
from portal.people import fields as person_fields
from portal.residence.answers import Checked, check
from portal.residence.types import TYPES

COLUMNS = ("family_of", "relationship")
# The sections of the family member's application a file carries; the rest is the draft's.
FILE_SECTIONS = ("person", "travel")

# What the `relationship` column may say, in English or Dutch: the kind of family member and,
# for a partner, the family type's own answer about the relationship when the file says it.
_PARTNER_WORDS = ("partner", "spouse", "husband", "wife", "echtgenoot", "echtgenote")
_CHILD_WORDS = ("child", "kind", "son", "daughter", "zoon", "dochter")
_PARTNER_ANSWERS = {
    "gehuwd": "married",
    "getrouwd": "married",
    "registered partner": "registered_partnership",
    "geregistreerd partner": "registered_partnership",
    "geregistreerd partnerschap": "registered_partnership",
    "ongehuwd": "unmarried",
    "ongehuwd samenwonend": "unmarried",
    "samenwonend": "unmarried",
    **{value.replace("_", " "): value for value, _label in PARTNER_RELATIONSHIP},
}
RELATIONSHIPS: dict[str, tuple[ApplicationKind, str | None]] = {
    **dict.fromkeys(_PARTNER_WORDS, (ApplicationKind.FAMILY_PARTNER, None)),
    **dict.fromkeys(_CHILD_WORDS, (ApplicationKind.FAMILY_CHILD, None)),
    **{word: (ApplicationKind.FAMILY_PARTNER, a) for word, a in _PARTNER_ANSWERS.items()},
}

LABELS = {
    "family_of": _l(
        "Only for a family member: the passport number of the student in this file, or of the "
        "student or researcher in your register, whose partner or child they are"
    ),
    "relationship": _l("Only for a family member: partner or child (in Dutch: partner or kind)"),
}


def is_family(typed: dict) -> bool:
    return bool(typed.get("family_of") or typed.get("relationship"))


def _words(text: str) -> str:
    return " ".join(text.casefold().replace("_", " ").replace("-", " ").split())


def kind_title(relationship: str):
    """The family type's title ("Family member: partner") for what a row's `relationship`
    says, in the page's language whatever language the file used; None when not understood."""
    kind = RELATIONSHIPS.get(_words(relationship or ""), (None, None))[0]
    return TYPES[kind].title if kind is not None else None


@dataclass
class FamilyRow:
    kind: ApplicationKind | None  # None: the relationship is not understood
    main_passport: str | None  # the main applicant's passport number, as the register keeps it
    checked: Checked
    errors: dict[str, str]
    answers: dict[str, dict[str, str]]  # the family member's draft answers, as typed


def check_row(typed: dict, today: date) -> FamilyRow:
    """Read a family member's row (`typed`: the cells as the forms receive them)."""
    errors: dict[str, str] = {}
    kind, partner_answer = RELATIONSHIPS.get(_words(typed["relationship"]), (None, None))
    if kind is None:
        errors["relationship"] = _(
            "Enter partner or child for a family member (in Dutch: partner or kind)"
        )
    main_passport = None
    if not typed["family_of"]:
        errors["family_of"] = _(
            "Enter the passport number of the student or researcher whose family member this is"
        )
    else:
        main_passport, message = person_fields.parse("passport_number", typed["family_of"], today)
        if message is not None:
            errors["family_of"] = str(message)
    rtype = TYPES[kind or ApplicationKind.FAMILY_PARTNER]
    answers = {
        key: {f.name: typed.get(f.name, "") for f in rtype.section(key).fields}
        for key in FILE_SECTIONS
    }
    if answers["person"]["procedure"] != "entry":
        answers.pop("travel")
    checked = check(rtype, answers, today)
    for key in FILE_SECTIONS:
        for name, message in checked.section_errors(key).items():
            errors.setdefault(name, message)
    if partner_answer is not None:
        answers["relationship"] = {"relationship": partner_answer}
    return FamilyRow(kind, main_passport, checked, errors, answers)
