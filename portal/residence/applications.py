"""Residence applications: a draft filled in section by section, checked against the rules
while it is filled in, then submitted once with a snapshot, fee, deadline and letter."""

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

import pycountry
from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy import select

from portal import audit, clock
from portal.cases.lifecycle import (
    NotADraft,
    NotDecidable,
    acknowledge_submission,
    audit_decision,
    record_decision,
    record_transition,
    status_event,
)
from portal.cases.references import make_reference
from portal.extensions import db
from portal.formatting import money
from portal.letters.issuing import issue_letter
from portal.models import (
    Application,
    ApplicationKind,
    ApplicationStatus,
    Document,
    LetterKind,
    Organisation,
    RecognitionStatus,
    User,
)
from portal.models.base import utcnow
from portal.oversight.status import effective_status
from portal.residence import rules
from portal.residence.types import (
    DOCUMENT_KINDS,
    DOCUMENTS_SECTION,
    TYPES,
    Field,
    ResidenceType,
    Section,
)

__all__ = ["NotADraft", "NotAllowed", "Incomplete", "DocumentsRejected", "TYPES"]


class NotAllowed(Exception):
    """The organisation may not file this type (no recognition, or it is suspended)."""


class DocumentsRejected(Exception):
    """One or more uploads broke a rule: {purpose: message}. Nothing was stored."""

    def __init__(self, problems: dict):
        super().__init__(sorted(problems))
        self.problems = problems


class Incomplete(Exception):
    """Submitted with sections that are not complete or break a rule: nothing was submitted."""

    def __init__(self, errors: dict):
        super().__init__(sorted(errors))
        self.errors = errors


# --- who may file what ----------------------------------------------------------------


def recognised_for(organisation: Organisation, rtype: ResidenceType) -> bool:
    return any(
        r.category == rtype.category and effective_status(r) == RecognitionStatus.GRANTED
        for r in organisation.recognitions
    )


def filing_options(organisation: Organisation) -> dict[ApplicationKind, str | None]:
    """Each type with None when the organisation may file it, or the reason it may not."""
    # A suspension counts until its last day, whether or not its ending was recorded.
    states = {r.category: effective_status(r) for r in organisation.recognitions}
    options = {}
    for kind, rtype in TYPES.items():
        state = states.get(rtype.category)
        if not rtype.needs_recognition or state == RecognitionStatus.GRANTED:
            options[kind] = None
        elif state == RecognitionStatus.SUSPENDED:
            options[kind] = _("Recognition suspended")
        else:
            options[kind] = _("Needs recognition")
    return options


def start(
    organisation: Organisation, kind: ApplicationKind, actor: User, person=None
) -> Application:
    """A draft; about a person of the register when one is given (prefilled from them)."""
    drafts = [{"person_id": person.id if person is not None else None}]
    return start_many(organisation, kind, actor, drafts)[0]


def start_many(
    organisation: Organisation, kind: ApplicationKind, actor: User, drafts: list[dict]
) -> list[Application]:
    """Start a draft per item of `drafts` ({"person_id": ..., "answers": ...}): one flush."""
    rtype = TYPES[kind]
    if filing_options(organisation)[kind] is not None:
        raise NotAllowed(kind)
    applications = [
        Application(
            kind=kind,
            category=rtype.category,
            organisation_id=organisation.id,
            status=ApplicationStatus.DRAFT,
            created_by_id=actor.id,
            person_id=draft.get("person_id"),
            answers=draft.get("answers") or {},
        )
        for draft in drafts
    ]
    db.session.add_all(applications)
    db.session.flush()
    for application in applications:
        status_event(application, None, ApplicationStatus.DRAFT, actor)
        audit.record(
            "application.started", actor=actor, organisation=organisation, target=application
        )
    return applications


def residence_type(application: Application) -> ResidenceType:
    return TYPES[application.kind]


# --- reading what was typed ----------------------------------------------------------

_NAME_PUNCTUATION = set("'’‘-. ")


def _is_name(text: str) -> bool:
    """Letters of any script, combining marks, spaces, apostrophes, hyphens and full stops."""
    if not any(unicodedata.category(c).startswith("L") for c in text):
        return False
    return all(c in _NAME_PUNCTUATION or unicodedata.category(c)[0] in ("L", "M") for c in text)


