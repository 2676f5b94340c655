from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.models.base import UTCDateTime, utcnow


class TriageRuleVersion(db.Model):
    """One version of a triage rule's settings as a supervisor set it (portal/triage/): never
    changed afterwards; the rule's settings are those of its highest version, or reference data
    while it has none."""

    __tablename__ = "triage_rule_version"
    __table_args__ = (UniqueConstraint("rule", "version", name="uq_triage_rule_version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    rule: Mapped[str] = mapped_column(String(40))
    version: Mapped[int] = mapped_column(Integer)
    enabled: Mapped[bool] = mapped_column(Boolean)
    parameters: Mapped[dict] = mapped_column(JSON)
    reason: Mapped[str] = mapped_column(Text)
    changed_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    changed_by = relationship("User")
