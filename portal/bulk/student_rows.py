"""One row of a bulk student registration, read as the student application's form reads it (the
person's fields by the person field specification, as in the people register) — or, with
`family_of`, as a family member's application reads it (portal/bulk/family_rows.py): the
file's columns, the template's example row, who may register students in bulk, and the column
help of the upload page."""

from datetime import date

from flask_babel import gettext as _

from portal.bulk import family_rows
from portal.models import (
    ApplicationKind,
    Category,
    Organisation,
    OrganisationKind,
    RecognitionStatus,
    Sex,
)
from portal.oversight.status import effective_status
from portal.people import fields as person_fields
from portal.residence.answers import check
from portal.residence.types import TYPES

STUDENT = TYPES[ApplicationKind.STUDENT]
# The file's columns: the student application's fields (same names), plus the register's e-mail,
# and for a family member's row the main applicant's passport number and the relationship.
SECTIONS = {s.key: [f.name for f in s.fields] for s in STUDENT.sections}
COLUMNS = [
    *SECTIONS["person"],
    "email",
    *family_rows.COLUMNS,
    *SECTIONS["study"],
    *SECTIONS["travel"],
]
# Columns of earlier templates, still read: old name → column.
OLD_COLUMNS = {"passport_expiry": "passport_expires_on"}
_FIELDS = {f.name: f for s in STUDENT.sections for f in s.fields}
# Columns a file must have (the travel section is asked only for entry; e-mail is optional).
REQUIRED = [
    name
    for name in COLUMNS
    if name in _FIELDS and _FIELDS[name].required and name not in SECTIONS["travel"]
]


def example_row(today: date) -> dict[str, str]:
    """The template's one example row: a student starting next September, entering from abroad."""
    start = date(today.year + 1, 9, 1)

    def day(value: date) -> str:
        return value.strftime("%d-%m-%Y")

    return {
        "surname": "Nguyễn",
        "given_names": "Thị Mai",
        "date_of_birth": day(date(today.year - 19, 3, 27)),
        "place_of_birth": "Hà Nội",
        "country_of_birth": "VN",
        "nationality": "VN",
        "sex": "female",
        "civil_status": "unmarried",
        "v_number": "",
        "passport_number": "C1234567",
        "passport_issued_on": day(date(today.year - 1, 6, 1)),
        "passport_expires_on": day(date(today.year + 9, 6, 1)),
        "procedure": "entry",
        "email": "mai.nguyen@example.com",
        "programme": "BSc Computer Science",
        "start_date": day(start),
        "end_date": day(date(start.year + 3, 8, 31)),
        "embassy_country": "VN",
        "embassy_city": "Hanoi",
        "travel_date": day(date(start.year, 8, 15)),
        "family_of": "",
        "relationship": "",
    }


# Spreadsheets say F, M, X (or V for vrouw); the form's values are the words.
SEX_LETTERS = {"f": "female", "v": "female", "m": "male", "x": "unspecified"}
CHOICE_COLUMNS = ("sex", "civil_status", "procedure")
COUNTRY_COLUMNS = ("country_of_birth", "nationality", "embassy_country")


def why_not_allowed(organisation: Organisation) -> str | None:
    """Why this organisation may not register students in bulk, or None."""
    if organisation.kind != OrganisationKind.HIGHER_EDUCATION:
        return _(
            "Only higher education institutions recognised as a sponsor for study can register "
            "students in bulk."
        )
    states = {r.category: effective_status(r) for r in organisation.recognitions}
    state = states.get(Category.STUDY)
    if state == RecognitionStatus.SUSPENDED:
        return _(
            "Your recognition as a sponsor for study is suspended: you cannot file student "
            "applications until the suspension ends."
        )
    if state != RecognitionStatus.GRANTED:
        return _(
            "Your organisation is not recognised as a sponsor for study. Apply for recognition "
            "first; then you can register students."
        )
    return None


# --- reading one row with the forms' rules ------------------------------------------------


def typed_cells(values: dict) -> dict[str, str]:
    """A row's cells as the forms would receive them (choices as values, codes in capitals)."""
    typed = {name: (values.get(name) or "").strip() for name in COLUMNS}
    for name in CHOICE_COLUMNS:
        typed[name] = typed[name].lower()
    typed["sex"] = SEX_LETTERS.get(typed["sex"], typed["sex"])
    for name in COUNTRY_COLUMNS:
        typed[name] = typed[name].upper()
    return typed


def is_family(values: dict) -> bool:
    """Whether the row is a family member's (family_of or relationship filled in; the stored
    values are stripped already)."""
    return family_rows.is_family(values)


def answers_for(typed: dict) -> dict[str, dict[str, str]]:
    """The student application's draft answers, section by section, as typed."""
    answers = {key: {name: typed[name] for name in names} for key, names in SECTIONS.items()}
    if typed["procedure"] != "entry":
        answers.pop("travel")
    return answers


def check_row(values: dict, today: date) -> tuple[dict, dict[str, str]]:
    """(clean register data, {column: message}) for one row, in the current language. A family
    member's row has its data["family"]: the kind, the main applicant's passport number and
    the draft's answers."""
    typed = typed_cells(values)
    family = None
    if family_rows.is_family(typed):
        family = family_rows.check_row(typed, today)
        checked, errors = family.checked, dict(family.errors)
    else:
        checked = check(STUDENT, answers_for(typed), today)
        errors = {}
        for section_errors in checked.errors.values():
            errors.update(section_errors)
    person = checked.values.get("person", {})
    data = {
        "given_names": person.get("given_names") or "",
        "surname": person.get("surname"),
        "date_of_birth": person.get("date_of_birth"),
        "place_of_birth": person.get("place_of_birth"),
        "country_of_birth": person.get("country_of_birth"),
        "nationality": person.get("nationality"),
        "sex": person.get("sex"),
        "category": Category.STUDY,
        "passport_number": person.get("passport_number"),
        "passport_issued_on": person.get("passport_issued_on"),
        "passport_expires_on": person.get("passport_expires_on"),
        "v_number": person.get("v_number"),
    }
    if family is not None:
        data["family"] = family
    data["email"], message = person_fields.parse("email", typed["email"], today)
    if message is not None:
        errors["email"] = str(message)
    ordered = {name: errors[name] for name in COLUMNS if name in errors}
    return data, ordered


def register_data(data: dict) -> dict:
    return {**{k: v for k, v in data.items() if k != "family"}, "sex": Sex(data["sex"])}


def column_help() -> list[tuple[str, str, bool]]:
    """(column, what to put in it, required) for the upload page, from the forms' labels."""
    rows = []
    for name in COLUMNS:
        if name == "email":
            rows.append((name, _("E-mail address"), False))
            continue
        if name in family_rows.LABELS:
            rows.append((name, str(family_rows.LABELS[name]), False))
            continue
        field = _FIELDS[name]
        label = str(field.label)
        if field.choices:
            label += " (" + ", ".join(value for value, _label in field.choices) + ")"
        elif field.kind == "country":
            label += " " + _("(two-letter ISO code, like NL)")
        elif field.kind == "date":
            label += " " + _("(27-03-2005 or 2005-03-27)")
        rows.append((name, label, name in REQUIRED))
    return rows
