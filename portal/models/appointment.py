"""Appointments at IND desks (issue 23): biometrics and permit collection, booked by the sponsor.

A desk has opening hours per weekday, a slot length and a number of counters per kind, and
one-off days (closed, other hours, fewer counters); Dutch public holidays close it unless a
one-off day opens it (portal/appointments/calendar.py). A slot is (desk, kind, start); its
capacity is its counters. Each booking takes one counter of its slot, and the database refuses a
second booking on the same counter (`uq_appointment_seat`) — no double booking, whatever races.
Times are stored in UTC and shown in Europe/Amsterdam."""

from datetime import date, datetime, time
from enum import StrEnum

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Time,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.models.base import UTCDateTime, enum_type, utcnow
from portal.models.recognition import Category


class AppointmentKind(StrEnum):
    BIOMETRICS = "biometrics"  # photo, fingerprints, signature
    COLLECTION = "collection"  # collecting the residence document


class AppointmentStatus(StrEnum):
    BOOKED = "booked"
    ATTENDED = "attended"
    NO_SHOW = "no_show"
    CANCELLED = "cancelled"


class Desk(db.Model):
    __tablename__ = "desk"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    address: Mapped[str] = mapped_column(String(200))
    # How to reach the desk after the cut-off (phone or a contact page).
    contact: Mapped[str] = mapped_column(String(200))
    biometrics_minutes: Mapped[int] = mapped_column(Integer, default=15)
    collection_minutes: Mapped[int] = mapped_column(Integer, default=10)
    biometrics_counters: Mapped[int] = mapped_column(Integer, default=2)
    collection_counters: Mapped[int] = mapped_column(Integer, default=1)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    hours = relationship("DeskHours", order_by="DeskHours.weekday", cascade="all, delete-orphan")

    def minutes(self, kind: AppointmentKind) -> int:
        return getattr(self, f"{kind.value}_minutes")

    def counters(self, kind: AppointmentKind) -> int:
        return getattr(self, f"{kind.value}_counters")


class DeskHours(db.Model):
    """Regular opening hours on one weekday (0 = Monday); no row: closed that weekday."""

    __tablename__ = "desk_hours"
    __table_args__ = (
        CheckConstraint("weekday BETWEEN 0 AND 6", name="weekday_range"),
        CheckConstraint("opens < closes", name="opens_before_closes"),
    )

    desk_id: Mapped[int] = mapped_column(ForeignKey("desk.id"), primary_key=True)
    weekday: Mapped[int] = mapped_column(Integer, primary_key=True)
    opens: Mapped[time] = mapped_column(Time)
    closes: Mapped[time] = mapped_column(Time)


class DeskDay(db.Model):
    """A one-off day: closed, or open with other hours or fewer counters (a row on a public
    holiday that is not closed opens the desk that day)."""

    __tablename__ = "desk_day"

    desk_id: Mapped[int] = mapped_column(ForeignKey("desk.id"), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    closed: Mapped[bool] = mapped_column(Boolean, default=True)
    opens: Mapped[time | None] = mapped_column(Time)
    closes: Mapped[time | None] = mapped_column(Time)
    counters: Mapped[int | None] = mapped_column(Integer)  # at most this many, any kind
    reason: Mapped[str] = mapped_column(String(200))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


_TAKEN = text("status <> 'cancelled'")
_OPEN = text("status = 'booked'")


class Appointment(db.Model):
    __tablename__ = "appointment"
    __table_args__ = (
        # One booking per counter of a slot: the database's word on capacity.
        Index(
            "uq_appointment_seat",
            "desk_id",
            "kind",
            "starts_at",
            "counter",
            unique=True,
            sqlite_where=_TAKEN,
            postgresql_where=_TAKEN,
        ),
        # One open appointment per person and kind.
        Index(
            "uq_appointment_person_kind",
            "person_id",
            "kind",
            unique=True,
            sqlite_where=_OPEN,
            postgresql_where=_OPEN,
        ),
        Index("ix_appointment_desk_day", "desk_id", "starts_at"),
        Index("ix_appointment_organisation", "organisation_id", "status", "starts_at"),
        CheckConstraint("counter >= 1", name="counter_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    application_id: Mapped[int | None] = mapped_column(ForeignKey("application.id"), index=True)
    category: Mapped[Category] = mapped_column(enum_type(Category, "appointment_category"))
    desk_id: Mapped[int] = mapped_column(ForeignKey("desk.id"))
    kind: Mapped[AppointmentKind] = mapped_column(enum_type(AppointmentKind, "appointment_kind"))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    counter: Mapped[int] = mapped_column(Integer)
    status: Mapped[AppointmentStatus] = mapped_column(
        enum_type(AppointmentStatus, "appointment_status"), default=AppointmentStatus.BOOKED
    )
    # Booked together with others (a group of students arriving together).
    group_ref: Mapped[str | None] = mapped_column(String(20), index=True)
    booked_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    booked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # sponsor, rescheduled, person_left, decision_revoked, desk_closed
    cancel_reason: Mapped[str | None] = mapped_column(String(30))
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    outcome_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    outcome_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    desk = relationship("Desk", lazy="joined")
    person = relationship("Person")
    application = relationship("Application")
    organisation = relationship("Organisation")
