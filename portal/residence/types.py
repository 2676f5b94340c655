"""The residence application types as data: sections, fields, validations (their shapes are
in `portal.residence.question_shapes`).

One definition per type, built from shared sections, instead of one hand-written form
per type. The form pages, the task list, "check your answers", the snapshot and the
rule checks all read these definitions.
"""

from flask_babel import lazy_gettext as _l

from portal.models import ApplicationKind, Category
from portal.people import fields as person_fields
from portal.residence.question_shapes import Field, ResidenceType, Section

YES_NO = (("yes", _l("Yes")), ("no", _l("No")))
# As in the passport (ICAO 9303: F, M or X); the same values as the people register.
SEX = (("female", _l("Female")), ("male", _l("Male")), ("unspecified", _l("Unspecified (X)")))
CIVIL_STATUS = (
    ("unmarried", _l("Unmarried")),
    ("married", _l("Married")),
    ("registered_partnership", _l("Registered partnership")),
    ("divorced", _l("Divorced")),
    ("widowed", _l("Widowed")),
)
PROCEDURE = (
    ("entry", _l("Entry and residence: the person is abroad and needs a provisional permit (mvv)")),
    ("residence", _l("Residence only: the person does not need an mvv")),
)

# --- fields shared by several types -------------------------------------------------


def _person_field(name: str, kind: str, **extra) -> Field:
    """A question about the person, read by the person field specification
    (portal/people/fields.py): its label, messages and rules are the register's."""
    spec = person_fields.FIELDS[name]
    return Field(
        name, kind, spec.label, spec.missing, prefill=f"person.{name}", person=True, **extra
    )


_PERSON_FIELDS = (
    _person_field("surname", "name", hint=_l("As in the passport, in any script")),
    _person_field("given_names", "name", hint=_l("Leave empty if the passport shows none")),
    _person_field("date_of_birth", "date", hint=_l("For example, 27 3 1990")),
    _person_field("place_of_birth", "text"),
    _person_field("country_of_birth", "country"),
    _person_field("nationality", "country"),
    _person_field("sex", "choice", choices=SEX),
    Field(
        "civil_status",
        "choice",
        _l("Civil status"),
        _l("Choose the civil status"),
        choices=CIVIL_STATUS,
        prefill="person.civil_status",
    ),
    _person_field(
        "v_number", "v_number", hint=_l("If the IND has given the person one; usually 10 digits")
    ),
    _person_field("passport_number", "passport"),
    _person_field("passport_issued_on", "date", hint=_l("For example, 1 6 2022")),
    _person_field("passport_expires_on", "date", hint=_l("For example, 31 12 2030")),
)

_PROCEDURE_FIELD = Field(
    "procedure",
    "choice",
    _l("Procedure"),
    _l("Choose the procedure"),
    choices=PROCEDURE,
)

_CURRENT_PERMIT_FIELD = Field(
    "current_permit_expires",
    "date",
    _l("Current residence permit valid until"),
    _l("Enter the date the current residence permit expires"),
    hint=_l("As on the residence permit card, for example 31-05-2027"),
    rule="extension_window",
    prefill="person.current_permit_expires",
)


def _person(*extra: Field) -> Section:
    return Section("person", _l("The person"), _PERSON_FIELDS + extra)


def _dates(start_label, end_label, end_hint) -> tuple[Field, ...]:
    return (
        Field(
            "start_date",
            "date",
            start_label,
            _l("Enter the start date"),
            hint=_l("For example, 1 9 2026"),
        ),
        Field("end_date", "date", end_label, hint=end_hint, rule="contract"),
    )


