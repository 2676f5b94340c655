"""Forms shared by the sponsor and back-office pages: sign-in, and a new password (reset,
staff invitation)."""

from flask_babel import lazy_gettext as _l
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired, ValidationError

from portal.forms import BaseForm
from portal.validators import require_strong_password


class SignInForm(BaseForm):
    email = EmailField(
        _l("E-mail address"), validators=[DataRequired(_l("Enter your e-mail address"))]
    )
    password = PasswordField(_l("Password"), validators=[DataRequired(_l("Enter your password"))])


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
        require_strong_password(field.data, self.user_inputs)

    def validate_confirm(self, field):
        if field.data != self.password.data:
            raise ValidationError(_l("The two passwords are not the same"))


class ChangePasswordForm(NewPasswordForm):
    """Signed in: the current password, then the new one twice (the strong-password rule)."""

    current = PasswordField(
        _l("Current password"), validators=[DataRequired(_l("Enter your current password"))]
    )