def country_name(code: str) -> str:
    locale = get_locale()
    return (locale.territories.get(code) if locale else None) or code


def country_choices() -> list[tuple[str, str]]:
    names = [(c.alpha_2, country_name(c.alpha_2)) for c in pycountry.countries]
    return sorted(names, key=lambda item: unicodedata.normalize("NFKD", item[1]).casefold())


_COUNTRIES = frozenset(c.alpha_2 for c in pycountry.countries)


def _visible(text: str) -> bool:
    """Whether the text shows anything: not only spaces, control or format characters."""
    return any(unicodedata.category(c)[0] not in "CZ" for c in text)


def parse_field(field: Field, raw: str, today: date):
    """(value, None) or (None, message). Empty optional fields are (None, None)."""
    text = (raw or "").strip()
    if not _visible(text):  # empty, or only invisible characters (zero-width, direction marks)
        return None, (str(field.missing) if field.required else None)
    if any(unicodedata.category(c) == "Cc" for c in text) or len(text) > 200:
        return None, _("Enter at most 200 characters, without control characters")
    if field.kind == "name":
        if not _is_name(text):
            return None, _(
                "Enter the name with letters only, as in the passport: apostrophes, hyphens "
                "and letters of any script are fine"
            )
        return unicodedata.normalize("NFC", text), None
    if field.kind == "date":
        try:
            value = rules.parse_date(text)
        except rules.InputNotUnderstood as error:
            return None, str(error)
        if field.when == "past" and value >= today:
            return None, _("%(label)s must be in the past", label=field.label)
        if field.when == "future" and value <= today:
            return None, _("%(label)s must be after today", label=field.label)
        return value, None
    if field.kind == "money":
        try:
            return rules.parse_salary(text), None
        except rules.InputNotUnderstood as error:
            return None, str(error)
    if field.kind == "number":
        if not re.fullmatch(r"[0-9]{1,4}", text) or not field.lo <= int(text) <= field.hi:
            return None, _("Enter a whole number from %(lo)d to %(hi)d", lo=field.lo, hi=field.hi)
        return int(text), None
    if field.kind == "choice":
        if text not in {value for value, _label in field.choices}:
            return None, str(field.missing)
        return text, None
    if field.kind == "country":
        if text not in _COUNTRIES:
            return None, str(field.missing)
        return text, None
    if field.kind == "v_number":
        digits = re.sub(r"[\s.-]", "", text)
        if not re.fullmatch(r"[0-9]{6,12}", digits):
            return None, _("Enter the V-number in digits, usually 10, or leave it empty")
        return digits, None
    if field.kind == "passport":
        compact = re.sub(r"\s", "", text).upper()
        if not re.fullmatch(r"[A-Z0-9]{5,20}", compact):
            return None, _("Enter the passport number: 5 to 20 letters (A to Z) and digits")
        return compact, None
    return text, None


@dataclass
class Checked:
    """The answers read and checked: clean values and errors, per section and field."""

    values: dict[str, dict]
    errors: dict[str, dict[str, str]]
    salary: rules.SalaryCheck | None = None

    def section_errors(self, key: str) -> dict[str, str]:
        return self.errors.get(key, {})


def check(rtype: ResidenceType, answers: dict, today: date) -> Checked:
    """Read every applicable section and apply the rules, as on the application date `today`."""
    answers = answers or {}
    values: dict[str, dict] = {}
    errors: dict[str, dict[str, str]] = {}
    for section in rtype.applicable_sections(answers):
        raw = answers.get(section.key) or {}
        values[section.key] = {}
        for field in section.fields:
            value, error = parse_field(field, raw.get(field.name, ""), today)
            values[section.key][field.name] = value
            if error:
                errors.setdefault(section.key, {})[field.name] = error
    result = Checked(values, errors)
    _apply_rules(rtype, result, today)
    return result


