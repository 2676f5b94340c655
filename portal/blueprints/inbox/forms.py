from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    HiddenField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, Optional, ValidationError
from wtforms.widgets import Select

from portal.cases import replies
from portal.forms import BaseForm, DateInputField


class KeptSelect(Select):
    """A long select drawn once per set of choices, chosen value and attributes, then reused:
    the inbox's kinds of letter and categories are the same on every request (their choices
    are kept per language: helpers.prepare_filter_form). Only a value among the choices is
    kept, so what is typed in the URL cannot grow the store."""

    def __init__(self):
        super().__init__()
        self.drawn = {}

    def __call__(self, field, **kwargs):
        choices = field.choices
        chosen = field.data is None or field.data in {v for v, _label in choices}
        if not isinstance(choices, tuple) or not chosen:
            return super().__call__(field, **kwargs)
        key = (id(choices), field.id, field.name, field.data, tuple(sorted(kwargs.items())))
        if key not in self.drawn:
            self.drawn[key] = super().__call__(field, **kwargs)
        return self.drawn[key]


class FilterForm(BaseForm):
    """The inbox filters: a GET form (no CSRF), every field optional."""

    class Meta:
        csrf = False

    q = StringField(_l("Search in subject and text"))
    kind = SelectField(_l("Kind of letter"), choices=[], validate_choice=False, widget=KeptSelect())
    category = SelectField(_l("Category"), choices=[], validate_choice=False, widget=KeptSelect())
    person = StringField(_l("Person (name or V-number)"))
    application = StringField(_l("Case reference"))
    period_from = DateInputField(_l("Issued from"), validators=[Optional()])
    period_to = DateInputField(_l("Issued up to and including"), validators=[Optional()])
    needs_action = BooleanField(
        _l("Only letters that need action (not answered, respond-by date not passed)")
    )
    unread = BooleanField(_l("Only unread letters"))

    def validate_period_to(self, field):
        if field.data and self.period_from.data and field.data < self.period_from.data:
            raise ValidationError(_l("The end of the period must be on or after its start"))


NOTICE_MODE_CHOICES = [
    SelectChoice(
        "immediate", _l("Immediately: an e-mail for each new letter, and the daily overview")
    ),
    SelectChoice("digest", _l("Once a day: the daily overview only")),
    SelectChoice("off", _l("No e-mails")),
]


class NoticeSettingsForm(BaseForm):
    mode = RadioField(
        _l("Which e-mails do you want?"),
        choices=NOTICE_MODE_CHOICES,
        validators=[InputRequired(_l("Choose which e-mails you want"))],
    )
    # Shown to administrators only (the view ignores it for others).
    contact_notices = BooleanField(_l("Send the same e-mails to the organisation's address"))


class RetryAddressForm(BaseForm):
    address = HiddenField(validators=[Length(max=254)])


class VerifyForm(BaseForm):
    file = FileField(_l("A letter you downloaded (PDF)"))
    sha256 = StringField(
        _l("Or its fingerprint (SHA-256)"),
        validators=[Length(max=200, message=_l("A fingerprint has 64 characters"))],
    )


class ReplyForm(BaseForm):
    message = TextAreaField(
        _l("Your message"),
        validators=[Length(max=replies.MAX_MESSAGE, message=replies.MESSAGE_TOO_LONG)],
    )
    documents = FileField(_l("Documents (PDF, JPEG or PNG, at most 10 MB each)"))
