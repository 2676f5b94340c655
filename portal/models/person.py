"""The people an organisation sponsors: stored once, reused by every application about them."""

import unicodedata
from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Date, ForeignKey, Index, String, UniqueConstraint, func, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.models.base import UTCDateTime, enum_type, trigram_index, utcnow
from portal.models.recognition import Category


class Sex(StrEnum):
    """As printed in the passport (ICAO 9303): F, M or X."""

    FEMALE = "female"
    MALE = "male"
    UNSPECIFIED = "unspecified"


def fold(text: str) -> str:
    """Case- and accent-insensitive form for search and sorting: 'Zoë' → 'zoe'."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(stripped.casefold().split())


def search_keys(data: dict) -> tuple[str, str]:
    """(sort_key, search_text) of a person's data: folded names, passport and V-number."""
    given, surname = data.get("given_names"), data.get("surname")
    sort_key = fold(f"{surname} {given}")[:420]
    search = fold(f"{given} {surname} {data.get('passport_number')} {data.get('v_number') or ''}")
    return sort_key, search[:500]


# The fields that describe the person (kept as history when they change).
PERSON_FIELDS = (
    "given_names",
    "surname",
    "date_of_birth",
    "place_of_birth",
    "country_of_birth",
    "nationality",
    "sex",
    "category",
    "passport_number",
    "passport_issued_on",
    "passport_expires_on",
    "v_number",
    "email",
    "street_address",
    "postcode",
    "city",
    "country",
)


class Person(db.Model):
    __tablename__ = "person"
    __table_args__ = (
        # Same passport of the same country = the same person: flagged, never duplicated.
        UniqueConstraint(
            "organisation_id", "nationality", "passport_number", name="uq_person_passport"
        ),
        Index("ix_person_register", "organisation_id", "sort_key", "id"),
        # People search (portal/people/register.py, portal/cases/listing.py): LIKE '%word%'.
        trigram_index("ix_person_search_trgm", "search_text", within="organisation_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    given_names: Mapped[str] = mapped_column(String(200), default="")
    surname: Mapped[str] = mapped_column(String(200))
    date_of_birth: Mapped[date] = mapped_column(Date)
    place_of_birth: Mapped[str] = mapped_column(String(100))
    country_of_birth: Mapped[str] = mapped_column(String(2))
    nationality: Mapped[str] = mapped_column(String(2))
    sex: Mapped[Sex] = mapped_column(enum_type(Sex, "sex"))
    category: Mapped[Category] = mapped_column(enum_type(Category, "person_category"))
    passport_number: Mapped[str] = mapped_column(String(20))
    passport_issued_on: Mapped[date] = mapped_column(Date)
    passport_expires_on: Mapped[date] = mapped_column(Date)
    v_number: Mapped[str | None] = mapped_column(String(10))
    email: Mapped[str | None] = mapped_column(String(254))
    street_address: Mapped[str | None] = mapped_column(String(200))
    postcode: Mapped[str | None] = mapped_column(String(10))
    city: Mapped[str | None] = mapped_column(String(100))
    country: Mapped[str | None] = mapped_column(String(2))
    # Folded names (and passport / V-number) for accent-insensitive search and stable sorting.
    sort_key: Mapped[str] = mapped_column(String(420))
    search_text: Mapped[str] = mapped_column(String(500))
    # Archiving instead of deleting: the file is kept until keep_until.
    sponsorship_ended_on: Mapped[date | None] = mapped_column(Date)
    keep_until: Mapped[date | None] = mapped_column(Date)
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    organisation = relationship("Organisation")

    @property
    def full_name(self) -> str:
        return Person.name_from(self.given_names, self.surname)

    @staticmethod
    def name_from(given_names: str | None, surname: str | None) -> str:
        """The name as the portal writes it, from the two columns (also when read as columns,
        without the row: the to-do statement)."""
        return f"{given_names} {surname}".strip()

    @property
    def current_permit_expires(self) -> date | None:
        """The end date of the latest permit recorded for the person (prefills an extension)."""
        from portal.models.duty import Permit

        if self.id is None:
            return None
        return db.session.scalar(
            select(func.max(Permit.ends_on)).where(Permit.person_id == self.id)
        )

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None

    def refresh_keys(self) -> None:
        names = ("given_names", "surname", "passport_number", "v_number")
        self.sort_key, self.search_text = search_keys({n: getattr(self, n) for n in names})

    def snapshot(self) -> dict:
        """The person's data as sent with an application."""
        data = {}
        for name in PERSON_FIELDS:
            value = getattr(self, name)
            data[name] = (
                value.isoformat()
                if isinstance(value, date)
                else (value.value if isinstance(value, StrEnum) else value)
            )
        data["id"] = self.id
        return data

    def __repr__(self) -> str:
        return f"<Person {self.id} {self.surname!r}>"


def keep_search_keys(_mapper, connection, target: Person) -> None:
    """Search and sort keys always follow the names, whoever writes the person."""
    target.refresh_keys()
