"""Field validators shared by every form that asks for the same thing (sign-up, profile,
people). Each message says what to do."""

import re

from flask_babel import lazy_gettext as _l
from stdnum import iban as stdnum_iban
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.nl import bsn
from stdnum.nl import postcode as nl_postcode
from wtforms.validators import ValidationError

from portal.countries import CODES

KVK_PATTERN = re.compile(r"^\d{8}$")
PHONE_PATTERN = re.compile(r"^\+?[0-9 ()\-]{6,25}$")
DIGITS = re.compile(r"^\d+$")


def compact(value):
    """Drop the spaces and dots people type in numbers."""
    return value.replace(" ", "").replace(".", "") if isinstance(value, str) else value


def upper(value):
    return value.upper() if isinstance(value, str) else value


class KvkNumber:
    def __call__(self, form, field):
        if not KVK_PATTERN.match(field.data or ""):
            raise ValidationError(_l("Enter the KvK number: 8 digits, like 12345678"))


class DutchPostcode:
    """Dutch postcode when the address is in the Netherlands (or no country field is given)."""

    def __init__(self, country_field: str | None = None):
        self.country_field = country_field

    def __call__(self, form, field):
        if self.country_field and form[self.country_field].data not in ("NL", "", None):
            if len(field.data or "") > 10:
                raise ValidationError(_l("Enter a postcode of at most 10 characters"))
            return
        if not field.data and self.country_field:
            raise ValidationError(_l("Enter the postcode"))
        try:
            field.data = nl_postcode.validate(field.data or "")
        except StdnumError as error:
            raise ValidationError(_l("Enter a Dutch postcode, like 1234 AB")) from error


class Rsin:
    """RSIN: 9 digits passing the 11-check (the same check as the BSN)."""

    def __call__(self, form, field):
        if not field.data:
            return
        try:
            field.data = bsn.validate(field.data)
        except StdnumError as error:
            raise ValidationError(
                _l("Enter a valid RSIN: 9 digits, as on the KvK extract. Check for typing errors")
            ) from error


class Iban:
    def __call__(self, form, field):
        if not field.data:
            return
        try:
            field.data = stdnum_iban.validate(field.data)
        except StdnumError as error:
            raise ValidationError(
                _l("Enter a valid IBAN, like NL91 ABNA 0417 1643 00. Check for typing errors")
            ) from error


class Country:
    def __call__(self, form, field):
        if field.data and field.data not in CODES:
            raise ValidationError(_l("Choose a country from the list"))


class Phone:
    def __call__(self, form, field):
        if field.data and not PHONE_PATTERN.match(field.data):
            raise ValidationError(_l("Enter a telephone number using digits, like +31 20 123 4567"))


class Digits:
    def __init__(self, message, max_length: int):
        self.message = message
        self.max_length = max_length

    def __call__(self, form, field):
        if field.data and (not DIGITS.match(field.data) or len(field.data) > self.max_length):
            raise ValidationError(self.message)
