"""Invitations to join an organisation, and mandates given to intermediaries."""

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import JSON, CheckConstraint, Date, ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.models.base import UTCDateTime, enum_type, utcnow
from portal.models.recognition import Category
from portal.models.user import OrgRole


class Invitation(db.Model):
    """A single-use, expiring invitation. Only the SHA-256 of the secret token is stored."""

    __tablename__ = "invitation"
    __table_args__ = (Index("ix_invitation_organisation_email", "organisation_id", "email"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    email: Mapped[str] = mapped_column(String(254))
    role: Mapped[OrgRole] = mapped_column(enum_type(OrgRole, "invitation_role"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    invited_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    accepted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    organisation = relationship("Organisation")
    invited_by = relationship("User", foreign_keys=[invited_by_id])


class Mandate(db.Model):
    """An intermediary may act for a sponsor, for chosen categories, within a period.

    Mirrors eHerkenning chain authorisation. Revoking takes effect on the next request.
    """

    __tablename__ = "mandate"
    __table_args__ = (
        CheckConstraint("valid_until IS NULL OR valid_until >= valid_from", name="period_in_order"),
        CheckConstraint("sponsor_id <> intermediary_id", name="not_to_itself"),
        Index("ix_mandate_intermediary", "intermediary_id", "revoked_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    sponsor_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    intermediary_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    categories: Mapped[list] = mapped_column(JSON)
    valid_from: Mapped[date] = mapped_column(Date)
    valid_until: Mapped[date | None] = mapped_column(Date)
    granted_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    granted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    sponsor = relationship("Organisation", foreign_keys=[sponsor_id])
    intermediary = relationship("Organisation", foreign_keys=[intermediary_id])
    granted_by = relationship("User", foreign_keys=[granted_by_id])

    @property
    def category_set(self) -> frozenset[Category]:
        return frozenset(Category(c) for c in self.categories)

    def active_on(self, day: date) -> bool:
        return (
            self.revoked_at is None
            and self.valid_from <= day
            and (self.valid_until is None or day <= self.valid_until)
        )


class AdminRightsStatus(StrEnum):
    PENDING = "pending"
    GRANTED = "granted"
    REFUSED = "refused"


class AdminRightsRequest(db.Model):
    """A member asks for administrator rights (the only administrator left or is locked out).
    IND staff decide after checking; an eHerkenning sign-in for the organisation grants it at
    once. At most one pending request per member (a partial unique index)."""

    __tablename__ = "admin_rights_request"
    __table_args__ = (
        Index(
            "uq_admin_rights_request_pending",
            "membership_id",
            unique=True,
            sqlite_where=text("status = 'pending'"),
            postgresql_where=text("status = 'pending'"),
        ),
        Index("ix_admin_rights_request_status", "status", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    membership_id: Mapped[int | None] = mapped_column(
        ForeignKey("membership.id", ondelete="SET NULL")
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    reason: Mapped[str] = mapped_column(String(1000))
    status: Mapped[AdminRightsStatus] = mapped_column(
        enum_type(AdminRightsStatus, "admin_rights_status"), default=AdminRightsStatus.PENDING
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    # "staff" (after checking) or "eherkenning" (the sign-in proved it)
    decided_through: Mapped[str | None] = mapped_column(String(20))
    note: Mapped[str | None] = mapped_column(String(1000))

    organisation = relationship("Organisation")
    user = relationship("User", foreign_keys=[user_id])
    decided_by = relationship("User", foreign_keys=[decided_by_id])
