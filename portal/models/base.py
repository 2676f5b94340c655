"""Shared column helpers for the typed models."""

from datetime import UTC, datetime
from enum import Enum

from sqlalchemy import DateTime, Index, TypeDecorator
from sqlalchemy import Enum as SAEnum

from portal import clock


def trigram_index(name: str, column: str, within: str | None = None) -> Index:
    """A trigram index (pg_trgm, GIN) on PostgreSQL: LIKE/ILIKE '%part%' and prefix searches
    find their rows without reading the table. `within`: a leading column every search also
    narrows by (the organisation; btree_gin), so one index scan answers both. On SQLite a
    plain index (those searches stay a bounded scan there: the embedded default's fallback)."""
    columns = (within, column) if within else (column,)
    return Index(name, *columns, postgresql_using="gin", postgresql_ops={column: "gin_trgm_ops"})


def utcnow() -> datetime:
    """Now in UTC, from portal/clock.py (the demo data sets it to past moments)."""
    return clock.now()


class UTCDateTime(TypeDecorator):
    """Timezone-aware UTC datetimes on SQLite and PostgreSQL alike."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is not None and value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC) if value is not None else None

    def process_result_value(self, value, dialect):
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value


def enum_type(enum_class: type[Enum], name: str) -> SAEnum:
    """Store an enum by its value, as a string with a CHECK constraint."""
    return SAEnum(
        enum_class,
        name=name,
        native_enum=False,
        create_constraint=True,
        validate_strings=True,
        length=max(len(m.value) for m in enum_class),
        values_callable=lambda e: [m.value for m in e],
    )
