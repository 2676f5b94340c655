"""The people register's forms. Every person field is read by its specification
(portal/people/fields.py), the same one the residence form and the bulk import use."""

from flask_babel import lazy_gettext as _l
from wtforms import EmailField, RadioField, SelectChoice, SelectField, StringField
from wtforms.validators import InputRequired, Optional, StopValidation, ValidationError

from portal import clock
from portal.countries import country_select_choices
from portal.forms import BaseForm, DateInputField
from portal.labels import CATEGORY
from portal.models import Category, Sex
from portal.people import fields as person_fields
from portal.validators import MAX_100, MAX_200, Country, DutchPostcode, upper

SEX = {
    Sex.FEMALE: _l("Female (F)"),
    Sex.MALE: _l("Male (M)"),
    Sex.UNSPECIFIED: _l("Unspecified (X)"),
}


class PersonSpec:
    """Read the field with its person field specification (portal/people/fields.py): the clean
    value, or the specification's message alone."""

    def __init__(self, name: str):
        self.name = name

    def __call__(self, form, field):
        raw = field.raw_data[0] if field.raw_data else ""
        value, message = person_fields.parse(self.name, raw, clock.today())
        if message is not None:
            raise StopValidation(str(message))
        field.data = value


def _spec(name: str, field_class=StringField, **kwargs):
    """A form field read by the person specification (choices are checked there too: give
    choice fields validate_choice=False)."""
    return field_class(person_fields.FIELDS[name].label, validators=[PersonSpec(name)], **kwargs)


class PersonForm(BaseForm):
    given_names = _spec("given_names")
    surname = _spec("surname")
    date_of_birth = _spec("date_of_birth", DateInputField)
    place_of_birth = _spec("place_of_birth")
    country_of_birth = _spec("country_of_birth", SelectField, validate_choice=False)
    nationality = _spec("nationality", SelectField, validate_choice=False)
    sex = _spec(
        "sex",
        RadioField,
        choices=[SelectChoice(s.value, label) for s, label in SEX.items()],
        validate_choice=False,
    )
    category = RadioField(
        _l("Sponsored under"),
        choices=[SelectChoice(c.value, CATEGORY[c]) for c in Category],
        validators=[InputRequired(_l("Choose the category under which you sponsor this person"))],
    )
    passport_number = _spec("passport_number")
    passport_issued_on = _spec("passport_issued_on", DateInputField)
    passport_expires_on = _spec("passport_expires_on", DateInputField)
    v_number = _spec("v_number")
    email = _spec("email", EmailField)
    street_address = StringField(_l("Street and house number"), validators=[Optional(), MAX_200])
    postcode = StringField(_l("Postcode"), filters=[upper])
    city = StringField(_l("Town or city"), validators=[Optional(), MAX_100])
    country = SelectField(_l("Country"), validators=[Optional(), Country()])

    def __init__(self, *args, categories=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.country_of_birth.choices = country_select_choices(blank_label=_l("Choose a country"))
        self.nationality.choices = country_select_choices(blank_label=_l("Choose a country"))
        self.country.choices = country_select_choices(blank_label=_l("Choose a country"))
        if categories is not None:
            self.category.choices = [
                SelectChoice(c.value, CATEGORY[c]) for c in Category if c in categories
            ]

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        values = {name: self[name].data for name in person_fields.FIELDS if not self[name].errors}
        for name, message in person_fields.cross_problems(values).items():
            self[name].errors.append(str(message))
            valid = False
        return valid

    def validate_postcode(self, field):
        if not field.data:
            return
        if self.country.data in ("NL", "", None):
            DutchPostcode()(self, field)
        elif len(field.data) > 10:
            raise ValidationError(_l("Enter a postcode of at most 10 characters"))


class ArchiveForm(BaseForm):
    sponsorship_ended_on = DateInputField(
        _l("Date the sponsorship ended"),
        validators=[InputRequired(_l("Enter the date the sponsorship ended"))],
    )

    def validate_sponsorship_ended_on(self, field):
        if field.data and field.data > clock.today():
            raise ValidationError(
                _l("The date cannot be in the future. Archive the person once it has ended")
            )
        if field.data and field.data.year < 2000:
            raise ValidationError(_l("Enter a date after 1 January 2000"))
