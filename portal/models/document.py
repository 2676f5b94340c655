from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.models.base import UTCDateTime, utcnow


class Document(db.Model):
    """An uploaded file (PDF, JPEG, PNG): type sniffed from its content, size and SHA-256 kept.

    Attached to a case, and to the reply it came with when it answered a letter; a residence
    application's own documents carry their `purpose`.
    """

    __tablename__ = "document"
    __table_args__ = (
        CheckConstraint("size_bytes > 0", name="size_positive"),
        CheckConstraint(
            "content_type IN ('application/pdf', 'image/jpeg', 'image/png')",
            name="content_type_allowed",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    application_id: Mapped[int | None] = mapped_column(ForeignKey("application.id"), index=True)
    reply_id: Mapped[int | None] = mapped_column(ForeignKey("case_reply.id"), index=True)
    # What the document is for a residence application ("passport", "contract", ...: the keys
    # of portal/residence/types.DOCUMENT_KINDS); None for documents sent with a reply.
    purpose: Mapped[str | None] = mapped_column(String(30))
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(50))
    size_bytes: Mapped[int] = mapped_column(Integer)
    # The bytes, a blob named by their SHA-256 (portal/storage): read through `content`.
    sha256: Mapped[str] = mapped_column(ForeignKey("blob.sha256"), index=True)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    uploaded_by = relationship("User")

    @property
    def content(self) -> bytes:
        """The uploaded bytes, read from storage, their hash verified."""
        from portal import storage

        return storage.read(self.sha256)

    @content.setter
    def content(self, content: bytes) -> None:
        from portal import storage

        self.sha256 = storage.put(content)


class CaseReply(db.Model):
    """A sponsor's answer to a letter (a request for information): a message and documents."""

    __tablename__ = "case_reply"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    # None: the answer to an intended sanction, which concerns the organisation, not a case.
    application_id: Mapped[int | None] = mapped_column(ForeignKey("application.id"), index=True)
    letter_id: Mapped[int] = mapped_column(ForeignKey("letter.id"), index=True)
    message: Mapped[str] = mapped_column(Text)
    author_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    author = relationship("User")
    letter = relationship("Letter")
    documents = relationship("Document", order_by="Document.id", lazy="selectin")
