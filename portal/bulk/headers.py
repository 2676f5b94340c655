"""Which column of the student file a header means, as student and HR systems export them:
the template's names, the form's labels in Dutch and English, and common variants
("Achternaam", "Surname", "Last name", "family_name"), compared without case, accents, spaces
or punctuation. A header none of these knows is mapped by the user (or ignored); that mapping
is remembered per organisation (ImportColumnMapping) and offered the next time."""

import unicodedata
from dataclasses import dataclass, field

from flask_babel import force_locale
from sqlalchemy import select

from portal.bulk.student_rows import COLUMNS, OLD_COLUMNS, STUDENT
from portal.extensions import db
from portal.models import ImportColumnMapping

IGNORE = "ignore"

# Variants beyond the template's names and the form's labels (which are added by themselves).
VARIANTS = {
    "surname": ("achternaam", "last name", "family name", "familienaam", "geslachtsnaam"),
    "given_names": ("voornaam", "voornamen", "first name", "first names", "given name", "roepnaam"),
    "date_of_birth": ("geboortedatum", "birth date", "birthdate", "dob", "born on"),
    "place_of_birth": ("geboorteplaats", "birth place", "birthplace", "city of birth"),
    "country_of_birth": ("geboorteland", "birth country", "country of birth code"),
    "nationality": ("nationaliteit", "nationality code", "citizenship", "land nationaliteit"),
    "sex": ("geslacht", "gender", "m/v", "m/f"),
    "civil_status": ("burgerlijke staat", "marital status", "civil state"),
    "v_number": ("v-nummer", "vnummer", "v nr", "ind number"),
    "passport_number": ("paspoortnummer", "paspoort", "passport", "passport no", "document number"),
    "passport_issued_on": ("afgiftedatum paspoort", "paspoort afgegeven", "passport issue date"),
    "passport_expires_on": (
        "passport_expiry",
        "vervaldatum paspoort",
        "paspoort geldig tot",
        "passport expiry date",
        "passport valid until",
    ),
    "procedure": ("type procedure", "soort procedure"),
    "email": ("e-mail", "e-mailadres", "email address", "mail", "emailadres"),
    "programme": ("opleiding", "studie", "programme name", "program", "opleidingsnaam"),
    "start_date": ("startdatum", "begindatum", "start date study", "ingangsdatum"),
    "end_date": ("einddatum", "verwachte einddatum", "end date study"),
    "embassy_country": ("land ambassade", "land van de ambassade", "embassy country"),
    "embassy_city": ("plaats ambassade", "stad ambassade", "embassy city"),
    "travel_date": ("reisdatum", "datum van inreis", "arrival date", "travel date"),
    "family_of": (
        "gezinslid van",
        "family member of",
        "hoofdaanvrager",
        "paspoortnummer hoofdaanvrager",
        "paspoort hoofdaanvrager",
        "main applicant",
        "main applicant passport",
        "main applicant passport number",
    ),
    "relationship": ("relatie", "relation", "gezinsrelatie", "family relationship", "verwantschap"),
}


def normalise(header: str) -> str:
    """'Geboorte-datum ' → 'geboortedatum': no case, accents, spaces or punctuation."""
    text = unicodedata.normalize("NFKD", str(header or "")).casefold()
    return "".join(c for c in text if c.isalnum() and not unicodedata.combining(c))[:200]


def _known() -> dict[str, str]:
    """{normalised header: column}, the form's labels in both languages included."""
    known = {normalise(old): new for old, new in OLD_COLUMNS.items()}
    labels = {f.name: f.label for s in STUDENT.sections for f in s.fields}
    for column in COLUMNS:
        names = [column, *VARIANTS.get(column, ())]
        for language in ("en", "nl"):
            with force_locale(language):
                if column in labels:
                    names.append(str(labels[column]))
        for name in names:
            known.setdefault(normalise(name), column)
    return known


@dataclass
class Headers:
    index: dict[str, int]  # column → position in the file
    unknown: list[tuple[int, str]] = field(default_factory=list)  # (position, header as written)
    duplicates: list[str] = field(default_factory=list)


def resolve(cells: list[str], mapping: dict[str, str] | None = None) -> Headers:
    """Each header's column, by name or by the organisation's remembered mapping."""
    known = _known()
    mapping = mapping or {}
    headers = Headers(index={})
    for position, cell in enumerate(cells):
        key = normalise(cell)
        if not key:
            continue
        column = mapping.get(key) or known.get(key)
        if column == IGNORE:
            continue
        if column is None:
            headers.unknown.append((position, str(cell).strip()))
        elif column in headers.index:
            headers.duplicates.append(str(cell).strip())
        else:
            headers.index[column] = position
    return headers


def remembered(organisation_id: int) -> dict[str, str]:
    return dict(
        db.session.execute(
            select(ImportColumnMapping.header, ImportColumnMapping.column).where(
                ImportColumnMapping.organisation_id == organisation_id
            )
        ).all()
    )


def remember(organisation_id: int, choices: dict[str, str]) -> None:
    """Store the user's choice per header (normalised): a column or IGNORE."""
    stored = {
        m.header: m
        for m in db.session.scalars(
            select(ImportColumnMapping).where(
                ImportColumnMapping.organisation_id == organisation_id
            )
        )
    }
    for header, column in choices.items():
        key = normalise(header)
        if key in stored:
            stored[key].column = column
        else:
            db.session.add(
                ImportColumnMapping(organisation_id=organisation_id, header=key, column=column)
            )
