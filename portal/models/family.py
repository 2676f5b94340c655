"""A family member's application and the main application it is filed with (portal/family/).

The family member's own application is an ordinary residence case (kind family_partner or
family_child) about their own person record; this link says whose family they are. When the
main application ends without a permit (withdrawn, refused, not considered) while the family
member's is pending, the link is flagged with the reason and the moment.
"""

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.models.base import UTCDateTime, utcnow


class FamilyLink(db.Model):
    __tablename__ = "family_link"
    __table_args__ = (
        CheckConstraint("application_id <> main_application_id", name="not_own_family"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # One main application per family member's application: the database's final word.
    application_id: Mapped[int] = mapped_column(ForeignKey("application.id"), unique=True)
    main_application_id: Mapped[int] = mapped_column(ForeignKey("application.id"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    # The main application's status that ended it (withdrawn, refused, not_considered).
    flagged_because: Mapped[str | None] = mapped_column(String(20))
    flagged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    application = relationship("Application", foreign_keys=[application_id])
    main_application = relationship("Application", foreign_keys=[main_application_id])
