"""One specification per person field: its label, type, limits, rule and one message per
failure. The people register's form, the residence form's person section and the bulk student
import all read a person through it (and the API will too), so the same value gets the same
verdict everywhere.

Names are the Person model's columns. `parse(name, raw, today)` reads one typed value:
(clean value, None) or (None, message); an empty optional field is (None, None).
`cross_problems(values)` applies the rules between fields to the clean values; `check()` does
both for a whole person. Dates are read by portal/dates.py.
"""

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from email_validator import EmailNotValidError, validate_email
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from portal.countries import CODES
from portal.dates import DateNotUnderstood, parse_date_text
from portal.formatting import date_text
from portal.validators import control_characters_message

EARLIEST_BIRTH = date(1900, 1, 1)
# The values of Person.sex (ICAO 9303: F, M or X).
SEX_VALUES = ("female", "male", "unspecified")


@dataclass(frozen=True)
class PersonField:
    name: str  # the Person column
    kind: str  # name, text, date, country, sex, passport, v_number, email
    label: object
    missing: object | None = None  # message when a required field is empty; None = optional
    max_length: int | None = None  # the column's width, where the type does not bound it

    @property
    def required(self) -> bool:
        return self.missing is not None


_FIELDS = (
    PersonField("given_names", "name", _l("Given names"), max_length=200),
    PersonField("surname", "name", _l("Surname"), _l("Enter the surname as in the passport"), 200),
    PersonField("date_of_birth", "date", _l("Date of birth"), _l("Enter the date of birth")),
    PersonField(
        "place_of_birth",
        "text",
        _l("Place of birth"),
        _l("Enter the place of birth as in the passport"),
        100,
    ),
    PersonField(
        "country_of_birth", "country", _l("Country of birth"), _l("Choose the country of birth")
    ),
    PersonField("nationality", "country", _l("Nationality"), _l("Choose the nationality")),
    PersonField(
        "sex", "sex", _l("Sex, as in the passport"), _l("Choose the sex as in the passport")
    ),
    PersonField(
        "passport_number", "passport", _l("Passport number"), _l("Enter the passport number")
    ),
    PersonField(
        "passport_issued_on",
        "date",
        _l("Passport date of issue"),
        _l("Enter the date the passport was issued"),
    ),
    PersonField(
        "passport_expires_on",
        "date",
        _l("Passport date of expiry"),
        _l("Enter the date the passport expires"),
    ),
    PersonField("v_number", "v_number", _l("V-number")),
    PersonField("email", "email", _l("E-mail address"), max_length=254),
)
FIELDS: dict[str, PersonField] = {field.name: field for field in _FIELDS}

# --- messages: one per failure ---------------------------------------------------------------

TOO_LONG = {
    100: _l("Enter at most 100 characters"),
    200: _l("Enter at most 200 characters"),
    254: _l("Enter an e-mail address of at most 254 characters"),
}
NAME = _l(
    "Enter the name with letters only, as in the passport: apostrophes, hyphens "
    "and letters of any script are fine"
)
COUNTRY = _l("Choose a country from the list")
PASSPORT = _l("Enter the passport number using letters and digits only, 5 to 20 characters")
V_NUMBER = _l("Enter the V-number in digits only (at most 10), or leave it empty")
EMAIL = _l("Enter an e-mail address in the right format, like name@example.nl")
BORN_IN_FUTURE = _l("The date of birth must be in the past")
BORN_TOO_EARLY = _l("Enter a date of birth from 1 January 1900")
ISSUED_IN_FUTURE = _l("The date of issue cannot be in the future")
ISSUED_BEFORE_BIRTH = _l("The date of issue must be after the date of birth")


def expired_message(expired_on: date) -> str:
    return _(
        "This passport expired on %(date)s. Enter the details of the new passport: its number "
        "and dates",
        date=date_text(expired_on),
    )