_JOB_FIELDS = (
    Field("job_title", "text", _l("Job title"), _l("Enter the job title")),
    *_dates(
        _l("Start date of the employment"),
        _l("End date of the contract"),
        _l("Leave empty for a permanent contract. The permit is requested until this date."),
    ),
    Field(
        "hours_per_week",
        "number",
        _l("Hours per week"),
        _l("Enter the working hours per week"),
        lo=1,
        hi=60,
    ),
    Field(
        "monthly_salary",
        "money",
        _l("Gross monthly salary in euros"),
        _l("Enter the gross monthly salary in euros"),
        hint=_l("Excluding the holiday allowance (8 percent), for example 5942 or 5.942,00"),
        rule="salary",
    ),
)


def _job(question: Field) -> Section:
    """The job section: the shared job fields and the type's own salary-threshold question."""
    return Section("job", _l("The job"), (*_JOB_FIELDS, question))


_HSM_JOB = _job(
    Field(
        "reduced_criterion",
        "choice",
        _l("Does the reduced salary criterion apply?"),
        _l("Say whether the reduced salary criterion applies"),
        hint=_l(
            "Yes if the person graduated in the Netherlands less than 3 years ago, or is "
            "in the search year for highly educated persons"
        ),
        choices=YES_NO,
    )
)

_BLUE_CARD_JOB = _job(
    Field(
        "recent_graduate",
        "choice",
        _l("Did the person graduate less than 3 years ago?"),
        _l("Say whether the person graduated less than 3 years ago"),
        hint=_l("A lower salary threshold applies to recent graduates"),
        choices=YES_NO,
    )
)


def _stay(key: str, title, fields: tuple[Field, ...], start_label, end_label) -> Section:
    """A section about what the person comes for, ending with its period: the permit is
    requested until the end date."""
    return Section(
        key,
        title,
        (*fields, *_dates(start_label, end_label, _l("The permit is requested until this date"))),
    )


_RESEARCH = _stay(
    "research",
    _l("The research"),
    (
        Field(
            "research_title",
            "text",
            _l("Title of the research"),
            _l("Enter the title of the research"),
        ),
    ),
    _l("Start date of the hosting agreement"),
    _l("End date of the hosting agreement"),
)

_STUDY = _stay(
    "study",
    _l("The study"),
    (Field("programme", "text", _l("Study programme"), _l("Enter the study programme")),),
    _l("Start date of the study"),
    _l("Expected end date of the study"),
)


def _exchange(title) -> Section:
    return _stay(
        "exchange",
        _l("The exchange"),
        (
            Field("programme", "text", title, _l("Enter the name of the exchange programme")),
            Field(
                "host",
                "text",
                _l("Host family or host organisation"),
                _l("Enter the host family or host organisation"),
            ),
        ),
        _l("Start date of the exchange"),
        _l("End date of the exchange"),
    )


_TRAVEL = Section(
    "travel",
    _l("Travel and embassy"),
    (
        Field(
            "embassy_country",
            "country",
            _l("Country of the embassy or consulate where the mvv is collected"),
            _l("Choose the country of the embassy or consulate"),
        ),
        Field(
            "embassy_city",
            "text",
            _l("City of the embassy or consulate"),
            _l("Enter the city of the embassy or consulate"),
        ),
        Field(
            "travel_date",
            "date",
            _l("Expected date of travel to the Netherlands"),
            hint=_l("If known, for example 15-08-2026"),
            when="future",
        ),
    ),
    entry_only=True,
)