def _apply_rules(rtype: ResidenceType, result: Checked, today: date) -> None:
    person = result.values.get("person", {})
    for section in rtype.applicable_sections({"person": person}):
        section_values = result.values.get(section.key, {})
        for field in section.fields:
            if field.rule is None or field.name in result.section_errors(section.key):
                continue
            problem = None
            if field.rule == "extension_window" and section_values.get(field.name):
                problem = rules.check_extension(section_values[field.name], today)
            elif field.rule == "contract":
                problem = rules.check_contract(
                    section_values.get("start_date"), section_values.get("end_date"), today
                )
            elif field.rule == "salary" and person.get("date_of_birth"):
                if section_values.get(field.name) is None:
                    continue
                result.salary = rules.check_salary(
                    rtype.kind.value,
                    section_values[field.name],
                    person["date_of_birth"],
                    today,
                    reduced=section_values.get("reduced_criterion") == "yes",
                    recent_graduate=section_values.get("recent_graduate") == "yes",
                )
                problem = result.salary.problem
            if problem is not None:
                result.errors.setdefault(section.key, {})[field.name] = problem.message


NOT_STARTED, IN_PROGRESS, COMPLETED = "not_started", "in_progress", "completed"


def section_statuses(
    rtype: ResidenceType, answers: dict, today: date, documents=None
) -> list[tuple[Section, str]]:
    """The status of every section; with `documents` (the draft's uploads), the documents
    section last: completed when every required document is there."""
    result = check(rtype, answers, today)
    statuses = []
    for section in rtype.applicable_sections(answers or {}):
        if section.key not in (answers or {}):
            statuses.append((section, NOT_STARTED))
        elif result.section_errors(section.key):
            statuses.append((section, IN_PROGRESS))
        else:
            statuses.append((section, COMPLETED))
    if documents is not None:
        statuses.append((DOCUMENTS_SECTION, documents_status(rtype, documents)))
    return statuses


# --- documents -----------------------------------------------------------------------


MAX_DOCUMENTS = 20  # per application: enough for every required document, several pages each


def documents_of(application: Application) -> list[Document]:
    """The application's own documents (not those sent with replies), in upload order."""
    return list(
        db.session.scalars(
            select(Document)
            .where(
                Document.application_id == application.id,
                Document.organisation_id == application.organisation_id,
                Document.purpose.is_not(None),
            )
            .order_by(Document.id)
        )
    )


def document_choices(rtype: ResidenceType) -> tuple[str, ...]:
    """The purposes a document can be uploaded for: the required ones, then 'other'."""
    return (*rtype.documents, "other")


def missing_documents(rtype: ResidenceType, documents) -> list[str]:
    present = {d.purpose for d in documents}
    return [purpose for purpose in rtype.documents if purpose not in present]


def documents_status(rtype: ResidenceType, documents) -> str:
    if not documents:
        return NOT_STARTED
    return IN_PROGRESS if missing_documents(rtype, documents) else COMPLETED


def document_label(purpose: str | None):
    return DOCUMENT_KINDS.get(purpose or "other", DOCUMENT_KINDS["other"])


def attach_documents(application: Application, files: dict, actor: User) -> list[Document]:
    """Store uploads for a draft ({purpose: FileStorage}); all or nothing: raises
    DocumentsRejected with a message per purpose, and the caller rolls back."""
    from portal.cases.documents import UploadRejected, store_upload

    if application.status != ApplicationStatus.DRAFT:
        raise NotADraft(application.reference)
    allowed = document_choices(residence_type(application))
    stored, problems = [], {}
    room = MAX_DOCUMENTS - len(documents_of(application))
    for purpose, storage in files.items():
        if purpose not in allowed:
            continue
        if len(stored) >= room:
            problems[purpose] = _(
                "An application can have at most %(num)d documents. Remove one first.",
                num=MAX_DOCUMENTS,
            )
            continue
        try:
            stored.append(
                store_upload(
                    storage,
                    organisation=application.organisation,
                    actor=actor,
                    application=application,
                    purpose=purpose,
                )
            )
        except UploadRejected as rejected:
            problems[purpose] = rejected.message
    if problems:
        raise DocumentsRejected(problems)
    return stored


def remove_document(application: Application, document: Document, actor: User) -> None:
    """Remove an upload from a draft (a submitted application keeps what was sent)."""
    if application.status != ApplicationStatus.DRAFT:
        raise NotADraft(application.reference)
    if document.application_id != application.id or document.purpose is None:
        raise LookupError(document.id)
    audit.record(
        "document.removed",
        actor=actor,
        organisation=application.organisation,
        target=document,
        details={"sha256": document.sha256, "purpose": document.purpose},
    )
    db.session.delete(document)
    db.session.flush()