class Invalid(ValueError):
    """A value that breaks the field's rule; the message says what to do."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


# --- one parser per type: the stripped, visible text → the clean value ---------------------

_NAME_PUNCTUATION = set("'’‘-. ")
# Zero-width non-joiner and joiner: part of the spelling of names in Persian and Indic scripts.
_JOINERS = {"\u200c", "\u200d"}


def _is_name(text: str) -> bool:
    """Letters of any script, combining marks, spaces, apostrophes, hyphens, full stops and the
    zero-width (non-)joiner; at least one letter, no digits."""
    if not any(unicodedata.category(c).startswith("L") for c in text):
        return False
    return all(
        c in _NAME_PUNCTUATION or c in _JOINERS or unicodedata.category(c)[0] in ("L", "M")
        for c in text
    )


def _name(text: str) -> str:
    if not _is_name(text):
        raise Invalid(NAME)
    return unicodedata.normalize("NFC", text)


def _text(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def _date(text: str) -> date:
    try:
        return parse_date_text(text)
    except DateNotUnderstood as error:
        raise Invalid(error.message) from error


def _country(text: str) -> str:
    code = text.upper()
    if code not in CODES:
        raise Invalid(COUNTRY)
    return code


def _sex(text: str) -> str:
    value = text.lower()
    if value not in SEX_VALUES:
        raise Invalid(FIELDS["sex"].missing)
    return value


def _passport(text: str) -> str:
    # Only white space is dropped: a passport number has letters and digits, nothing else.
    compact = re.sub(r"\s", "", text).upper()
    if not re.fullmatch(r"[A-Z0-9]{5,20}", compact):
        raise Invalid(PASSPORT)
    return compact


def _v_number(text: str) -> str:
    # Validated loosely (reference rules: "commonly 10 digits"): spaces, dots and hyphens
    # dropped; 1 to 10 digits, what the register holds.
    digits = re.sub(r"[\s.-]", "", text)
    if not re.fullmatch(r"[0-9]{1,10}", digits):
        raise Invalid(V_NUMBER)
    return digits


def _email(text: str) -> str:
    try:
        validate_email(text, check_deliverability=False, allow_empty_local=False)
    except EmailNotValidError as error:
        raise Invalid(EMAIL) from error
    return text.lower()


PARSERS: dict[str, Callable[[str], object]] = {
    "name": _name,
    "text": _text,
    "date": _date,
    "country": _country,
    "sex": _sex,
    "passport": _passport,
    "v_number": _v_number,
    "email": _email,
}


# --- the rule of one field, on its clean value ----------------------------------------------


def _born(value: date, today: date) -> None:
    if value >= today:
        raise Invalid(BORN_IN_FUTURE)
    if value < EARLIEST_BIRTH:
        raise Invalid(BORN_TOO_EARLY)


def _issued(value: date, today: date) -> None:
    if value > today:
        raise Invalid(ISSUED_IN_FUTURE)


def _expires(value: date, today: date) -> None:
    # Valid up to and including the date of expiry; expiring soon is fine.
    if value < today:
        raise Invalid(expired_message(value))


RULES: dict[str, Callable[[object, date], None]] = {
    "date_of_birth": _born,
    "passport_issued_on": _issued,
    "passport_expires_on": _expires,
}


def _visible(text: str) -> bool:
    """Whether the text shows anything: not only spaces, control or format characters."""
    return any(unicodedata.category(c)[0] not in "CZ" for c in text)


def parse(name: str, raw, today: date):
    """(clean value, None) or (None, message) for one typed value of field `name`."""
    field = FIELDS[name]
    text = ("" if raw is None else str(raw)).strip()
    if not _visible(text):  # empty, or only invisible characters (zero-width, direction marks)
        return None, field.missing
    if field.max_length is not None and len(text) > field.max_length:
        return None, TOO_LONG[field.max_length]
    refused = control_characters_message(text)  # bidi overrides, control characters
    if refused is not None:
        return None, refused
    try:
        value = PARSERS[field.kind](text)
        if name in RULES:
            RULES[name](value, today)
    except Invalid as invalid:
        return None, invalid.message
    return value, None


def cross_problems(values: dict) -> dict[str, object]:
    """The rules between fields, over clean values (None where a field is empty or invalid)."""
    problems = {}
    born, issued = values.get("date_of_birth"), values.get("passport_issued_on")
    if born and issued and issued < born:
        problems["passport_issued_on"] = ISSUED_BEFORE_BIRTH
    return problems


def check(raw: dict, today: date, names=None) -> tuple[dict, dict[str, object]]:
    """Read the fields `names` (default: all) of one person: (clean values, {field: message})."""
    values, errors = {}, {}
    for name in names or FIELDS:
        value, message = parse(name, raw.get(name), today)
        values[name] = value
        if message is not None:
            errors[name] = message
    for name, message in cross_problems(values).items():
        errors.setdefault(name, message)
    return values, errors
