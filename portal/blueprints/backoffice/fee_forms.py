"""Forms of the back office's fee pages."""

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import StringField
from wtforms.validators import DataRequired, ValidationError

from portal.fees import money
from portal.forms import BaseForm

AMOUNT_MESSAGES = {
    "format": _l("Enter the amount in euros, for example 423 or 423,00"),
    "zero": _l("Enter an amount above zero"),
    "too_large": _l("Enter an amount of at most € 1,000,000"),
}


class FeeAmountForm(BaseForm):
    amount = StringField(
        _l("Amount of the fee in euros"),
        validators=[DataRequired(_l("Enter the amount in euros, for example 423 or 423,00"))],
    )

    def validate_amount(self, field):
        try:
            self.cents = money.parse_euros(field.data)
        except money.AmountInvalid as invalid:
            raise ValidationError(str(AMOUNT_MESSAGES[invalid.code])) from invalid


class StatementForm(BaseForm):
    statement = FileField(
        _l("Bank statement (camt.053 XML or MT940)"),
        validators=[FileRequired(_l("Choose the statement file to import"))],
    )
