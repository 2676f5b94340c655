"""Forms for IND desks (issue 23): the desk with its weekly hours, and a one-off day."""

import re
from datetime import time

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from portal.forms import BaseForm, DateInputField, WholeNumberField

WEEKDAYS = (
    _l("Monday"),
    _l("Tuesday"),
    _l("Wednesday"),
    _l("Thursday"),
    _l("Friday"),
    _l("Saturday"),
    _l("Sunday"),
)
_TIME = re.compile(r"^([01]?\d|2[0-3])[:.]([0-5]\d)$")


def parse_time(text: str | None) -> time | None:
    match = _TIME.match((text or "").strip())
    return time(int(match.group(1)), int(match.group(2))) if match else None


def _time_field(label):
    return StringField(label, validators=[Optional(), Length(max=5)])


def _minutes(label):
    return WholeNumberField(
        label,
        validators=[
            InputRequired(_l("Enter the slot length in minutes")),
            NumberRange(min=5, max=120, message=_l("Enter a slot length from 5 to 120 minutes")),
        ],
    )


def _counters(label):
    return WholeNumberField(
        label,
        validators=[
            InputRequired(_l("Enter the number of counters")),
            NumberRange(min=0, max=50, message=_l("Enter a number of counters from 0 to 50")),
        ],
    )


class DeskForm(BaseForm):
    name = StringField(
        _l("Name"), validators=[DataRequired(_l("Enter the desk's name")), Length(max=100)]
    )
    address = StringField(
        _l("Address"), validators=[DataRequired(_l("Enter the desk's address")), Length(max=200)]
    )
    contact = StringField(
        _l("Contact after the cut-off"),
        validators=[DataRequired(_l("Enter how sponsors reach the desk")), Length(max=200)],
    )
    biometrics_minutes = _minutes(_l("Slot length for biometrics (minutes)"))
    collection_minutes = _minutes(_l("Slot length for collecting a document (minutes)"))
    biometrics_counters = _counters(_l("Counters for biometrics"))
    collection_counters = _counters(_l("Counters for collecting a document"))
    active = BooleanField(_l("The desk takes bookings"))
    confirm = BooleanField(_l("Cancel the affected appointments and offer rebooking"))

    def hours(self) -> dict | None:
        """weekday → (opens, closes) or None; None (with errors set) when a time is wrong."""
        found, ok = {}, True
        for weekday in range(7):
            opens_field = self[f"opens_{weekday}"]
            closes_field = self[f"closes_{weekday}"]
            if not (opens_field.data or "").strip() and not (closes_field.data or "").strip():
                found[weekday] = None
                continue
            opens, closes = parse_time(opens_field.data), parse_time(closes_field.data)
            if opens is None or closes is None or opens >= closes:
                opens_field.errors = list(opens_field.errors) + [
                    _l("Enter opening and closing times like 09:00 and 17:00, opening first")
                ]
                ok = False
            found[weekday] = (opens, closes)
        return found if ok else None


for _day, _label in enumerate(WEEKDAYS):
    setattr(DeskForm, f"opens_{_day}", _time_field(_l("%(day)s opens", day=_label)))
    setattr(DeskForm, f"closes_{_day}", _time_field(_l("%(day)s closes", day=_label)))


class DeskDayForm(BaseForm):
    day = DateInputField(_l("Day"), validators=[InputRequired(_l("Enter the day"))])
    closed = BooleanField(_l("Closed all day"))
    opens = StringField(_l("Opens at (other hours)"), validators=[Optional(), Length(max=5)])
    closes = StringField(_l("Closes at (other hours)"), validators=[Optional(), Length(max=5)])
    counters = WholeNumberField(
        _l("At most this many counters"),
        validators=[
            Optional(),
            NumberRange(min=0, max=50, message=_l("Enter a number of counters from 0 to 50")),
        ],
    )
    reason = StringField(
        _l("Reason"), validators=[DataRequired(_l("Enter the reason")), Length(max=200)]
    )
    confirm = BooleanField(_l("Cancel the affected appointments and offer rebooking"))
