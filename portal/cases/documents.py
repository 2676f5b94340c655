"""Uploaded documents: PDF, JPEG or PNG, recognised by their content (never by the name, and a
name that claims another of these types is refused), at most 10 MB each, stored with their
SHA-256 and a name ending in the extension of their sniffed type (served so too). Used by
replies to letters and by applications.

    document = store_upload(file_storage, organisation=..., application=..., actor=...)

raises UploadRejected (with a message for the user) when a rule is broken. Every download is
`download(document)`; staff open only documents of submitted cases (`staff_document`).
"""

import re
import unicodedata
from urllib.parse import quote

from flask import Response, current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select

from portal import audit, storage
from portal.audit import AuditAction
from portal.cases.errors import CaseError
from portal.extensions import db
from portal.models import Application, Document, Organisation

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
ALLOWED = {
    "application/pdf": "PDF",
    "image/jpeg": "JPEG",
    "image/png": "PNG",
}


class UploadRejected(CaseError, ValueError):
    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


def max_bytes() -> int:
    return int(current_app.config.get("DOCUMENT_MAX_BYTES", DEFAULT_MAX_BYTES))


def sniff_content_type(head: bytes) -> str | None:
    """The type a file really is, from its first bytes; None when not PDF, JPEG or PNG."""
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    return None


def safe_filename(name: str | None, content_type: str | None = None) -> str:
    """A display name without paths or control characters, at most 255 characters, ending in
    the extension of `content_type` (the sniffed type): "scan" → "scan.pdf", "photo.html" →
    "photo.html.png", so whoever downloads it opens it as what it is."""
    name = unicodedata.normalize("NFC", name or "")
    name = re.split(r"[\\/]", name)[-1]
    name = "".join(c for c in name if unicodedata.category(c)[0] != "C").strip(" .")
    name = name or "document"
    if content_type is None or NAMED_TYPES.get(_extension(name)) == content_type:
        return name[:255]
    extension = "." + EXTENSIONS[content_type]
    return name[: 255 - len(extension)] + extension


def read_upload(file_storage) -> tuple[bytes, str]:
    """Read an upload within the size limit; returns (content, content type)."""
    limit = max_bytes()
    content = file_storage.stream.read(limit + 1)
    if not content:
        raise UploadRejected(_l("The file is empty. Choose the file again."))
    if len(content) > limit:
        raise UploadRejected(
            _l("The file is larger than %(mb)d MB. Upload a smaller file.", mb=limit // 2**20)
        )
    content_type = sniff_content_type(content[:16])
    if content_type is None:
        raise UploadRejected(_l("The file must be a PDF, JPEG or PNG."))
    named = NAMED_TYPES.get(_extension(file_storage.filename))
    if named is not None and named != content_type:
        raise UploadRejected(
            _l(
                "The file's name says %(named)s, but the file is a %(actual)s. Choose the right "
                "file, or correct its name.",
                named=ALLOWED[named],
                actual=ALLOWED[content_type],
            )
        )
    return content, content_type


# A name ending in one of these says what the file is; the content must agree. Other names
# (no extension, .scan, ...) are judged by the content alone, and get the type's extension.
NAMED_TYPES = {
    "pdf": "application/pdf",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "jpe": "image/jpeg",
    "png": "image/png",
}
EXTENSIONS = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}


def _extension(filename: str | None) -> str:
    name = (filename or "").rsplit("/", 1)[-1].rsplit("\\", 1)[-1]
    return name.rsplit(".", 1)[-1].strip().lower() if "." in name else ""


def store_upload(
    file_storage,
    *,
    organisation: Organisation,
    actor,
    application: Application | None = None,
    reply=None,
    purpose: str | None = None,
) -> Document:
    content, content_type = read_upload(file_storage)
    try:
        sha256 = storage.put(content)
    except storage.StorageUnavailable:
        raise UploadRejected(
            _l(
                "The file could not be stored just now, so nothing was saved. "
                "Try again in a few minutes."
            )
        ) from None
    document = Document(
        organisation_id=organisation.id,
        application_id=application.id if application is not None else None,
        reply_id=reply.id if reply is not None else None,
        purpose=purpose,
        filename=safe_filename(file_storage.filename, content_type),
        content_type=content_type,
        size_bytes=len(content),
        sha256=sha256,
        uploaded_by_id=actor.id,
    )
    db.session.add(document)
    db.session.flush()
    audit.record(
        AuditAction.DOCUMENT_UPLOADED,
        actor=actor,
        organisation=organisation,
        target=document,
        details={"sha256": document.sha256, "content_type": content_type, "purpose": purpose},
    )
    return document


def download(document: Document) -> Response:
    """The document as an attachment: its sniffed type, a name with that type's extension
    (also for documents stored before names got one), never sniffed again by the browser."""
    name = safe_filename(document.filename, document.content_type)
    return Response(
        document.content,
        mimetype=document.content_type,
        headers={
            "Content-Disposition": f"attachment; filename*=UTF-8''{quote(name, safe='')}",
            "Cache-Control": "private, no-store",
            "X-Content-Type-Options": "nosniff",
        },
    )


def staff_document(document_id: int) -> Document | None:
    """A document staff may open: any but those of a case never submitted. Drafts are the
    sponsor's own until submitted: their documents are nobody else's business."""
    return db.session.scalar(
        select(Document)
        .outerjoin(Application, Application.id == Document.application_id)
        .where(
            Document.id == document_id,
            or_(Document.application_id.is_(None), Application.submitted_at.is_not(None)),
        )
    )
