"""Field validators, and fields, shared by every form that asks for the same thing (sign-up,
profile, people, team, staff accounts). Each message says what to do."""

import re

from flask_babel import lazy_gettext as _l
from stdnum import iban as stdnum_iban
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.nl import bsn
from stdnum.nl import postcode as nl_postcode
from wtforms import RadioField, SelectChoice
from wtforms.validators import (
    DataRequired,
    Email,
    InputRequired,
    Length,
    NumberRange,
    Regexp,
    ValidationError,
)

from portal.countries import CODES
from portal.forms import WholeNumberField
from portal.identity.passwords import weakness

KVK_PATTERN = re.compile(r"^\d{8}$")
PHONE_PATTERN = re.compile(r"^\+?[0-9 ()\-]{6,25}$")
DIGITS = re.compile(r"^\d+$")

# Characters no one types in a name or a text, refused everywhere text is typed (every text
# field of a BaseForm, the person fields of portal/people/fields.py, the residence answers and
# so the bulk import): bidirectional embeddings and overrides (U+202A–U+202E) and isolates
# (U+2066–U+2069), which make stored text read differently from how it shows (a name that
# displays as "Smith" but sorts and searches as something else), and C0/C1 control characters
# (tabs and line breaks are allowed where text has lines). The zero-width non-joiner and joiner
# (U+200C/U+200D), which Persian and Indic names need, and the left-to-right/right-to-left marks
# stay allowed.
_HIDDEN_CONTROLS = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069"
_REFUSED_IN_LINE = re.compile(f"[{_HIDDEN_CONTROLS}\t\n\r]")
_REFUSED_IN_LINES = re.compile(f"[{_HIDDEN_CONTROLS}]")
CONTROL_CHARACTERS = _l(
    "Remove the hidden control characters (such as text-direction overrides, tabs or line breaks)"
)
CONTROL_CHARACTERS_IN_LINES = _l(
    "Remove the hidden control characters (such as text-direction overrides)"
)


def control_characters_message(text, multiline: bool = False):
    """The message when `text` holds characters no one types (None when it is plain text)."""
    if not isinstance(text, str):
        return None
    if multiline:
        return CONTROL_CHARACTERS_IN_LINES if _REFUSED_IN_LINES.search(text) else None
    return CONTROL_CHARACTERS if _REFUSED_IN_LINE.search(text) else None


class PlainText:
    """No bidi overrides or control characters (see above). BaseForm adds it to every text
    field; multiline for text areas (tabs and line breaks allowed)."""

    def __init__(self, multiline: bool = False):
        self.multiline = multiline

    def __call__(self, form, field):
        message = control_characters_message(field.data, self.multiline)
        if message is not None:
            raise ValidationError(message)


MAX_200 = Length(max=200, message=_l("Enter at most 200 characters"))
MAX_100 = Length(max=100, message=_l("Enter at most 100 characters"))

WEAK_PASSWORD_MESSAGES = {
    "short": _l("Enter a password of at least 12 characters"),
    "common": _l("This password is commonly used. Choose another one"),
    "guessable": _l(
        "This password is easy to guess. Use a longer mix of words, numbers or symbols"
    ),
}


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


def require_strong_password(password: str | None, user_inputs) -> None:
    """A new password's check: too short, too common, or guessable from `user_inputs` (the
    person's e-mail address, name, organisation) raises the message that says what to do."""
    reason = weakness(password or "", list(user_inputs))
    if reason:
        raise ValidationError(WEAK_PASSWORD_MESSAGES[reason])


def email_address(required_message) -> list:
    """The validators of a required e-mail address field."""
    return [
        DataRequired(required_message),
        Email(message=_l("Enter an e-mail address in the right format, like name@example.nl")),
        Length(max=254),
    ]


def authenticator_code() -> list:
    """The validators of a 6-digit code from an authenticator app (TOTP)."""
    message = _l("Enter the 6-digit code from your authenticator app")
    return [InputRequired(message), Regexp(r"^\d{6}$", message=message)]


# --- fields asked the same way in several forms ---------------------------------------------


def persons_employed_field() -> WholeNumberField:
    message = _l("Enter the number of persons employed, as a whole number")
    return WholeNumberField(
        _l("Number of persons employed"),
        invalid_message=message,
        validators=[
            InputRequired(message),
            NumberRange(min=0, max=10_000_000, message=_l("Enter a number of 0 or more")),
        ],
    )


def letter_language_field() -> RadioField:
    # Imported here: labels reaches the person fields, which import this module.
    from portal.labels import LANGUAGE

    return RadioField(
        _l("Language for letters"),
        choices=[SelectChoice(code, label) for code, label in LANGUAGE.items()],
        validators=[InputRequired(_l("Choose the language for letters"))],
    )
