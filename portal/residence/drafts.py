"""A residence draft, section by section: what each section starts with (prefill), saving what
was typed (valid or not), and the status of every section on the task list."""

from datetime import date

from portal import audit
from portal.audit import AuditAction
from portal.cases.lifecycle import NotADraft
from portal.extensions import db
from portal.models import Application, ApplicationStatus, Organisation, User
from portal.residence.answers import check
from portal.residence.documents import missing_documents
from portal.residence.types import DOCUMENTS_SECTION, Field, ResidenceType, Section

NOT_STARTED, IN_PROGRESS, COMPLETED = "not_started", "in_progress", "completed"
MAX_TYPED = 500


def documents_status(rtype: ResidenceType, documents) -> str:
    if not documents:
        return NOT_STARTED
    return IN_PROGRESS if missing_documents(rtype, documents) else COMPLETED


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


def save_section(application: Application, section: Section, typed: dict, actor: User) -> None:
    """Keep what was typed in this section, valid or not: the draft is saved at every step."""
    if application.status != ApplicationStatus.DRAFT:
        raise NotADraft(application.reference)
    answers = dict(application.answers or {})
    answers[section.key] = {f.name: _storable(typed.get(f.name) or "") for f in section.fields}
    application.answers = answers
    db.session.flush()
    audit.record(
        AuditAction.APPLICATION_DRAFT_SAVED,
        actor=actor,
        organisation=application.organisation,
        target=application,
        details={"section": section.key},
    )
