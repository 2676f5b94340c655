"""The base form: strips whitespace from every text field, messages say what to do."""

from datetime import date

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, HiddenField, IntegerField, PasswordField, StringField, TextAreaField
from wtforms.validators import StopValidation

from portal import dates


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def _typed_text(field_class) -> bool:
    """A field a person types text into (not a password, not a hidden value)."""
    return issubclass(field_class, StringField) and not issubclass(
        field_class, PasswordField | HiddenField
    )


class BaseForm(FlaskForm):
    class Meta:
        def bind_field(self, form, unbound_field, options):
            filters = unbound_field.kwargs.get("filters", ())
            options["filters"] = (_strip, *filters)
            field = unbound_field.bind(form=form, **options)
            if _typed_text(unbound_field.field_class):
                # Imported here: validators.py imports this module's fields.
                from portal.validators import PlainText

                multiline = issubclass(unbound_field.field_class, TextAreaField)
                field.validators = [*field.validators, PlainText(multiline=multiline)]
            return field


class EmptyForm(BaseForm):
    """A form with only the CSRF token, for POST buttons."""


class WholeNumberField(IntegerField):
    """An integer field whose 'not a number' message is ours, shown alone."""

    def __init__(self, label=None, validators=None, *, invalid_message=None, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.invalid_message = invalid_message or _l("Enter a whole number")

    def process_formdata(self, valuelist):
        if not valuelist or not valuelist[0].strip():
            self.data = None
            return
        raw = valuelist[0].strip().replace(" ", "")
        try:
            self.data = int(raw)
        except ValueError as error:
            self.data = None
            raise ValueError(self.invalid_message) from error

    def pre_validate(self, form):
        if self.process_errors:
            raise StopValidation()


class DayField(DateField):
    """A calendar date (ISO in the form, a date picker in browsers); our message, shown alone.

    Only the years of portal/dates.py (EARLIEST_YEAR..LATEST_YEAR), with its message: a date at
    the ends of the calendar (0001-01-01, 9999-12-31) is no one's birthday or deadline, and a
    day added to or taken from it would overflow in a filter or a calculation."""

    def __init__(self, label=None, validators=None, *, invalid_message=None, **kwargs):
        kwargs.pop("format", None)  # always ISO
        super().__init__(label, validators, format="%Y-%m-%d", **kwargs)
        self.invalid_message = invalid_message or _l(
            "Enter a real date as year-month-day, like 1990-03-31"
        )

    def process_formdata(self, valuelist):
        if not valuelist or not valuelist[0].strip():
            self.data = None
            return
        try:
            self.data = date.fromisoformat(valuelist[0].strip())
        except ValueError as error:
            self.data = None
            self.raw_data = valuelist
            raise ValueError(self.invalid_message) from error
        if not dates.EARLIEST_YEAR <= self.data.year <= dates.LATEST_YEAR:
            self.data = None
            self.raw_data = valuelist
            raise ValueError(dates.MESSAGES["year_range"])

    def pre_validate(self, form):
        if self.process_errors:
            raise StopValidation()


DATE_MESSAGE = _l("Enter a date as year-month-day, for example 2026-11-29")


class IsoDateField(DayField):
    """A DayField whose 'not a date' message shows the ISO form (filters, staff forms)."""

    def __init__(self, label=None, validators=None, **kwargs):
        kwargs.setdefault("invalid_message", DATE_MESSAGE)
        super().__init__(label, validators, **kwargs)
