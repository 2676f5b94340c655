"""The sign-in form, shared by the sponsor and back-office sign-in pages."""

from flask_babel import lazy_gettext as _l
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired

from portal.forms import BaseForm


class SignInForm(BaseForm):
    email = EmailField(
        _l("E-mail address"), validators=[DataRequired(_l("Enter your e-mail address"))]
    )
    password = PasswordField(_l("Password"), validators=[DataRequired(_l("Enter your password"))])
