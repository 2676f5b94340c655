"""Reading what was typed in a residence application: the person's fields by the person field
specification (portal/people/fields.py), the others by one parser per field type (PARSERS),
then the cross-field rules (extension window, contract dates, salary)."""

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import pycountry
from flask_babel import gettext as _

from portal.dates import DateNotUnderstood, parse_date_text
from portal.family import rules as family_rules
from portal.people import fields as person_fields
from portal.residence import rules, work_rules
from portal.residence.types import Field, ResidenceType
from portal.validators import control_characters_message

# A parser reads the stripped, visible, bounded text of one field: (value, None) or
# (None, message).
Parser = Callable[[Field, str, date], tuple[object, str | None]]

_COUNTRIES = frozenset(c.alpha_2 for c in pycountry.countries)


def _visible(text: str) -> bool:
    """Whether the text shows anything: not only spaces, control or format characters."""
    return any(unicodedata.category(c)[0] not in "CZ" for c in text)


def _parse_date(field: Field, text: str, today: date):
    try:
        value = parse_date_text(text)
    except DateNotUnderstood as error:
        return None, str(error)
    if field.when == "past" and value >= today:
        return None, _("%(label)s must be in the past", label=field.label)
    if field.when == "future" and value <= today:
        return None, _("%(label)s must be after today", label=field.label)
    return value, None


def _parse_money(field: Field, text: str, today: date):
    try:
        return rules.parse_salary(text), None
    except rules.InputNotUnderstood as error:
        return None, str(error)


def _parse_number(field: Field, text: str, today: date):
    if not re.fullmatch(r"[0-9]{1,4}", text) or not field.lo <= int(text) <= field.hi:
        return None, _("Enter a whole number from %(lo)d to %(hi)d", lo=field.lo, hi=field.hi)
    return int(text), None


def _parse_choice(field: Field, text: str, today: date):
    if text not in {value for value, _label in field.choices}:
        return None, str(field.missing)
    return text, None


def _parse_country(field: Field, text: str, today: date):
    if text not in _COUNTRIES:
        return None, str(field.missing)
    return text, None


def _parse_text(field: Field, text: str, today: date):
    return text, None


PARSERS: dict[str, Parser] = {
    "date": _parse_date,
    "money": _parse_money,
    "number": _parse_number,
    "choice": _parse_choice,
    "country": _parse_country,
}


def parse_field(field: Field, raw: str, today: date):
    """(value, None) or (None, message). Empty optional fields are (None, None)."""
    if field.person:
        value, message = person_fields.parse(field.name, raw, today)
        return value, (None if message is None else str(message))
    text = (raw or "").strip()
    if not _visible(text):  # empty, or only invisible characters (zero-width, direction marks)
        return None, (str(field.missing) if field.required else None)
    refused = control_characters_message(text)  # bidi overrides, control characters
    if refused is not None:
        return None, str(refused)
    if len(text) > 200:
        return None, _("Enter at most 200 characters")
    return PARSERS.get(field.kind, _parse_text)(field, text, today)


@dataclass
class Checked:
    """The answers read and checked: clean values and errors, per section and field."""

    values: dict[str, dict]
    errors: dict[str, dict[str, str]]
    salary: rules.SalaryCheck | None = None

    def section_errors(self, key: str) -> dict[str, str]:
        return self.errors.get(key, {})


def check(rtype: ResidenceType, answers: dict, today: date) -> Checked:
    """Read every applicable section and apply the rules, as on the application date `today`."""
    answers = answers or {}
    values: dict[str, dict] = {}
    errors: dict[str, dict[str, str]] = {}
    for section in rtype.applicable_sections(answers):
        raw = answers.get(section.key) or {}
        values[section.key] = {}
        for field in section.fields:
            value, error = parse_field(field, raw.get(field.name, ""), today)
            values[section.key][field.name] = value
            if error:
                errors.setdefault(section.key, {})[field.name] = error
    result = Checked(values, errors)
    person = values.get("person")
    if person is not None:
        for name, message in person_fields.cross_problems(person).items():
            errors.setdefault("person", {}).setdefault(name, str(message))
    _apply_rules(rtype, result, today)
    return result


def _apply_rules(rtype: ResidenceType, result: Checked, today: date) -> None:
    person = result.values.get("person", {})
    for section in rtype.applicable_sections({"person": person}):
        section_values = result.values.get(section.key, {})
        for field in section.fields:
            if field.rule is None or field.name in result.section_errors(section.key):
                continue
            if field.rule in work_rules.RULES:  # issue 22's types: problems by field
                found = work_rules.check(field.rule, field.name, section_values, today)
                for name, found_problem in found.items():
                    result.errors.setdefault(section.key, {}).setdefault(
                        name, found_problem.message
                    )
                continue
            problem = None
            if field.rule == "extension_window" and section_values.get(field.name):
                problem = rules.check_extension(section_values[field.name], today)
            elif field.rule == "contract":
                problem = rules.check_contract(
                    section_values.get("start_date"), section_values.get("end_date"), today
                )
            elif field.rule == "salary" and person.get("date_of_birth"):
                if section_values.get(field.name) is None:
                    continue
                result.salary = rules.check_salary(
                    rtype.kind.value,
                    section_values[field.name],
                    person["date_of_birth"],
                    today,
                    reduced=section_values.get("reduced_criterion") == "yes",
                    recent_graduate=section_values.get("recent_graduate") == "yes",
                    role=section_values.get("role"),
                )
                problem = result.salary.problem
            elif field.rule in family_rules.FIELD_RULES:
                problem = family_rules.FIELD_RULES[field.rule](section_values, today)
            if problem is not None:
                result.errors.setdefault(section.key, {})[field.name] = problem.message


def requested_validity_from(checked: Checked) -> date | None:
    """The permit is requested until the end date of the contract, agreement or study."""
    for key, values in checked.values.items():
        if key not in ("person", "travel") and values.get("end_date"):
            return rules.requested_validity(values["end_date"])
    return None
