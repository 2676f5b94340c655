from flask_babel import lazy_gettext as _l
from wtforms import RadioField, SelectField, SelectMultipleField
from wtforms.validators import InputRequired
from wtforms.widgets import CheckboxInput, ListWidget

from portal.forms import BaseForm


class SlotForm(BaseForm):
    slot = RadioField(
        _l("Choose a time"),
        validators=[InputRequired(_l("Choose a time for the appointment"))],
        validate_choice=False,
    )


class GroupForm(BaseForm):
    desk = SelectField(_l("Desk"), validators=[InputRequired(_l("Choose a desk"))])
    day = SelectField(_l("Day"), validators=[InputRequired(_l("Choose a day"))])
    people = SelectMultipleField(
        _l("Students"),
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
        validators=[InputRequired(_l("Choose at least one student"))],
    )
