from datetime import datetime
from enum import StrEnum

from sqlalchemy import Boolean, CheckConstraint, Index, Integer, String, false, text, true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.models.base import UTCDateTime, enum_type, trigram_index, utcnow


class OrganisationKind(StrEnum):
    EMPLOYER = "employer"
    HIGHER_EDUCATION = "higher_education"
    RESEARCH = "research"
    EXCHANGE = "exchange"
    INTERMEDIARY = "intermediary"


class KvkProof(StrEnum):
    """How the IND knows that the organisation really is the company with its KvK number."""

    EHERKENNING = "eherkenning"  # an eHerkenning sign-in asserted the number
    IND_REVIEW = "ind_review"  # the IND checked the KvK extract at the recognition review
    EXISTING = "existing"  # recognised before verification (migration 0016_identity_kvk), or demo


VERIFIED = text("kvk_verified_at IS NOT NULL")


class LegalForm(StrEnum):
    BV = "bv"
    NV = "nv"
    FOUNDATION = "foundation"
    ASSOCIATION = "association"
    COOPERATIVE = "cooperative"
    GENERAL_PARTNERSHIP = "general_partnership"
    LIMITED_PARTNERSHIP = "limited_partnership"
    SOLE_PROPRIETORSHIP = "sole_proprietorship"
    PUBLIC_BODY = "public_body"
    FOREIGN = "foreign"
    OTHER = "other"


# Locked once a recognition is granted: a change is a change report the IND accepts.
LEGAL_IDENTITY_FIELDS = ("kvk_number", "legal_name", "rsin", "legal_form")

# What an administrator edits on the profile page (history is kept for each).
PROFILE_FIELDS = (
    "trade_name",
    "ind_client_number",
    "street_address",
    "postcode",
    "city",
    "country",
    "postal_street_address",
    "postal_postcode",
    "postal_city",
    "postal_country",
    "phone",
    "email",
    "persons_employed",
    "code_of_conduct_registered",
    "sna_registration_number",
    "iban",
    "preferred_language",
)


class Organisation(db.Model):
    __tablename__ = "organisation"
    __table_args__ = (
        CheckConstraint("persons_employed >= 0", name="persons_employed_not_negative"),
        CheckConstraint("preferred_language IN ('nl', 'en')", name="preferred_language_known"),
        CheckConstraint(
            "(kvk_verified_at IS NULL) = (kvk_verified_via IS NULL)", name="kvk_proof_complete"
        ),
        CheckConstraint("frozen_at IS NULL OR kvk_verified_at IS NULL", name="frozen_unverified"),
        # One verified organisation per KvK number; unverified ones may share it (sign-ups
        # that nobody proved). The database is the final word (portal/organisations/kvk.py).
        Index(
            "uq_organisation_verified_kvk",
            "kvk_number",
            unique=True,
            sqlite_where=VERIFIED,
            postgresql_where=VERIFIED,
        ),
        # Organisation-name search: the back office's queue and register, the audit log.
        trigram_index("ix_organisation_legal_name_trgm", "legal_name"),
        trigram_index("ix_organisation_trade_name_trgm", "trade_name"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kvk_number: Mapped[str] = mapped_column(String(8), index=True)
    legal_name: Mapped[str] = mapped_column(String(200))
    street_address: Mapped[str] = mapped_column(String(200))
    postcode: Mapped[str] = mapped_column(String(10))
    city: Mapped[str] = mapped_column(String(100))
    country: Mapped[str] = mapped_column(String(2), default="NL")
    email: Mapped[str] = mapped_column(String(254))
    persons_employed: Mapped[int] = mapped_column(Integer)
    kind: Mapped[OrganisationKind] = mapped_column(enum_type(OrganisationKind, "organisation_kind"))
    preferred_language: Mapped[str] = mapped_column(String(2), default="nl")
    # Internal sign-off (issue 25): a submitter's application waits for an administrator's
    # approval before it reaches the IND (portal/cases/sign_off.py).
    sign_off_required: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # The rest of the profile (issue 3). Visiting address: street_address/postcode/city/country.
    trade_name: Mapped[str | None] = mapped_column(String(200))
    rsin: Mapped[str | None] = mapped_column(String(9))
    ind_client_number: Mapped[str | None] = mapped_column(String(20))
    legal_form: Mapped[LegalForm | None] = mapped_column(enum_type(LegalForm, "legal_form"))
    postal_street_address: Mapped[str | None] = mapped_column(String(200))
    postal_postcode: Mapped[str | None] = mapped_column(String(10))
    postal_city: Mapped[str | None] = mapped_column(String(100))
    postal_country: Mapped[str | None] = mapped_column(String(2))
    phone: Mapped[str | None] = mapped_column(String(30))
    code_of_conduct_registered: Mapped[bool | None] = mapped_column(Boolean)
    sna_registration_number: Mapped[str | None] = mapped_column(String(20))
    iban: Mapped[str | None] = mapped_column(String(34))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # When an administrator last confirmed (or saved) the profile: the yearly check (issue 25,
    # portal/organisations/profile_check.py). None: counted from created_at.
    profile_confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Verified: the KvK number is proven (KvkProof); until then the organisation is labelled
    # unverified. Frozen: another organisation proved the same KvK number first; nothing new
    # may be added here (portal/organisations/kvk.py).
    kvk_verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    kvk_verified_via: Mapped[KvkProof | None] = mapped_column(enum_type(KvkProof, "kvk_proof"))
    frozen_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The contact address (`email`) gets the administrators' notices unless one turns it off.
    contact_notices: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())

    recognitions = relationship(
        "Recognition", back_populates="organisation", order_by="Recognition.category"
    )
    memberships = relationship("Membership", back_populates="organisation")

    @property
    def is_verified(self) -> bool:
        return self.kvk_verified_at is not None

    @property
    def is_frozen(self) -> bool:
        return self.frozen_at is not None

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
            "trade_name": self.trade_name,
            "rsin": self.rsin,
            "ind_client_number": self.ind_client_number,
            "legal_form": self.legal_form.value if self.legal_form else None,
            "postal_street_address": self.postal_street_address,
            "postal_postcode": self.postal_postcode,
            "postal_city": self.postal_city,
            "postal_country": self.postal_country,
            "phone": self.phone,
            "code_of_conduct_registered": self.code_of_conduct_registered,
            "sna_registration_number": self.sna_registration_number,
            "iban": self.iban,
        }

    def __repr__(self) -> str:
        return f"<Organisation {self.kvk_number} {self.legal_name!r}>"
