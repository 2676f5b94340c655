from datetime import datetime

from sqlalchemy import CheckConstraint, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, deferred, mapped_column

from portal.extensions import db
from portal.models.base import UTCDateTime, utcnow


class Blob(db.Model):
    """Stored bytes, named by their SHA-256 (content-addressed): a letter's PDF, an uploaded
    document. Kept in the row (`database`) or in the object store (`object_store`, the row
    then holds no bytes). Letters and documents point at a blob by its hash (a foreign key),
    so a blob cannot be deleted while anything refers to it. Written once, never changed
    but for `flask storage migrate` moving its bytes to the object store."""

    __tablename__ = "blob"
    __table_args__ = (
        CheckConstraint("size_bytes >= 0", name="size_not_negative"),
        CheckConstraint(
            "(stored_in = 'database' AND content IS NOT NULL)"
            " OR (stored_in = 'object_store' AND content IS NULL)",
            name="bytes_where_stored",
        ),
    )

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    size_bytes: Mapped[int] = mapped_column(Integer)
    stored_in: Mapped[str] = mapped_column(String(20))
    content: Mapped[bytes | None] = deferred(mapped_column(LargeBinary))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
