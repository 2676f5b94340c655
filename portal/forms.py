"""The base form: strips whitespace from every text field, messages say what to do."""

from flask_wtf import FlaskForm


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class BaseForm(FlaskForm):
    class Meta:
        def bind_field(self, form, unbound_field, options):
            filters = unbound_field.kwargs.get("filters", ())
            options["filters"] = (_strip, *filters)
            return unbound_field.bind(form=form, **options)


class EmptyForm(BaseForm):
    """A form with only the CSRF token, for POST buttons."""
