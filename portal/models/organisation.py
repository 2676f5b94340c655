from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.models.base import UTCDateTime, enum_type, utcnow


class OrganisationKind(StrEnum):
    EMPLOYER = "employer"
    HIGHER_EDUCATION = "higher_education"
    RESEARCH = "research"
    EXCHANGE = "exchange"
    INTERMEDIARY = "intermediary"


class Organisation(db.Model):
    __tablename__ = "organisation"
    __table_args__ = (
        CheckConstraint("persons_employed >= 0", name="persons_employed_not_negative"),
        CheckConstraint("preferred_language IN ('nl', 'en')", name="preferred_language_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kvk_number: Mapped[str] = mapped_column(String(8), unique=True)
    legal_name: Mapped[str] = mapped_column(String(200))
    street_address: Mapped[str] = mapped_column(String(200))
    postcode: Mapped[str] = mapped_column(String(10))
    city: Mapped[str] = mapped_column(String(100))
    country: Mapped[str] = mapped_column(String(2), default="NL")
    email: Mapped[str] = mapped_column(String(254))
    persons_employed: Mapped[int] = mapped_column(Integer)
    kind: Mapped[OrganisationKind] = mapped_column(enum_type(OrganisationKind, "organisation_kind"))
    preferred_language: Mapped[str] = mapped_column(String(2), default="nl")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    recognitions = relationship(
        "Recognition", back_populates="organisation", order_by="Recognition.category"
    )
    memberships = relationship("Membership", back_populates="organisation")

    def snapshot(self) -> dict:
        """The organisation data as sent with an application."""
        return {
            "kvk_number": self.kvk_number,
            "legal_name": self.legal_name,
            "street_address": self.street_address,
            "postcode": self.postcode,
            "city": self.city,
            "country": self.country,
            "email": self.email,
            "persons_employed": self.persons_employed,
            "kind": self.kind.value,
            "preferred_language": self.preferred_language,
        }

    def __repr__(self) -> str:
        return f"<Organisation {self.kvk_number} {self.legal_name!r}>"
