"""The job outbox (issue 21): background work written in the request's transaction, run by a
worker (RQ when REDIS_URL is set, else `flask jobs work`), retried with backoff, and a large
export's file with its progress."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, ForeignKey, Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.models.base import UTCDateTime, enum_type, utcnow


class JobStatus(StrEnum):
    QUEUED = "queued"  # waiting for run_at (a first run or a retry after backoff)
    RUNNING = "running"  # claimed by a worker until lease_until; after that anyone may take it
    DONE = "done"
    FAILED = "failed"  # given up after max_attempts; staff may retry


class Job(db.Model):
    """One call `task(*args)`; `key` (optional, unique) makes enqueueing idempotent."""

    __tablename__ = "job"
    __table_args__ = (Index("ix_job_due", "status", "run_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    task: Mapped[str] = mapped_column(String(200))
    args: Mapped[list] = mapped_column(JSON)
    key: Mapped[str | None] = mapped_column(String(200), unique=True)
    status: Mapped[JobStatus] = mapped_column(
        enum_type(JobStatus, "job_status"), default=JobStatus.QUEUED
    )
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    max_attempts: Mapped[int] = mapped_column(Integer, default=5)
    run_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ExportKind(StrEnum):
    LETTERS_ZIP = "letters_zip"
    PEOPLE_CSV = "people_csv"


class ExportStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    READY = "ready"
    FAILED = "failed"


class Export(db.Model):
    """A large download of one organisation's data, made by a job; `content` once ready."""

    __tablename__ = "export"
    __table_args__ = (Index("ix_export_organisation", "organisation_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    kind: Mapped[ExportKind] = mapped_column(enum_type(ExportKind, "export_kind"))
    status: Mapped[ExportStatus] = mapped_column(
        enum_type(ExportStatus, "export_status"), default=ExportStatus.QUEUED
    )
    total: Mapped[int] = mapped_column(Integer, default=0)
    done: Mapped[int] = mapped_column(Integer, default=0)
    content: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    size: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    organisation = relationship("Organisation")