def _format_raw(field: Field, value) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.strftime("%d-%m-%Y")
    return str(value)


def prefill(section: Section, organisation: Organisation, person=None) -> dict[str, str]:
    """Initial values for a section not yet started, from the person and the profile."""
    sources = {"organisation": organisation, "person": person}
    values = {}
    for field in section.fields:
        if not field.prefill:
            continue
        source, _dot, attribute = field.prefill.partition(".")
        obj = sources.get(source)
        value = getattr(obj, attribute, None) if obj is not None else None
        if value is not None and hasattr(value, "value"):
            value = value.value
        if value:
            values[field.name] = _format_raw(field, value)
    return values


def _storable(text: str) -> str:
    """What was typed, as it can be kept: no NUL (PostgreSQL refuses it), bounded in length."""
    return text.replace("\x00", "").strip()[:MAX_TYPED]


MAX_TYPED = 500


def save_section(application: Application, section: Section, typed: dict, actor: User) -> None:
    """Keep what was typed in this section, valid or not: the draft is saved at every step."""
    if application.status != ApplicationStatus.DRAFT:
        raise NotADraft(application.reference)
    answers = dict(application.answers or {})
    answers[section.key] = {f.name: _storable(typed.get(f.name) or "") for f in section.fields}
    application.answers = answers
    db.session.flush()
    audit.record(
        "application.draft_saved",
        actor=actor,
        organisation=application.organisation,
        target=application,
        details={"section": section.key},
    )


# --- submission ------------------------------------------------------------------------


def _json(value):
    if isinstance(value, date):
        return value.isoformat()
    return value


def snapshot(application: Application, rtype: ResidenceType, checked: Checked, today: date) -> dict:
    return {
        "organisation": application.organisation.snapshot(),
        "kind": rtype.kind.value,
        "answers": {
            section: {name: _json(value) for name, value in fields.items()}
            for section, fields in checked.values.items()
        },
        "salary_criterion": checked.salary.criterion if checked.salary else None,
        "salary_threshold_cents": checked.salary.threshold_cents if checked.salary else None,
        "requested_validity_until": _json(requested_validity_from(checked)),
        "statutory_deadline": _json(rules.statutory_deadline(today)),
        "documents": [
            {
                "id": d.id,
                "purpose": d.purpose,
                "filename": d.filename,
                "content_type": d.content_type,
                "size_bytes": d.size_bytes,
                "sha256": d.sha256,
            }
            for d in documents_of(application)
        ],
    }


def submit(application: Application, actor: User, today: date | None = None) -> Application:
    """Submit a complete draft once: reference, snapshot, fee, deadlines, acknowledgement."""
    today = today or clock.today()
    rtype = residence_type(application)
    organisation = application.organisation
    if application.status != ApplicationStatus.DRAFT:
        raise NotADraft(application.reference)
    if filing_options(organisation)[application.kind] is not None:
        raise NotAllowed(application.kind)
    checked = check(rtype, application.answers, today)
    documents = documents_of(application)
    missing = {
        s.key
        for s, status in section_statuses(rtype, application.answers, today, documents)
        if status != COMPLETED
    }
    if checked.errors or missing:
        raise Incomplete({**{k: {} for k in missing}, **checked.errors})
    fee = rules.fee(application.kind.value, today)
    submitted_at = utcnow()
    if not record_transition(
        application,
        (ApplicationStatus.DRAFT,),
        ApplicationStatus.SUBMITTED,
        actor,
        occurred_at=submitted_at,
        submitted_at=submitted_at,
        submitted_by_id=actor.id,
        fee_cents=fee.cents if fee else None,
        snapshot=snapshot(application, rtype, checked, today),
        decision_deadline=rules.statutory_deadline(today),
        target_date=rules.target_date(today, recognised_for(organisation, rtype)),
        reference=make_reference(application.kind.value, today.year, application.id),
    ):
        raise NotADraft(application.reference)
    # The person the letters concern, as sent: name and V-number on the letter, inbox filter.
    acknowledge_submission(application, actor, person=person_of(application))
    return application


