from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Date, ForeignKey, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.models.base import UTCDateTime, enum_type, utcnow


class Category(StrEnum):
    """Recognition categories, each a separate application and public register."""

    LABOUR = "labour"
    RESEARCH = "research"
    STUDY = "study"
    EXCHANGE = "exchange"


class RecognitionStatus(StrEnum):
    GRANTED = "granted"
    SUSPENDED = "suspended"
    WITHDRAWN = "withdrawn"


class Recognition(db.Model):
    __tablename__ = "recognition"
    __table_args__ = (UniqueConstraint("organisation_id", "category"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    category: Mapped[Category] = mapped_column(enum_type(Category, "category"))
    status: Mapped[RecognitionStatus] = mapped_column(
        enum_type(RecognitionStatus, "recognition_status")
    )
    granted_on: Mapped[date] = mapped_column(Date)
    application_id: Mapped[int | None] = mapped_column(ForeignKey("application.id"))
    # While suspended: the last day of the suspension (off the public register until then).
    suspended_until: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    organisation = relationship("Organisation", back_populates="recognitions")
