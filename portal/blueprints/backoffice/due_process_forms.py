"""Due-process forms (issue 25): extending the decision period; intended decisions."""

from flask_babel import lazy_gettext as _l
from wtforms import SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, ValidationError

from portal import clock, reference
from portal.blueprints.backoffice.forms import CaseForm
from portal.forms import BaseForm
from portal.inputs import parse_whole
from portal.labels import CATEGORY
from portal.models import Category


class ExtendForm(CaseForm):
    days = StringField(
        _l("Extend by (days)"), validators=[DataRequired(_l("Enter the number of days"))]
    )
    reason = TextAreaField(
        _l("Why the decision takes longer"),
        validators=[
            DataRequired(_l("Enter why the decision period is extended: it goes into the letter")),
            Length(max=2000, message=_l("Enter at most 2,000 characters")),
        ],
    )

    def __init__(self, *args, max_days: int = 0, **kwargs):
        super().__init__(*args, **kwargs)
        self.max_days = max_days

    @property
    def day_count(self) -> int:
        return parse_whole((self.days.data or "").strip(), self.max_days) or 0

    def validate_days(self, field):
        if not 0 < self.day_count <= self.max_days:
            raise ValidationError(
                _l("Enter a whole number of days from 1 to %(max)d", max=self.max_days)
            )


def extend_form(application=None, formdata=None) -> ExtendForm:
    """The extension form for the case page (unbound) or from the request (bound)."""
    today = clock.today()
    max_days = reference.extension_max_days(today)
    if formdata is None:
        return ExtendForm(
            formdata=None, data={"version": application.version}, prefix="extend", max_days=max_days
        )
    return ExtendForm(prefix="extend", max_days=max_days)


_GROUNDS = [
    DataRequired(_l("Enter the intended decision and its grounds: they go into the letter")),
    Length(max=4000, message=_l("Enter at most 4,000 characters")),
]


class IntendedRefusalForm(CaseForm):
    grounds = TextAreaField(_l("The intended refusal and its grounds"), validators=_GROUNDS)


class IntendedSanctionForm(BaseForm):
    kind = SelectField(
        _l("Intended decision"),
        choices=[
            SelectChoice("fine", _l("Administrative fine")),
            SelectChoice("suspension", _l("Suspension of recognition")),
            SelectChoice("withdrawal", _l("Withdrawal of recognition")),
        ],
    )
    category = SelectField(
        _l("Category"),
        choices=[SelectChoice("", _l("The organisation as a whole (fine only)"))]
        + [SelectChoice(c.value, CATEGORY[c]) for c in Category],
    )
    grounds = TextAreaField(_l("The intended decision and its grounds"), validators=_GROUNDS)

    def validate_category(self, field):
        if self.kind.data in ("suspension", "withdrawal") and not field.data:
            raise ValidationError(_l("Choose the category the suspension or withdrawal is about"))
