from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from portal.extensions import db
from portal.models.base import UTCDateTime, utcnow


class AuditEvent(db.Model):
    """Append-only record of writes and of staff views of personal data.

    Append-only for real: the ORM refuses to update or delete an event (AuditImmutable), and
    the database refuses too, by triggers on UPDATE and DELETE (migration 0011_insight).
    """

    __tablename__ = "audit_event"
    __table_args__ = (
        Index("ix_audit_event_actor_time", "actor_id", "occurred_at"),
        Index("ix_audit_event_organisation_time", "organisation_id", "occurred_at"),
        # The audit search: newest first, keyset-paginated on (occurred_at, id).
        Index("ix_audit_event_time_id", "occurred_at", "id"),
        Index("ix_audit_event_action_time", "action", "occurred_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"))
    action: Mapped[str] = mapped_column(String(64))
    target_type: Mapped[str | None] = mapped_column(String(40))
    target_id: Mapped[int | None]
    ip_address: Mapped[str | None] = mapped_column(String(45))
    details: Mapped[dict | None] = mapped_column(JSON)


class AuditImmutable(Exception):
    """An audit event was written and can never change or go."""


def refuse_audit_update(_mapper, connection, target) -> None:
    raise AuditImmutable(f"audit event {target.id} is append-only and cannot change")


def refuse_audit_delete(_mapper, connection, target) -> None:
    raise AuditImmutable(f"audit event {target.id} is append-only and cannot be deleted")