def person_name(application: Application) -> str:
    source = (application.snapshot or {}).get("answers") or application.answers or {}
    person = source.get("person") or {}
    return " ".join(p for p in (person.get("given_names"), person.get("surname")) if p)


def display_value(field: Field, value) -> str:
    """A clean value (or its JSON form from a snapshot) as a person reads it."""
    from flask_babel import format_date

    if value in (None, ""):
        return ""
    if field.kind == "date":
        return format_date(date.fromisoformat(value) if isinstance(value, str) else value, "long")
    if field.kind == "money":
        return money(int(value))
    if field.kind == "choice":
        return str(dict(field.choices).get(value, value))
    if field.kind == "country":
        return country_name(value)
    return str(value)


def open_residence_query(organisation_id: int):
    return select(Application).where(
        Application.organisation_id == organisation_id,
        Application.kind != ApplicationKind.RECOGNITION,
    )


def category_label(kind: ApplicationKind):
    from portal.labels import CATEGORY

    return CATEGORY[TYPES[kind].category]


def requested_validity_from(checked: Checked) -> date | None:
    """The permit is requested until the end date of the contract, agreement or study."""
    for key, values in checked.values.items():
        if key not in ("person", "travel") and values.get("end_date"):
            return rules.requested_validity(values["end_date"])
    return None


@dataclass(frozen=True)
class Waiting:
    """What the IND is waiting for: 'information' (from the sponsor) or 'assessment' (itself)."""

    what: str
    respond_by: date | None = None
    letter: object = None


def waiting_for(application: Application, letters) -> Waiting | None:
    if application.status == ApplicationStatus.INFORMATION_REQUESTED:
        asking = [letter for letter in letters if letter.respond_by is not None]
        latest = asking[-1] if asking else None
        return Waiting("information", latest.respond_by if latest else None, latest)
    if application.status in (ApplicationStatus.SUBMITTED, ApplicationStatus.IN_REVIEW):
        return Waiting("assessment")
    return None


def deadline_moved_days(application: Application) -> int:
    """Days the statutory deadline moved since submission (suspensions of the clock)."""
    original = (application.snapshot or {}).get("statutory_deadline")
    if not original or application.decision_deadline is None:
        return 0
    return (application.decision_deadline - date.fromisoformat(original)).days


def requested_until(application: Application) -> date | None:
    value = (application.snapshot or {}).get("requested_validity_until")
    return date.fromisoformat(value) if value else None


# --- decision (back office) ------------------------------------------------------------

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
}


def permit_name(kind: ApplicationKind) -> dict[str, str]:
    return PERMIT_NAMES.get(kind) or PERMIT_NAMES["hsm"]


def person_of(application: Application) -> dict:
    """The person as sent (snapshot), for letters: names and V-number."""
    source = (application.snapshot or {}).get("answers") or application.answers or {}
    person = source.get("person") or {}
    return {
        "given_names": person.get("given_names"),
        "surname": person.get("surname"),
        "v_number": person.get("v_number"),
    }


def decide(
    application: Application,
    actor: User,
    *,
    grant: bool,
    reason: str,
    expected_version: int | None = None,
) -> Application:
    """Grant or refuse a residence application: status, event, decision letter, audit.

    Never a sponsor recognition (that is applications.decide, for recognition cases). The
    back office refuses only through casework's four-eyes steps, which call this.
    """
    if not application.kind.is_residence:
        raise NotDecidable(application.kind)
    decided_at = record_decision(
        application,
        actor,
        grant=grant,
        reason=reason,
        note=reason or None,
        expected_version=expected_version,
    )
    valid_until = requested_until(application) if grant else None
    if grant and valid_until is not None and application.person_id is not None:
        # The permit shows in the sponsor's permits overview, with its extension window.
        # (An open-ended contract gives no end date: rules.md names no maximum validity, so
        # no permit is recorded until the IND's maximum is in the reference data.)
        from portal.people import permits

        permits.record_grant(application, clock.local_date(decided_at), valid_until)
    issue_letter(
        application.organisation,
        LetterKind.RESIDENCE_DECISION,
        application=application,
        actor=actor,
        person=person_of(application),
        granted=grant,
        reason=reason,
        purpose=permit_name(application.kind),
        valid_until=valid_until,
    )
    audit_decision(application, actor, grant=grant, reason=reason)
    db.session.flush()
    return application
