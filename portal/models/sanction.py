"""Sanctions against a sponsor: warning, fine, suspension per category, withdrawal."""

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, Integer, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.models.base import UTCDateTime, enum_type, utcnow
from portal.models.recognition import Category


class SanctionKind(StrEnum):
    WARNING = "warning"
    FINE = "fine"
    SUSPENSION = "suspension"
    WITHDRAWAL = "withdrawal"


class Sanction(db.Model):
    """One sanction as imposed; a suspension may be extended and lifted."""

    __tablename__ = "sanction"
    __table_args__ = (
        Index("ix_sanction_organisation_created", "organisation_id", "created_at"),
        CheckConstraint(
            "kind != 'fine' OR (amount_cents IS NOT NULL AND amount_cents > 0)",
            name="fine_has_amount",
        ),
        CheckConstraint(
            "kind NOT IN ('suspension', 'withdrawal') OR category IS NOT NULL",
            name="category_for_suspension_and_withdrawal",
        ),
        CheckConstraint("ends_on IS NULL OR ends_on >= starts_on", name="ends_after_start"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    kind: Mapped[SanctionKind] = mapped_column(enum_type(SanctionKind, "sanction_kind"))
    category: Mapped[Category | None] = mapped_column(enum_type(Category, "category"))
    reason: Mapped[str] = mapped_column(Text)
    amount_cents: Mapped[int | None] = mapped_column(Integer)
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)
    extensions: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    lifted_on: Mapped[date | None] = mapped_column(Date)
    lifted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    imposed_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    organisation = relationship("Organisation")
    imposed_by = relationship("User", foreign_keys=[imposed_by_id])
    lifted_by = relationship("User", foreign_keys=[lifted_by_id])


class DisclosureKind(StrEnum):
    LATE_REPORT = "late_report"
    SALARY_BELOW_CRITERION = "salary_below_criterion"
    OTHER_DUTY = "other_duty"


class Disclosure(db.Model):
    """A sponsor reports its own breach of a duty (issue 25): the back office sees it as a
    voluntary disclosure, and a warning or fine that takes it into account names it
    (`sanction_id`) as a mitigating fact."""

    __tablename__ = "disclosure"
    __table_args__ = (Index("ix_disclosure_organisation", "organisation_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    kind: Mapped[DisclosureKind] = mapped_column(enum_type(DisclosureKind, "disclosure_kind"))
    occurred_on: Mapped[date] = mapped_column(Date)
    description: Mapped[str] = mapped_column(Text)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sanction_id: Mapped[int | None] = mapped_column(ForeignKey("sanction.id"), index=True)

    organisation = relationship("Organisation")
    created_by = relationship("User")
    sanction = relationship("Sanction")
