from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, RadioField, SelectField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length

from portal.forms import BaseForm, DateInputField


class ReportForm(BaseForm):
    kind = RadioField(
        _l("What do you report?"),
        validators=[InputRequired(_l("Choose what you report"))],
    )
    person = SelectField(_l("Person"), validate_choice=False)
    event_date = DateInputField(
        _l("Date of the event"),
        validators=[InputRequired(_l("Enter the date the change happened"))],
    )
    details = TextAreaField(
        _l("Explanation"),
        validators=[Length(max=2000, message=_l("Write at most 2000 characters"))],
    )


class StudyProgressForm(BaseForm):
    checked_on = DateInputField(
        _l("Date the check was completed"),
        validators=[InputRequired(_l("Enter the date the check was completed"))],
    )
    confirm = BooleanField(
        _l(
            "We checked the study progress of all our students for the past academic year and "
            "reported every student with insufficient progress"
        ),
        validators=[DataRequired(_l("Confirm that the check was completed"))],
    )