WORK_DOCUMENTS = ("passport", "contract")
TYPES: dict[ApplicationKind, ResidenceType] = {
    t.kind: t
    for t in (
        ResidenceType(
            ApplicationKind.HSM_ENTRY,
            Category.LABOUR,
            _l("Highly skilled migrant: entry and residence"),
            _l("The person is abroad and needs a provisional residence permit (mvv)"),
            (_person(), _HSM_JOB, _TRAVEL),
            "entry",
            WORK_DOCUMENTS,
        ),
        ResidenceType(
            ApplicationKind.HSM_RESIDENCE,
            Category.LABOUR,
            _l("Highly skilled migrant: residence only"),
            _l("The person does not need an mvv"),
            (_person(), _HSM_JOB),
            "residence",
            WORK_DOCUMENTS,
        ),
        ResidenceType(
            ApplicationKind.HSM_EXTENSION,
            Category.LABOUR,
            _l("Highly skilled migrant: extension"),
            _l("From 3 months before the current permit expires"),
            (_person(_CURRENT_PERMIT_FIELD), _HSM_JOB),
            "extension",
            WORK_DOCUMENTS,
        ),
        ResidenceType(
            ApplicationKind.HSM_CHANGE_EMPLOYER,
            Category.LABOUR,
            _l("Highly skilled migrant: change of employer"),
            _l(
                "The person already holds a highly skilled migrant permit and comes to work for you"
            ),
            (_person(), _HSM_JOB),
            "change_employer",
            WORK_DOCUMENTS,
        ),
        ResidenceType(
            ApplicationKind.EU_BLUE_CARD,
            Category.LABOUR,
            _l("EU Blue Card"),
            _l("Can be filed without recognition as a sponsor, but without the fast track"),
            (_person(_PROCEDURE_FIELD), _BLUE_CARD_JOB, _TRAVEL),
            None,
            (*WORK_DOCUMENTS, "diploma"),
            needs_recognition=False,
        ),
        ResidenceType(
            ApplicationKind.RESEARCHER,
            Category.RESEARCH,
            _l("Researcher (Directive (EU) 2016/801)"),
            _l("Scientific research under a hosting agreement"),
            (_person(_PROCEDURE_FIELD), _RESEARCH, _TRAVEL),
            None,
            ("passport", "hosting_agreement"),
        ),
        ResidenceType(
            ApplicationKind.STUDENT,
            Category.STUDY,
            _l("Student (higher education)"),
            _l("Full-time study at your institution"),
            (_person(_PROCEDURE_FIELD), _STUDY, _TRAVEL),
            None,
            ("passport", "admission"),
        ),
        ResidenceType(
            ApplicationKind.AU_PAIR,
            Category.EXCHANGE,
            _l("Exchange: au pair"),
            _l("An au pair staying with a host family"),
            (_person(_PROCEDURE_FIELD), _exchange(_l("Au pair programme")), _TRAVEL),
            None,
            ("passport",),
        ),
        ResidenceType(
            ApplicationKind.CULTURAL_EXCHANGE,
            Category.EXCHANGE,
            _l("Exchange: cultural exchange"),
            _l("A cultural exchange programme"),
            (_person(_PROCEDURE_FIELD), _exchange(_l("Exchange programme")), _TRAVEL),
            None,
            ("passport",),
        ),
    )
}

# The task list's documents step: uploads, not questions (see residence.documents_status).
DOCUMENTS_SECTION = Section("documents", _l("Documents"))

DOCUMENT_KINDS = {
    "passport": _l("Copy of the passport"),
    "contract": _l("Employment contract"),
    "diploma": _l("Diploma or diploma evaluation"),
    "hosting_agreement": _l("Hosting agreement"),
    "admission": _l("Proof of admission to the study programme"),
    "other": _l("Other document"),
    # Sent with a recognition application by an organisation whose KvK number is unverified.
    "kvk_extract": _l("KvK extract"),
}

# --- Work permits (issue 22, items 1-3): ICT, GVVA, seasonal work, change of purpose ---------
# Defined in portal/residence/work_types.py from the shared sections above; appended here so
# every reader of TYPES sees them. (Keep other additions in their own block.)
from portal.residence import work_types  # noqa: E402

TYPES.update(
    (t.kind, t) for t in work_types.work_types(_person, _PROCEDURE_FIELD, _JOB_FIELDS, _TRAVEL)
)
DOCUMENT_KINDS.update(work_types.DOCUMENT_KINDS)
# --- family members filed with a main application (portal/family/types.py) ----------------
from portal.family import types as family  # noqa: E402

TYPES.update(family.family_types(_person(_PROCEDURE_FIELD), _TRAVEL))
DOCUMENT_KINDS.update(family.DOCUMENT_KINDS)
