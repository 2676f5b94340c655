"""Submitting a residence draft once: checked complete, then reference, snapshot, fee,
deadlines and the acknowledgement."""

from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _

from portal import clock
from portal.cases import clock as statutory_clock
from portal.cases.lifecycle import NotADraft, acknowledge_submission, record_transition
from portal.cases.references import make_reference
from portal.family import checks as family_checks
from portal.models import Application, ApplicationStatus, User
from portal.models.base import utcnow
from portal.residence import ict_history, rules
from portal.residence.answers import Checked, check, requested_validity_from
from portal.residence.documents import document_label, documents_of, missing_documents
from portal.residence.drafts import COMPLETED, section_statuses
from portal.residence.filing import NotAllowed, reason_not_allowed, recognised_for, residence_type
from portal.residence.presentation import person_of
from portal.residence.types import DOCUMENTS_SECTION, ResidenceType


class Incomplete(Exception):
    """Submitted with sections that are not complete or break a rule: nothing was submitted."""

    def __init__(self, errors: dict):
        super().__init__(sorted(errors))
        self.errors = errors


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
    if reason_not_allowed(application) is not None:
        raise NotAllowed(application.kind)
    checked = ict_history.with_history(application, check(rtype, application.answers, today), today)
    documents = documents_of(application)
    missing = {
        s.key
        for s, status in section_statuses(rtype, application.answers, today, documents)
        if status != COMPLETED
    }
    family = {p.code: {} for p in family_checks.problems(application, today)}
    if checked.errors or missing or family:
        raise Incomplete({**{k: {} for k in missing}, **checked.errors, **family})
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
        decision_deadline=statutory_clock.deadline_at_submission(application, today),
        target_date=rules.target_date(today, recognised_for(organisation, rtype)),
        reference=make_reference(application.kind.value, today.year, application.id),
    ):
        raise NotADraft(application.reference)
    # The person the letters concern, as sent: name and V-number on the letter, inbox filter.
    acknowledge_submission(application, actor, person=person_of(application))
    return application


@dataclass(frozen=True)
class Problem:
    """One thing that stops a draft from being submitted: a stable code (for the API), the
    words the sponsor reads, and where it is (section and field, or the document missing)."""

    code: str  # not_a_draft, not_allowed, answer_invalid, section_not_complete, document_missing
    message: str
    section: str | None = None
    field: str | None = None
    document: str | None = None


def problem_list(application: Application, today: date) -> list[Problem]:
    """What stops this draft from being submitted today (empty: it can be submitted). The
    same rules `submit` applies: used to check drafts again before a bulk submission (a
    passport may have expired since they were made) and by the API's check."""
    if application.status != ApplicationStatus.DRAFT:
        return [Problem("not_a_draft", _("Not a draft any more: it was submitted or withdrawn."))]
    found = []
    rtype = residence_type(application)
    reason = reason_not_allowed(application)
    if reason is not None:
        found.append(Problem("not_allowed", str(reason)))
    checked = ict_history.with_history(application, check(rtype, application.answers, today), today)
    documents = documents_of(application)
    for section, status in section_statuses(rtype, application.answers, today, documents):
        errors = checked.section_errors(section.key)
        if errors:
            found.extend(
                Problem("answer_invalid", f"{section.title}: {message}", section.key, name)
                for name, message in errors.items()
            )
        elif status != COMPLETED and section.key != DOCUMENTS_SECTION.key:
            message = _("%(section)s: not complete", section=section.title)
            found.append(Problem("section_not_complete", message, section.key))
    for purpose in missing_documents(rtype, documents):
        message = _("Document missing: %(document)s", document=document_label(purpose))
        found.append(Problem("document_missing", message, document=purpose))
    found.extend(Problem(p.code, p.message) for p in family_checks.problems(application, today))
    return found


def problems(application: Application, today: date) -> list[str]:
    """The problems of `problem_list` in words for the sponsor."""
    return [problem.message for problem in problem_list(application, today)]
