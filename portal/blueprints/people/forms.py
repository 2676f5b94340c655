from flask_babel import lazy_gettext as _l
from wtforms import EmailField, RadioField, SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from portal import clock
from portal.countries import country_select_choices
from portal.forms import BaseForm, DayField
from portal.labels import CATEGORY
from portal.models import Category, Sex
from portal.people import rules
from portal.validators import MAX_100, MAX_200, Country, DutchPostcode, compact, upper

SEX = {
    Sex.FEMALE: _l("Female (F)"),
    Sex.MALE: _l("Male (M)"),
    Sex.UNSPECIFIED: _l("Unspecified (X)"),
}


class Rule:
    """A register rule from portal/people/rules.py as a field validator."""

    def __init__(self, check):
        self.check = check

    def __call__(self, form, field):
        message = self.check(field.data)
        if message is not None:
            raise ValidationError(message)


class PersonForm(BaseForm):
    given_names = StringField(_l("Given names"), validators=[Optional(), MAX_200])
    surname = StringField(
        _l("Surname"),
        validators=[DataRequired(_l("Enter the surname as in the passport")), MAX_200],
    )
    date_of_birth = DayField(
        _l("Date of birth"), validators=[InputRequired(_l("Enter the date of birth"))]
    )
    place_of_birth = StringField(
        _l("Place of birth"),
        validators=[DataRequired(_l("Enter the place of birth as in the passport")), MAX_100],
    )
    country_of_birth = SelectField(
        _l("Country of birth"),
        validators=[DataRequired(_l("Choose the country of birth")), Country()],
    )
    nationality = SelectField(
        _l("Nationality"), validators=[DataRequired(_l("Choose the nationality")), Country()]
    )
    sex = RadioField(
        _l("Sex, as in the passport"),
        choices=[SelectChoice(s.value, label) for s, label in SEX.items()],
        validators=[InputRequired(_l("Choose the sex as in the passport"))],
    )
    category = RadioField(
        _l("Sponsored under"),
        choices=[SelectChoice(c.value, CATEGORY[c]) for c in Category],
        validators=[InputRequired(_l("Choose the category under which you sponsor this person"))],
    )
    passport_number = StringField(
        _l("Passport number"),
        filters=[compact, upper],
        validators=[DataRequired(_l("Enter the passport number"))],
    )
    passport_issued_on = DayField(
        _l("Passport date of issue"),
        validators=[InputRequired(_l("Enter the date the passport was issued"))],
    )
    passport_expires_on = DayField(
        _l("Passport date of expiry"),
        validators=[InputRequired(_l("Enter the date the passport expires"))],
    )
    v_number = StringField(
        _l("V-number"),
        filters=[compact],
        validators=[
            Optional(),
            Rule(rules.v_number_problem),
        ],
    )
    email = EmailField(
        _l("E-mail address"),
        validators=[
            Optional(),
            Rule(rules.email_problem),
            Length(max=254),
        ],
    )
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

    def _raise(self, message):
        if message is not None:
            raise ValidationError(message)

    def validate_date_of_birth(self, field):
        self._raise(rules.date_of_birth_problem(field.data, clock.today()))

    def validate_passport_number(self, field):
        self._raise(rules.passport_number_problem(field.data))

    def validate_passport_issued_on(self, field):
        self._raise(
            rules.passport_issued_problem(field.data, self.date_of_birth.data, clock.today())
        )

    def validate_passport_expires_on(self, field):
        self._raise(rules.passport_expiry_problem(field.data, self.passport_issued_on.data))

    def validate_postcode(self, field):
        if not field.data:
            return
        if self.country.data in ("NL", "", None):
            DutchPostcode()(self, field)
        elif len(field.data) > 10:
            raise ValidationError(_l("Enter a postcode of at most 10 characters"))


class ArchiveForm(BaseForm):
    sponsorship_ended_on = DayField(
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
