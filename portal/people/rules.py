"""The people register's rules for one person, shared by the form (one by one) and the bulk
import (thousands of rows): each function takes clean values and returns a message or None."""

import re
from datetime import date

from email_validator import EmailNotValidError, validate_email
from flask_babel import lazy_gettext as _l

PASSPORT_PATTERN = re.compile(r"^[A-Z0-9]{5,20}$")
V_NUMBER_PATTERN = re.compile(r"^\d{1,10}$")
EARLIEST = 1900
AT_MOST_200 = _l("Enter at most 200 characters")
AT_MOST_100 = _l("Enter at most 100 characters")
# The register's column widths (portal/models/person.py): longer text cannot be stored.
MAX_LENGTHS = {"given_names": (200, AT_MOST_200), "surname": (200, AT_MOST_200)}
MAX_LENGTHS["place_of_birth"] = (100, AT_MOST_100)
MAX_LENGTHS["email"] = (254, _l("Enter an e-mail address of at most 254 characters"))


def date_of_birth_problem(born: date | None, today: date):
    if born and not (born.year >= EARLIEST and born < today):
        return _l("The date of birth must be in the past")
    return None


def passport_number_problem(number: str | None):
    if number and not PASSPORT_PATTERN.match(number):
        return _l("Enter the passport number using letters and digits only, 5 to 20 characters")
    return None


def passport_issued_problem(issued: date | None, born: date | None, today: date):
    if issued and issued > today:
        return _l("The date of issue cannot be in the future")
    if issued and born and issued < born:
        return _l("The date of issue must be after the date of birth")
    return None


def passport_expiry_problem(expires: date | None, issued: date | None):
    if expires and issued and expires <= issued:
        return _l("The date of expiry must be after the date of issue")
    return None


def v_number_problem(v_number: str | None):
    if v_number and not V_NUMBER_PATTERN.match(v_number):
        return _l("Enter the V-number using digits only, like 1234567890")
    return None


def email_problem(email: str | None):
    if not email:
        return None
    try:
        validate_email(email, check_deliverability=False, allow_empty_local=False)
    except EmailNotValidError:
        return _l("Enter an e-mail address in the right format, like name@example.nl")
    return None


def length_problem(field: str, text: str | None):
    limit = MAX_LENGTHS.get(field)
    if limit and text and len(text) > limit[0]:
        return limit[1]
    return None


def person_problems(values: dict, today: date) -> dict[str, object]:
    """Every register rule over one person's clean values: {field: message}."""
    born = values.get("date_of_birth")
    checks = {
        "date_of_birth": date_of_birth_problem(born, today),
        "passport_number": passport_number_problem(values.get("passport_number")),
        "passport_issued_on": passport_issued_problem(
            values.get("passport_issued_on"), born, today
        ),
        "passport_expires_on": passport_expiry_problem(
            values.get("passport_expires_on"), values.get("passport_issued_on")
        ),
        "v_number": v_number_problem(values.get("v_number")),
        "email": email_problem(values.get("email")),
    }
    for field in MAX_LENGTHS:
        checks[field] = checks.get(field) or length_problem(field, values.get(field))
    return {field: message for field, message in checks.items() if message is not None}
