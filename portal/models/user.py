from datetime import datetime
from enum import StrEnum

from flask_login import UserMixin
from sqlalchemy import Boolean, ForeignKey, String, UniqueConstraint, true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.models.base import UTCDateTime, enum_type, utcnow


class OrgRole(StrEnum):
    ADMINISTRATOR = "administrator"
    SUBMITTER = "submitter"
    READER = "reader"


class StaffRole(StrEnum):
    REVIEWER = "reviewer"
    SUPERVISOR = "supervisor"
    ADMINISTRATOR = "administrator"


class User(UserMixin, db.Model):
    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(200))
    staff_role: Mapped[StaffRole | None] = mapped_column(enum_type(StaffRole, "staff_role"))
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    # The last TOTP time step accepted: a code is never accepted twice.
    totp_last_step: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_sign_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())

    memberships = relationship(
        "Membership", back_populates="user", order_by="Membership.id", lazy="selectin"
    )

    @property
    def is_active(self) -> bool:  # Flask-Login: a deactivated account cannot sign in
        return self.active

    @property
    def is_staff(self) -> bool:
        return self.staff_role is not None

    @property
    def requires_second_factor(self) -> bool:
        """Staff and organisation administrators must use a second factor."""
        return self.is_staff or any(m.role == OrgRole.ADMINISTRATOR for m in self.memberships)

    def __repr__(self) -> str:
        return f"<User {self.email}>"


class Membership(db.Model):
    __tablename__ = "membership"
    __table_args__ = (UniqueConstraint("user_id", "organisation_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    role: Mapped[OrgRole] = mapped_column(enum_type(OrgRole, "org_role"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # When an administrator last chose to keep this member in the yearly review of members
    # who have not signed in for a while (portal/organisations/continuity.py).
    kept_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user = relationship("User", back_populates="memberships")
    organisation = relationship("Organisation", back_populates="memberships", lazy="joined")
