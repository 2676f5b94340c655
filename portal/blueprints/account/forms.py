from flask_babel import lazy_gettext as _l
from wtforms import EmailField, PasswordField, RadioField, SelectChoice, StringField
from wtforms.validators import DataRequired, InputRequired, Length

from portal.forms import BaseForm
from portal.labels import ORGANISATION_KIND
from portal.validators import (
    MAX_100,
    MAX_200,
    DutchPostcode,
    KvkNumber,
    authenticator_code,
    compact,
    email_address,
    letter_language_field,
    persons_employed_field,
    require_strong_password,
)

KIND_CHOICES = [SelectChoice(kind.value, label) for kind, label in ORGANISATION_KIND.items()]


class SignUpForm(BaseForm):
    kvk_number = StringField(
        _l("KvK number"),
        filters=[compact],
        validators=[DataRequired(_l("Enter the KvK number")), KvkNumber()],
    )
    legal_name = StringField(
        _l("Legal name"),
        validators=[DataRequired(_l("Enter the legal name as registered with the KvK")), MAX_200],
    )
    street_address = StringField(
        _l("Street and house number"),
        validators=[DataRequired(_l("Enter the street and house number")), MAX_200],
    )
    postcode = StringField(
        _l("Postcode"), validators=[DataRequired(_l("Enter the postcode")), DutchPostcode()]
    )
    city = StringField(
        _l("Town or city"), validators=[DataRequired(_l("Enter the town or city")), MAX_100]
    )
    organisation_email = EmailField(
        _l("Contact e-mail address of the organisation"),
        validators=email_address(_l("Enter the organisation's contact e-mail address")),
    )
    persons_employed = persons_employed_field()
    kind = RadioField(
        _l("Kind of organisation"),
        choices=KIND_CHOICES,
        validators=[InputRequired(_l("Choose the kind of organisation"))],
    )
    preferred_language = letter_language_field()
    admin_name = StringField(
        _l("Your full name"),
        validators=[DataRequired(_l("Enter your full name")), MAX_200],
    )
    admin_email = EmailField(
        _l("Your e-mail address"), validators=email_address(_l("Enter your e-mail address"))
    )
    password = PasswordField(_l("Password"), validators=[DataRequired(_l("Enter a password"))])

    def validate_password(self, field):
        require_strong_password(
            field.data, [self.admin_email.data or "", self.legal_name.data or ""]
        )


class CodeForm(BaseForm):
    code = StringField(
        _l("Code from your authenticator app"),
        validators=authenticator_code(),
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


class ResetRequestForm(BaseForm):
    email = EmailField(
        _l("E-mail address"), validators=email_address(_l("Enter your e-mail address"))
    )


class ChangeEmailForm(BaseForm):
    email = EmailField(
        _l("New e-mail address"), validators=email_address(_l("Enter the new e-mail address"))
    )
    password = PasswordField(
        _l("Your password"), validators=[DataRequired(_l("Enter your password"))]
    )
