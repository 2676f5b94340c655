"""A residence application as people read it: values for display, country names, the person
it concerns, the permit it leads to, and what the IND is waiting for."""

from datetime import date

import pycountry
from flask_babel import get_locale

from portal.collation import sorted_by_text
from portal.formatting import date_text, money
from portal.models import Application, ApplicationKind
from portal.residence.types import TYPES, Field


def country_name(code: str) -> str:
    locale = get_locale()
    return (locale.territories.get(code) if locale else None) or code


def country_choices() -> list[tuple[str, str]]:
    names = [(c.alpha_2, country_name(c.alpha_2)) for c in pycountry.countries]
    return sorted_by_text(names, lambda item: item[1])


def display_value(field: Field, value) -> str:
    """A clean value (or its JSON form from a snapshot) as a person reads it."""
    if value in (None, ""):
        return ""
    if field.kind == "date":
        return date_text(date.fromisoformat(value) if isinstance(value, str) else value)
    if field.kind == "money":
        return money(int(value))
    if field.kind == "choice":
        return str(dict(field.choices).get(value, value))
    if field.kind == "country":
        return country_name(value)
    return str(value)


def category_label(kind: ApplicationKind):
    from portal.labels import CATEGORY

    return CATEGORY[TYPES[kind].category]


def person_name(application: Application) -> str:
    source = (application.snapshot or {}).get("answers") or application.answers or {}
    person = source.get("person") or {}
    return " ".join(p for p in (person.get("given_names"), person.get("surname")) if p)


def person_of(application: Application) -> dict:
    """The person as sent (snapshot), for letters: names and V-number."""
    source = (application.snapshot or {}).get("answers") or application.answers or {}
    person = source.get("person") or {}
    return {
        "given_names": person.get("given_names"),
        "surname": person.get("surname"),
        "v_number": person.get("v_number"),
    }


# The permit a type leads to, as named in the decision letter (letters are not translated
# through the catalogue: each language has its own template).
PERMIT_NAMES = {
    "hsm": {
        "nl": "verblijfsvergunning als kennismigrant",
        "en": "residence permit as a highly skilled migrant",
    },
    ApplicationKind.EU_BLUE_CARD: {"nl": "Europese blauwe kaart", "en": "EU Blue Card"},
    ApplicationKind.RESEARCHER: {
        "nl": "verblijfsvergunning als onderzoeker (richtlijn (EU) 2016/801)",
        "en": "residence permit as a researcher (Directive (EU) 2016/801)",
    },
    ApplicationKind.STUDENT: {
        "nl": "verblijfsvergunning voor studie (hoger onderwijs)",
        "en": "residence permit for study (higher education)",
    },
    ApplicationKind.AU_PAIR: {
        "nl": "verblijfsvergunning voor uitwisseling (au pair)",
        "en": "residence permit for exchange (au pair)",
    },
    ApplicationKind.CULTURAL_EXCHANGE: {
        "nl": "verblijfsvergunning voor uitwisseling (culturele uitwisseling)",
        "en": "residence permit for exchange (cultural exchange)",
    },
    # Issue 22 (a change of purpose leads to the highly skilled migrant permit: "hsm").
    ApplicationKind.ICT: {
        "nl": "ICT-vergunning (overplaatsing binnen een onderneming, richtlijn 2014/66/EU)",
        "en": "ICT permit (intra-corporate transfer, Directive 2014/66/EU)",
    },
    ApplicationKind.GVVA: {
        "nl": "gecombineerde vergunning voor verblijf en arbeid (GVVA)",
        "en": "single permit for residence and paid employment (GVVA)",
    },
    ApplicationKind.SEASONAL_WORK: {
        "nl": "verblijfsvergunning voor seizoenarbeid (richtlijn 2014/36/EU)",
        "en": "residence permit for seasonal work (Directive 2014/36/EU)",
    },
    ApplicationKind.FAMILY_PARTNER: {
        "nl": "verblijfsvergunning voor verblijf bij partner",
        "en": "residence permit to stay with a partner",
    },
    ApplicationKind.FAMILY_CHILD: {
        "nl": "verblijfsvergunning voor verblijf bij ouder",
        "en": "residence permit to stay with a parent",
    },
}


def permit_name(kind: ApplicationKind) -> dict[str, str]:
    return PERMIT_NAMES.get(kind) or PERMIT_NAMES["hsm"]


def deadline_moved_days(application: Application) -> int:
    """Days the statutory deadline moved since submission (suspensions of the clock)."""
    original = (application.snapshot or {}).get("statutory_deadline")
    if not original or application.decision_deadline is None:
        return 0
    return (application.decision_deadline - date.fromisoformat(original)).days


def requested_until(application: Application) -> date | None:
    rtype = TYPES.get(application.kind)
    if rtype is not None and rtype.with_main:  # a family member's permit follows the main one
        from portal.family.links import requested_until as family_until

        return family_until(application)
    value = (application.snapshot or {}).get("requested_validity_until")
    return date.fromisoformat(value) if value else None
