"""Sorting names and choices as a reader expects, in Dutch and in English: "Åland Islands" with
the A's (not after "Zimbabwe"), "Île" with the I's, "de Vries" with the D's whatever the case.

- In Python: the Unicode Collation Algorithm (pyuca, the default table, DUCET; Dutch and English
  need no tailoring), for lists sorted in Python: countries, choice lists.
- In SQL: PostgreSQL's ICU root collation ("und-x-icu", present when PostgreSQL is built with
  ICU, as Debian's is); on SQLite the same algorithm as in Python, as the collation "uca" that
  every connection registers (portal/setup.py sqlite_connect; slower, fine for SQLite's sizes).
"""

from collections.abc import Callable, Iterable
from functools import cache
from typing import TypeVar

from pyuca import Collator
from sqlalchemy import collate

from portal.extensions import db

T = TypeVar("T")

SQL_COLLATION = "und-x-icu"
SQLITE_COLLATION = "uca"


@cache
def _collator() -> Collator:
    return Collator()  # reads the table once (~0.2 s), then kept


def sort_key(text: str | None) -> tuple:
    return _collator().sort_key(text or "")


def compare(left: str, right: str) -> int:
    """SQLite's collation function: negative, zero or positive."""
    a, b = sort_key(left), sort_key(right)
    return (a > b) - (a < b)


def sorted_by_text(items: Iterable[T], text: Callable[[T], str]) -> list[T]:
    """The items in collation order of their text (ties: as given)."""
    return sorted(items, key=lambda item: sort_key(str(text(item))))


def by_name(column):
    """An ORDER BY term for a name column, in the database's collation for names."""
    if db.session.get_bind().dialect.name == "postgresql":
        return collate(column, SQL_COLLATION)
    return collate(column, SQLITE_COLLATION)
