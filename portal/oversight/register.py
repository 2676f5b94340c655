"""The public register of recognised sponsors: one list per category.

An organisation is listed while its recognition for the category is in force on the day asked
(`oversight.in_force_clause`): granted, or suspended with a last day already passed. So a grant,
a suspension, its lifting and a withdrawal show at once, without any job running.
"""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, or_, select

from portal.collation import by_name
from portal.extensions import db
from portal.models import Category, Organisation, Recognition
from portal.organisations import kvk
from portal.oversight.status import escape_like, in_force_clause

MAX_QUERY_LENGTH = 100
PAGE_SIZE = 50
MAX_PAGE = 10_000


@dataclass(frozen=True)
class Entry:
    name: str
    kvk_number: str


def clean_query(text: str | None) -> str:
    """Search input as typed, bounded and without characters a database refuses (NUL)."""
    text = (text or "").replace("\x00", "")
    return " ".join(text.split())[:MAX_QUERY_LENGTH]


def _query(category: Category, on: date, text: str):
    query = (
        select(Organisation.legal_name, Organisation.kvk_number)
        .join(Recognition, Recognition.organisation_id == Organisation.id)
        .where(Recognition.category == category, in_force_clause(on), kvk.is_verified_clause())
    )
    if text:
        query = query.where(
            or_(
                Organisation.legal_name.ilike(f"%{escape_like(text)}%", escape="\\"),
                Organisation.kvk_number.startswith(escape_like(text), escape="\\"),
            )
        )
    return query


def count(category: Category, on: date, text: str = "") -> int:
    query = _query(category, on, text).subquery()
    return db.session.scalar(select(func.count()).select_from(query))


def entries(
    category: Category, on: date, text: str = "", *, offset: int = 0, limit: int | None = None
) -> list[Entry]:
    """The register sorted by name (then KvK number), optionally one page of it."""
    query = _query(category, on, text).order_by(
        by_name(Organisation.legal_name), Organisation.kvk_number
    )
    if offset:
        query = query.offset(offset)
    if limit is not None:
        query = query.limit(limit)
    return [Entry(name, kvk) for name, kvk in db.session.execute(query)]
