"""A bulk upload (students of a university): the file, each row's values and problems, and how
far the background work has come. Scoped to the organisation that uploaded it."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, ForeignKey, Index, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.models.base import UTCDateTime, enum_type, utcnow


class ImportStatus(StrEnum):
    MAPPING = "mapping"  # headers not recognised: the user says which column each is
    VALIDATING = "validating"  # rows being checked, chunk by chunk
    VALIDATED = "validated"  # preview: valid rows and every problem
    IMPORTING = "importing"  # confirmed: people and applications being created
    IMPORTED = "imported"
    FAILED = "failed"  # the import stopped: nothing was created


class ImportBatch(db.Model):
    __tablename__ = "import_batch"
    __table_args__ = (Index("ix_import_batch_organisation", "organisation_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    filename: Mapped[str] = mapped_column(String(255))
    # Large: loaded only when read (deferred), not for a list or a progress page.
    upload: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    status: Mapped[ImportStatus] = mapped_column(
        enum_type(ImportStatus, "import_status"), default=ImportStatus.VALIDATING
    )
    total_rows: Mapped[int] = mapped_column(Integer, default=0)
    done_rows: Mapped[int] = mapped_column(Integer, default=0)
    error_rows: Mapped[int] = mapped_column(Integer, default=0)
    # [{"line": n, "values": {column: text}, "errors": {"en": {column: msg}, "nl": {...}},
    #   "person_id": id of a person already in the register, or null}]
    rows: Mapped[list] = mapped_column(JSON, default=list, deferred=True)
    # After the import: counts of people created and linked, applications created. While
    # MAPPING: {"unknown": [[position, header], …]}, the headers to map.
    result: Mapped[dict | None] = mapped_column(JSON)
    failure: Mapped[str | None] = mapped_column(Text)
    confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Sent over the API (issue 18): by this client, and when a worker took it on (None: queued).
    api_client_id: Mapped[int | None] = mapped_column(ForeignKey("api_client.id"))
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    announced_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # batch.finished sent

    organisation = relationship("Organisation")
    created_by = relationship("User", foreign_keys=[created_by_id])
    api_client = relationship("ApiClient")

    @property
    def busy(self) -> bool:
        return self.status in (ImportStatus.VALIDATING, ImportStatus.IMPORTING)

    @property
    def percent(self) -> int:
        return int(100 * self.done_rows / self.total_rows) if self.total_rows else 100


class ImportColumnMapping(db.Model):
    """An organisation's answer to "which column is this header?" (normalised header → column
    name, or "ignore"), remembered for its next file."""

    __tablename__ = "import_column_mapping"
    __table_args__ = (UniqueConstraint("organisation_id", "header"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    header: Mapped[str] = mapped_column(String(200))
    column: Mapped[str] = mapped_column(String(40))
