"""The forms of the UWV advice step on a single-permit case (issue 22)."""

from flask_babel import lazy_gettext as _l
from wtforms import RadioField, SelectChoice, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from portal import clock, forms
from portal.blueprints.backoffice.forms import CaseForm


class UwvRequestForm(CaseForm):
    note = TextAreaField(
        _l("Note on the request (optional)"),
        validators=[Optional(), Length(max=2000, message=_l("Enter at most 2,000 characters"))],
    )


class UwvRecordForm(CaseForm):
    outcome = RadioField(
        _l("UWV's advice"),
        choices=[
            SelectChoice("positive", _l("Positive: UWV advises to allow the work")),
            SelectChoice("negative", _l("Negative: UWV advises against it")),
        ],
        validators=[InputRequired(_l("Choose UWV's advice"))],
    )
    received_on = forms.DateInputField(
        _l("Date the advice was received"),
        validators=[InputRequired(_l("Enter the date the advice was received"))],
    )
    text = TextAreaField(
        _l("The advice in brief"),
        validators=[
            DataRequired(_l("Enter UWV's advice in brief: it goes into the decision letter")),
            Length(max=2000, message=_l("Enter at most 2,000 characters")),
        ],
    )

    def __init__(self, *args, requested_on=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.requested_on = requested_on

    def validate_received_on(self, field):
        if field.data is None:
            return
        if field.data > clock.today():
            raise ValidationError(_l("The date cannot be in the future"))
        if self.requested_on is not None and field.data < self.requested_on:
            raise ValidationError(_l("The advice cannot have arrived before it was requested"))


def uwv_forms(application, advice) -> dict:
    """The unbound forms for the case page."""
    version = {"version": application.version}
    return {
        "uwv_request": UwvRequestForm(formdata=None, data=version, prefix="uwv-request"),
        "uwv_record": UwvRecordForm(
            formdata=None,
            data=version,
            prefix="uwv-record",
            requested_on=advice.requested_on if advice else None,
        ),
    }
