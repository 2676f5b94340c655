"""Unread counts kept as counters, so the inbox costs the same at 50 and at 50,000 letters.

One row per (user, organisation, category) in `inbox_unread` holds how many of the
organisation's letters in that category the user has not read. The counters move with the
facts, in the same transaction:

- a letter is issued (any Letter insert, an ORM event) → +1 for every member of the organisation;
- a member joins (a Membership insert) → their counters are counted once from the letters;
- a member leaves → their counters go;
- a user marks a letter read or unread (services/letters.py) → −1 / +1 for that user.

`recount()` rebuilds every counter from the letters and the read marks (`flask inbox recount`,
and the benchmark after its bulk insert, which bypasses the ORM); `drift()` compares them.
"""

from sqlalchemy import and_, delete, exists, func, insert, literal, select
from sqlalchemy.dialects import postgresql, sqlite

from portal.extensions import db
from portal.models import InboxUnread, Letter, LetterRead, Membership

NO_CATEGORY = ""


def category_key(category: str | None) -> str:
    return category or NO_CATEGORY


def _upsert(connection, rows: list[dict], *, add: bool) -> None:
    """Insert counters, or on conflict add to them (add=True) or replace them."""
    if not rows:
        return
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    statement = dialect.insert(InboxUnread).values(rows)
    new_value = statement.excluded.unread
    if add:
        new_value = InboxUnread.unread + statement.excluded.unread
    statement = statement.on_conflict_do_update(
        index_elements=["user_id", "organisation_id", "category"], set_={"unread": new_value}
    )
    connection.execute(statement)


def adjust(connection, user_id: int, organisation_id: int, category: str | None, by: int):
    _upsert(
        connection,
        [
            {
                "user_id": user_id,
                "organisation_id": organisation_id,
                "category": category_key(category),
                "unread": by,
            }
        ],
        add=True,
    )


def _counts_query(organisation_id=None, user_id=None):
    """Unread letters per (member, organisation, category), counted from the letters."""
    category = func.coalesce(Letter.category, literal(NO_CATEGORY))
    query = (
        select(
            Membership.user_id,
            Letter.organisation_id,
            category.label("category"),
            func.count().label("unread"),
        )
        .join(Letter, Letter.organisation_id == Membership.organisation_id)
        .where(
            ~exists().where(
                and_(LetterRead.letter_id == Letter.id, LetterRead.user_id == Membership.user_id)
            )
        )
        .group_by(Membership.user_id, Letter.organisation_id, category)
    )
    if organisation_id is not None:
        query = query.where(Membership.organisation_id == organisation_id)
    if user_id is not None:
        query = query.where(Membership.user_id == user_id)
    return query


def count_for_member(connection, user_id: int, organisation_id: int) -> None:
    """(Re)count one member's counters from the letters: once, when they join."""
    connection.execute(
        delete(InboxUnread).where(
            InboxUnread.user_id == user_id, InboxUnread.organisation_id == organisation_id
        )
    )
    rows = connection.execute(_counts_query(organisation_id, user_id)).mappings().all()
    _upsert(connection, [dict(row) for row in rows], add=False)


def recount() -> int:
    """Rebuild every counter from the letters; returns the number of counter rows."""
    db.session.execute(delete(InboxUnread))
    query = _counts_query()
    db.session.execute(
        insert(InboxUnread).from_select(["user_id", "organisation_id", "category", "unread"], query)
    )
    return db.session.scalar(select(func.count()).select_from(InboxUnread))


def drift() -> list[tuple]:
    """Counters that differ from a count of the letters: (user, organisation, category,
    counter, counted). Empty when all is well."""
    counted = {
        (row.user_id, row.organisation_id, row.category): row.unread
        for row in db.session.execute(_counts_query())
    }
    kept = {
        (row.user_id, row.organisation_id, row.category): row.unread
        for row in db.session.scalars(select(InboxUnread))
    }
    keys = set(counted) | set(kept)
    return sorted(
        (*key, kept.get(key, 0), counted.get(key, 0))
        for key in keys
        if kept.get(key, 0) != counted.get(key, 0)
    )


def by_category(organisation_id: int, user_id: int) -> dict[str | None, int]:
    """The user's unread letters per category (None: letters without one), zeros left out."""
    rows = db.session.execute(
        select(InboxUnread.category, InboxUnread.unread).where(
            InboxUnread.user_id == user_id,
            InboxUnread.organisation_id == organisation_id,
            InboxUnread.unread != 0,
        )
    )
    return {(category or None): count for category, count in rows}


def total_expression(organisation_id: int, user_id: int):
    """`total` as a scalar subquery, to read beside other counters in one statement."""
    return (
        select(func.coalesce(func.sum(InboxUnread.unread), 0))
        .where(InboxUnread.user_id == user_id, InboxUnread.organisation_id == organisation_id)
        .scalar_subquery()
    )


def total(organisation_id: int, user_id: int) -> int:
    return sum(by_category(organisation_id, user_id).values())


def letter_issued(_mapper, connection, letter: Letter) -> None:
    members = connection.scalars(
        select(Membership.user_id).where(Membership.organisation_id == letter.organisation_id)
    ).all()
    _upsert(
        connection,
        [
            {
                "user_id": user_id,
                "organisation_id": letter.organisation_id,
                "category": category_key(letter.category),
                "unread": 1,
            }
            for user_id in members
        ],
        add=True,
    )


def member_joined(_mapper, connection, membership: Membership) -> None:
    count_for_member(connection, membership.user_id, membership.organisation_id)


def member_left(_mapper, connection, membership: Membership) -> None:
    connection.execute(
        delete(InboxUnread).where(
            InboxUnread.user_id == membership.user_id,
            InboxUnread.organisation_id == membership.organisation_id,
        )
    )
