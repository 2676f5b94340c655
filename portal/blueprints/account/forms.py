from flask_babel import lazy_gettext as _l
from wtforms import EmailField, PasswordField, RadioField, SelectChoice, StringField
from wtforms.validators import (
    DataRequired,
    Email,
    InputRequired,
    Length,
    NumberRange,
    Regexp,
    ValidationError,
)

from portal.forms import BaseForm, WholeNumberField
from portal.labels import LANGUAGE, ORGANISATION_KIND
from portal.services.passwords import weakness
from portal.validators import DutchPostcode, KvkNumber, compact

KIND_CHOICES = [SelectChoice(kind.value, label) for kind, label in ORGANISATION_KIND.items()]
LANGUAGE_CHOICES = [SelectChoice(code, label) for code, label in LANGUAGE.items()]

WEAK_PASSWORD_MESSAGES = {
    "short": _l("Enter a password of at least 12 characters"),
    "common": _l("This password is commonly used. Choose another one"),
    "guessable": _l(
        "This password is easy to guess. Use a longer mix of words, numbers or symbols"
    ),
}


class SignUpForm(BaseForm):
    kvk_number = StringField(
        _l("KvK number"),
        filters=[compact],
        validators=[DataRequired(_l("Enter the KvK number")), KvkNumber()],
    )
    legal_name = StringField(
        _l("Legal name"),
        validators=[
            DataRequired(_l("Enter the legal name as registered with the KvK")),
            Length(max=200, message=_l("Enter at most 200 characters")),
        ],
    )
    street_address = StringField(
        _l("Street and house number"),
        validators=[
            DataRequired(_l("Enter the street and house number")),
            Length(max=200, message=_l("Enter at most 200 characters")),
        ],
    )
    postcode = StringField(
        _l("Postcode"), validators=[DataRequired(_l("Enter the postcode")), DutchPostcode()]
    )
    city = StringField(
        _l("Town or city"),
        validators=[
            DataRequired(_l("Enter the town or city")),
            Length(max=100, message=_l("Enter at most 100 characters")),
        ],
    )
    organisation_email = EmailField(
        _l("Contact e-mail address of the organisation"),
        validators=[
            DataRequired(_l("Enter the organisation's contact e-mail address")),
            Email(message=_l("Enter an e-mail address in the right format, like name@example.nl")),
            Length(max=254),
        ],
    )
    persons_employed = WholeNumberField(
        _l("Number of persons employed"),
        invalid_message=_l("Enter the number of persons employed, as a whole number"),
        validators=[
            InputRequired(_l("Enter the number of persons employed, as a whole number")),
            NumberRange(min=0, max=10_000_000, message=_l("Enter a number of 0 or more")),
        ],
    )
    kind = RadioField(
        _l("Kind of organisation"),
        choices=KIND_CHOICES,
        validators=[InputRequired(_l("Choose the kind of organisation"))],
    )
    preferred_language = RadioField(
        _l("Language for letters"),
        choices=LANGUAGE_CHOICES,
        validators=[InputRequired(_l("Choose the language for letters"))],
    )
    admin_name = StringField(
        _l("Your full name"),
        validators=[
            DataRequired(_l("Enter your full name")),
            Length(max=200, message=_l("Enter at most 200 characters")),
        ],
    )
    admin_email = EmailField(
        _l("Your e-mail address"),
        validators=[
            DataRequired(_l("Enter your e-mail address")),
            Email(message=_l("Enter an e-mail address in the right format, like name@example.nl")),
            Length(max=254),
        ],
    )
    password = PasswordField(_l("Password"), validators=[DataRequired(_l("Enter a password"))])

    def validate_password(self, field):
        reason = weakness(
            field.data or "", [self.admin_email.data or "", self.legal_name.data or ""]
        )
        if reason:
            raise ValidationError(WEAK_PASSWORD_MESSAGES[reason])


class SignInForm(BaseForm):
    email = EmailField(
        _l("E-mail address"), validators=[DataRequired(_l("Enter your e-mail address"))]
    )
    password = PasswordField(_l("Password"), validators=[DataRequired(_l("Enter your password"))])


class CodeForm(BaseForm):
    code = StringField(
        _l("Code from your authenticator app"),
        validators=[
            InputRequired(_l("Enter the 6-digit code from your authenticator app")),
            Regexp(r"^\d{6}$", message=_l("Enter the 6-digit code from your authenticator app")),
        ],
        filters=[lambda v: v.replace(" ", "") if isinstance(v, str) else v],
    )


class RecoveryCodeForm(BaseForm):
    code = StringField(
        _l("Recovery code"),
        validators=[
            InputRequired(_l("Enter one of your recovery codes")),
            Length(max=40, message=_l("Enter a recovery code, like abcd-efgh-jkmn-pqrs")),
        ],
    )


class PasswordConfirmForm(BaseForm):
    password = PasswordField(
        _l("Your password"), validators=[DataRequired(_l("Enter your password"))]
    )


class NewPasswordForm(BaseForm):
    password = PasswordField(
        _l("New password"), validators=[DataRequired(_l("Enter a new password"))]
    )
    confirm = PasswordField(
        _l("New password again"), validators=[DataRequired(_l("Enter the new password again"))]
    )

    def __init__(self, *args, user_inputs=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.user_inputs = list(user_inputs)

    def validate_password(self, field):
        reason = weakness(field.data or "", self.user_inputs)
        if reason:
            raise ValidationError(WEAK_PASSWORD_MESSAGES[reason])

    def validate_confirm(self, field):
        if field.data != self.password.data:
            raise ValidationError(_l("The two passwords are not the same"))


class ResetRequestForm(BaseForm):
    email = EmailField(
        _l("E-mail address"),
        validators=[
            DataRequired(_l("Enter your e-mail address")),
            Email(message=_l("Enter an e-mail address in the right format, like name@example.nl")),
            Length(max=254),
        ],
    )


class ChangeEmailForm(BaseForm):
    email = EmailField(
        _l("New e-mail address"),
        validators=[
            DataRequired(_l("Enter the new e-mail address")),
            Email(message=_l("Enter an e-mail address in the right format, like name@example.nl")),
            Length(max=254),
        ],
    )
    password = PasswordField(
        _l("Your password"), validators=[DataRequired(_l("Enter your password"))]
    )
