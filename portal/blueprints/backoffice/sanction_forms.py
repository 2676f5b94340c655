"""Forms for sanctions: each a confirmation with a required reason, sent only after the
reviewer has seen the letter of exactly what the form says (`previewed`)."""

import hashlib
import json

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, ValidationError

from portal.forms import BaseForm
from portal.labels import CATEGORY
from portal.residence.rules import InputNotUnderstood, parse_salary

REASON_VALIDATORS = [
    DataRequired(_l("Enter the reason. It is written into the letter to the organisation")),
    Length(max=4000, message=_l("Enter at most 4,000 characters")),
]


class PreviewedForm(BaseForm):
    """`previewed` holds the digest of the values whose letter the reviewer saw; a form
    changed since then is previewed again instead of sent."""

    previewed = HiddenField()

    def digest(self) -> str:
        values = {
            name: field.data
            for name, field in self._fields.items()
            if name not in ("csrf_token", "previewed")
        }
        canonical = json.dumps(values, sort_keys=True, default=str, ensure_ascii=False)
        return hashlib.sha256(canonical.encode()).hexdigest()

    def previewed_as_is(self) -> bool:
        return bool(self.previewed.data) and self.previewed.data == self.digest()


def category_choices():
    categories = [(c.value, label) for c, label in CATEGORY.items()]
    return [("", _l("Not about one category")), *categories]


class WarningForm(PreviewedForm):
    category = SelectField(
        _l("Category concerned"), choices=category_choices, validate_choice=False
    )
    reason = TextAreaField(_l("Reason"), validators=REASON_VALIDATORS)
    # The organisation's own reports of a breach to weigh as mitigating facts (choices: its
    # open disclosures, set by the view).
    mitigating = SelectMultipleField(_l("Reported by the organisation itself"), choices=[])

    def validate_category(self, field):
        if field.data not in {value for value, _label in category_choices()}:
            raise ValidationError(_l("Choose a category from the list"))


class FineForm(WarningForm):
    amount = StringField(
        _l("Amount in euros"),
        validators=[DataRequired(_l("Enter the amount of the fine in euros"))],
    )
    amount_cents: int | None = None

    def validate_amount(self, field):
        try:
            cents = parse_salary(field.data)
        except InputNotUnderstood as error:
            raise ValidationError(
                _l("Enter an amount in euros, at most one million, for example 8250 or 8.250,00")
            ) from error
        if cents <= 0:
            raise ValidationError(_l("Enter an amount of more than 0 euros"))
        self.amount_cents = cents


class RecognitionActionForm(PreviewedForm):
    """Suspend, extend, lift or withdraw: carries the state of the recognition as shown."""

    state = HiddenField()
    reason = TextAreaField(_l("Reason"), validators=REASON_VALIDATORS)
