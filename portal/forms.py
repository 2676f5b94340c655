"""The base form: strips whitespace from every text field, messages say what to do."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import Field, HiddenField, IntegerField, PasswordField, StringField, TextAreaField
from wtforms.utils import unset_value
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


class DateInputField(Field):
    """A date typed in three boxes, day, month and year (the GOV.UK / NL Design System date
    input: `f.date_input`, or `f.input`, which hands this field to it), read by
    `portal.dates.parse_date_parts` with its messages, shown alone.

    The boxes are named `<name>-day`, `<name>-month` and `<name>-year`. A single value `<name>`
    (a link, a filter carried in a URL, a script) is read as text by the same parser. `data` is
    the date (None when nothing was typed or when it is wrong); `parts` what was typed, shown
    back; `text` the date as day-month-year text; `wrong_parts` the boxes the message is about
    (the first gets the focus from the error summary). With `as_text=True`, `data` is the typed
    text and reading it is left to the service (the residence form keeps answers as typed)."""

    PARTS = dates.PARTS

    def __init__(self, label=None, validators=None, *, as_text=False, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.as_text = as_text
        self.parts = dict.fromkeys(self.PARTS, "")
        self.wrong_parts: tuple[str, ...] = ()

    @property
    def text(self) -> str:
        if not any(self.parts.values()):
            return ""
        return "-".join(self.parts[part] for part in self.PARTS)

    def process(self, formdata, data=unset_value, extra_filters=None):
        del extra_filters  # the boxes are stripped here; no filter applies to a date
        self.process_errors = []
        if data is unset_value:
            data = self.default() if callable(self.default) else self.default
        self.object_data = data
        self.parts = dates.typed_parts(data)
        self.raw_data = []
        single = None
        if formdata is not None:
            names = [f"{self.name}-{part}" for part in self.PARTS]
            if any(name in formdata for name in names):
                self.parts = {
                    part: (formdata.get(f"{self.name}-{part}") or "").strip() for part in self.PARTS
                }
            elif self.name in formdata:
                single = (formdata.get(self.name) or "").strip()
                self.parts = dates.typed_parts(single)
            else:
                self.parts = dict.fromkeys(self.PARTS, "")
            self.raw_data = [self.text] if self.text else []
        self.data = self._read(single)

    def _read(self, single: str | None):
        if not self.text:
            return None
        try:
            value = (
                dates.parse_date_text(single) if single else dates.parse_date_parts(**self.parts)
            )
        except dates.DateNotUnderstood as error:
            self.wrong_parts = error.parts
            self.process_errors.append(str(error.message))
            return self.text if self.as_text else None
        return self.text if self.as_text else value

    def pre_validate(self, form):
        if self.process_errors and not self.as_text:
            raise StopValidation()

    def _value(self) -> str:
        """The date as one day-month-year value (a hidden field carries it to the next step)."""
        shown = self.shown_parts
        return "-".join(shown[part] for part in self.PARTS) if any(shown.values()) else ""

    @property
    def shown_parts(self) -> dict[str, str]:
        """What the boxes show: what was typed, or the date a view put in `data`."""
        if self.text or self.as_text:
            return self.parts
        return dates.typed_parts(self.data)

    @property
    def first_wrong_part(self) -> str:
        return self.wrong_parts[0] if self.wrong_parts else "day"
