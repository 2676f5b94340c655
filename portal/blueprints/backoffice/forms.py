from flask_babel import lazy_gettext as _l
from wtforms import RadioField, SelectChoice, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Regexp, ValidationError

from portal.forms import BaseForm


class CodeForm(BaseForm):
    code = StringField(
        _l("Code from your authenticator app"),
        validators=[
            InputRequired(_l("Enter the 6-digit code from your authenticator app")),
            Regexp(r"^\d{6}$", message=_l("Enter the 6-digit code from your authenticator app")),
        ],
    )


class DecisionForm(BaseForm):
    outcome = RadioField(
        _l("Decision"),
        choices=[
            SelectChoice("grant", _l("Grant recognition")),
            SelectChoice("refuse", _l("Refuse recognition")),
        ],
        validators=[InputRequired(_l("Choose whether to grant or refuse"))],
    )
    reason = TextAreaField(
        _l("Reason (shown in the decision letter)"),
        validators=[Length(max=4000, message=_l("Enter at most 4,000 characters"))],
    )

    def validate_reason(self, field):
        if self.outcome.data == "refuse" and not field.data:
            raise ValidationError(_l("Enter the reason for the refusal"))
