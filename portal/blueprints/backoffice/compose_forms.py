from flask_babel import lazy_gettext as _l
from wtforms import RadioField, SelectChoice, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional, Regexp, ValidationError

from portal.forms import BaseForm, DateInputField
from portal.validators import MAX_200


class ComposeForm(BaseForm):
    kvk_number = StringField(
        _l("KvK number of the organisation"),
        validators=[
            InputRequired(_l("Enter the organisation's KvK number, 8 digits")),
            Regexp(r"^\d{8}$", message=_l("Enter the organisation's KvK number, 8 digits")),
        ],
    )
    template = RadioField(
        _l("Letter template"),
        choices=[
            SelectChoice("general_message", _l("General message")),
            SelectChoice("extension_reminder", _l("Reminder: residence permit expires")),
            SelectChoice("reminder_overdue_report", _l("Reminder: a report is overdue")),
        ],
        validators=[InputRequired(_l("Choose a letter template"))],
    )
    title = StringField(
        _l("Subject (general message)"),
        validators=[MAX_200],
    )
    message = TextAreaField(
        _l("Text (general message)"),
        validators=[Length(max=10000, message=_l("Enter at most 10,000 characters"))],
    )
    case_reference = StringField(
        _l("Case reference (optional)"),
        validators=[Length(max=40, message=_l("Enter at most 40 characters"))],
    )
    person_name = StringField(
        _l("Name of the person concerned (optional)"),
        validators=[MAX_200],
    )
    v_number = StringField(
        _l("V-number (optional)"),
        validators=[
            Optional(),
            Regexp(r"^\d{6,12}$", message=_l("Enter the V-number as digits only")),
        ],
    )
    respond_by = DateInputField(_l("Respond by (optional)"), validators=[Optional()])
    expires_on = DateInputField(
        _l("Permit expires on (extension reminder)"), validators=[Optional()]
    )
    report_subject = StringField(
        _l("What must be reported (overdue report)"),
        validators=[MAX_200],
    )
    event_date = DateInputField(_l("Date of the change (overdue report)"), validators=[Optional()])

    def validate_title(self, field):
        if self.template.data == "general_message" and not field.data:
            raise ValidationError(_l("Enter the subject of the letter"))

    def validate_message(self, field):
        if self.template.data == "general_message" and not field.data:
            raise ValidationError(_l("Enter the text of the letter"))

    def validate_expires_on(self, field):
        if self.template.data == "extension_reminder" and not field.data and not field.errors:
            raise ValidationError(_l("Enter the date the residence permit expires"))

    def validate_report_subject(self, field):
        if self.template.data == "reminder_overdue_report" and not field.data:
            raise ValidationError(_l("Enter what must be reported"))

    def validate_event_date(self, field):
        if self.template.data == "reminder_overdue_report" and not field.data and not field.errors:
            raise ValidationError(_l("Enter the date of the change"))
