"""The documents of a residence application: which are required, uploading and removing them
on a draft (a submitted application keeps what was sent)."""

from flask_babel import gettext as _
from sqlalchemy import select

from portal import audit
from portal.audit import AuditAction
from portal.cases.lifecycle import NotADraft
from portal.extensions import db
from portal.models import Application, ApplicationStatus, Document, User
from portal.residence.filing import residence_type
from portal.residence.types import DOCUMENT_KINDS, ResidenceType

MAX_DOCUMENTS = 20  # per application: enough for every required document, several pages each


class DocumentsRejected(Exception):
    """One or more uploads broke a rule: {purpose: message}. Nothing was stored."""

    def __init__(self, problems: dict):
        super().__init__(sorted(problems))
        self.problems = problems


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
        AuditAction.DOCUMENT_REMOVED,
        actor=actor,
        organisation=application.organisation,
        target=document,
        details={"sha256": document.sha256, "purpose": document.purpose},
    )
    db.session.delete(document)
    db.session.flush()
