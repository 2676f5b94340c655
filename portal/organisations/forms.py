"""The organisation profile's forms: legal identity, the whole profile, a change report."""

from flask_babel import lazy_gettext as _l
from wtforms import EmailField, RadioField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import (
    DataRequired,
    Length,
    Optional,
    ValidationError,
)

from portal.countries import country_select_choices
from portal.forms import BaseForm
from portal.labels import LEGAL_FORM
from portal.validators import (
    MAX_100,
    MAX_200,
    Country,
    Digits,
    DutchPostcode,
    Iban,
    KvkNumber,
    Phone,
    Rsin,
    compact,
    email_address,
    letter_language_field,
    persons_employed_field,
    upper,
)

YES_NO = [SelectChoice("yes", _l("Yes")), SelectChoice("no", _l("No"))]


class LegalIdentityForm(BaseForm):
    """The legal-identity fields: edited freely until recognised, then by change report."""

    legal_name = StringField(
        _l("Legal name"),
        validators=[DataRequired(_l("Enter the legal name as registered with the KvK")), MAX_200],
    )
    kvk_number = StringField(
        _l("KvK number"),
        filters=[compact],
        validators=[DataRequired(_l("Enter the KvK number")), KvkNumber()],
    )
    rsin = StringField(_l("RSIN"), filters=[compact], validators=[Optional(), Rsin()])
    legal_form = SelectField(
        _l("Legal form"),
        choices=[SelectChoice("", "")]
        + [SelectChoice(form.value, label) for form, label in LEGAL_FORM.items()],
        validators=[Optional()],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "legal_form" in self:
            self.legal_form.choices[0] = SelectChoice("", _l("Choose the legal form"))


class ProfileForm(LegalIdentityForm):
    trade_name = StringField(_l("Trade name"), validators=[Optional(), MAX_200])
    ind_client_number = StringField(
        _l("IND client number"),
        filters=[compact],
        validators=[
            Optional(),
            Digits(_l("Enter the IND client number using digits only"), max_length=20),
        ],
    )
    street_address = StringField(
        _l("Street and house number"),
        validators=[DataRequired(_l("Enter the street and house number")), MAX_200],
    )
    postcode = StringField(_l("Postcode"), filters=[upper], validators=[DutchPostcode("country")])
    city = StringField(
        _l("Town or city"), validators=[DataRequired(_l("Enter the town or city")), MAX_100]
    )
    country = SelectField(
        _l("Country"), validators=[DataRequired(_l("Choose a country from the list")), Country()]
    )
    postal_street_address = StringField(
        _l("Street and house number, or PO box"), validators=[MAX_200]
    )
    postal_postcode = StringField(_l("Postcode"), filters=[upper])
    postal_city = StringField(_l("Town or city"), validators=[MAX_100])
    postal_country = SelectField(_l("Country"), validators=[Country()])
    phone = StringField(_l("Telephone number"), validators=[Optional(), Phone()])
    email = EmailField(
        _l("Contact e-mail address of the organisation"),
        validators=email_address(_l("Enter the organisation's contact e-mail address")),
    )
    persons_employed = persons_employed_field()
    code_of_conduct_registered = RadioField(
        _l(
            "Is the institution registered in the register of the Code of Conduct for "
            "International Students in Higher Education?"
        ),
        choices=YES_NO,
        validators=[Optional()],
    )
    sna_registration_number = StringField(
        _l("SNA registration number (staffing firms only)"),
        filters=[compact],
        validators=[
            Optional(),
            Digits(_l("Enter the SNA registration number using digits only"), max_length=20),
        ],
    )
    iban = StringField(_l("IBAN"), filters=[compact, upper], validators=[Optional(), Iban()])
    preferred_language = letter_language_field()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.country.choices = country_select_choices(blank_label=_l("Choose a country"))
        self.postal_country.choices = country_select_choices(blank_label=_l("Choose a country"))

    def validate_postal_street_address(self, field):
        if self._postal_given() and not field.data:
            raise ValidationError(_l("Enter the street and house number, or PO box"))

    def validate_postal_city(self, field):
        if self._postal_given() and not field.data:
            raise ValidationError(_l("Enter the town or city of the postal address"))

    def validate_postal_country(self, field):
        if self._postal_given() and not field.data:
            raise ValidationError(_l("Choose the country of the postal address"))

    def validate_postal_postcode(self, field):
        if self._postal_given():
            DutchPostcode("postal_country")(self, field)
        elif field.data:
            raise ValidationError(_l("Enter the rest of the postal address, or leave it empty"))

    def _postal_given(self) -> bool:
        return any(
            self[name].data for name in ("postal_street_address", "postal_city", "postal_country")
        )


class ChangeReportForm(LegalIdentityForm):
    explanation = TextAreaField(
        _l("What changed, and since when?"),
        validators=[
            DataRequired(_l("Explain what changed and since when")),
            Length(max=2000, message=_l("Enter at most 2000 characters")),
        ],
    )
