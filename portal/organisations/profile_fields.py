"""The profile's fields as a reader sees them: their labels (from the profile form) and their
stored values in words, for the profile page, its history and the back office's change reports."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms.fields.core import UnboundField

from portal.countries import country_name
from portal.labels import LANGUAGE, LEGAL_FORM
from portal.models import LegalForm
from portal.organisations.forms import ProfileForm


def field_labels(form_class, **overrides) -> dict:
    """Field name → label, from a form class (its bases included)."""
    labels = {}
    for klass in reversed(form_class.__mro__):
        for name, value in vars(klass).items():
            if isinstance(value, UnboundField) and value.args:
                labels[name] = value.args[0]
    return {**labels, **overrides}


FIELD_LABELS = field_labels(
    ProfileForm,
    postal_street_address=_l("Postal address: street and house number, or PO box"),
    postal_postcode=_l("Postal address: postcode"),
    postal_city=_l("Postal address: town or city"),
    postal_country=_l("Postal address: country"),
    street_address=_l("Visiting address: street and house number"),
    postcode=_l("Visiting address: postcode"),
    city=_l("Visiting address: town or city"),
    country=_l("Visiting address: country"),
)


def display_value(field: str, value):
    """A stored value as a reader understands it."""
    if value is None or value == "":
        return "–"
    if field in ("country", "postal_country"):
        return country_name(value)
    if field == "legal_form":
        return LEGAL_FORM.get(LegalForm(value), value)
    if field == "preferred_language":
        return LANGUAGE.get(value, value)
    if field == "code_of_conduct_registered":
        return _("Yes") if value in (True, "yes") else _("No")
    return value
