"""The to-do list's facts read in one SQL statement (issue 20).

A provider says what it reads in one of two ways, and the list asks the database once for all:

- *listed* (`provider(kind, rows=fn)`): `fn(scope, today)` returns the provider's own query with
  its columns labelled by the slots below (`id`, `text`, `other`, `day`, `at`); the provider
  then turns the rows it is given into items. Its WHERE clause is the rule, in one place.
- *gated* (`provider(kind, gate=fn)`): the provider computes its items itself (in Python, over
  several queries), and `fn(scope, today)` returns the first query it runs — the candidates.
  The statement asks only whether any exist; without candidates the provider is not run.

Either function returns None when the provider does not apply to the scope (a permission the
person acting lacks). The branches are joined with UNION ALL; a provider without either
function is always run as before.
"""

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Date, Integer, String, cast, literal, null, select, type_coerce, union_all

from portal.extensions import db
from portal.models.base import UTCDateTime

SLOTS = {"id": Integer(), "text": String(), "other": String(), "day": Date(), "at": UTCDateTime()}


@dataclass(frozen=True)
class Row:
    """One row a listed provider asked for (slots it did not name are None)."""

    id: int | None
    text: str | None
    other: str | None
    day: date | None
    at: datetime | None


def _branch(kind: str, query):
    inner = query.order_by(None).subquery()
    columns = [type_coerce(literal(kind), String()).label("kind")]
    for name, type_ in SLOTS.items():
        if name in inner.c:
            columns.append(type_coerce(inner.c[name], type_).label(name))
        else:
            columns.append(cast(null(), type_).label(name))
    return select(*columns)


def _gate(kind: str, query):
    columns = [type_coerce(literal(kind), String()).label("kind")]
    columns += [cast(null(), type_).label(name) for name, type_ in SLOTS.items()]
    return select(*columns).where(query.order_by(None).exists())


def read(scope, today, specs) -> tuple[dict[str, list[Row]], set[str], set[str]]:
    """specs: {kind: (rows_fn, gate_fn)}. Returns (rows per listed kind, kinds whose gate found
    candidates, kinds that do not apply)."""
    branches, listed, gated, absent = [], set(), set(), set()
    for kind, (rows_fn, gate_fn) in specs.items():
        if rows_fn is not None:
            query = rows_fn(scope, today)
            if query is None:
                absent.add(kind)
            else:
                branches.append(_branch(kind, query))
                listed.add(kind)
        elif gate_fn is not None:
            query = gate_fn(scope, today)
            if query is None:
                absent.add(kind)
            else:
                branches.append(_gate(kind, query))
                gated.add(kind)
    rows: dict[str, list[Row]] = {kind: [] for kind in listed}
    present: set[str] = set()
    if branches:
        statement = branches[0] if len(branches) == 1 else union_all(*branches)
        for result in db.session.execute(statement):
            if result.kind in listed:
                rows[result.kind].append(
                    Row(result.id, result.text, result.other, result.day, result.at)
                )
            else:
                present.add(result.kind)
    for found in rows.values():  # no ORDER BY inside a UNION: by date, then time, then id
        found.sort(key=_order)
    return rows, present, absent


def _order(row: Row):
    return (
        row.day is None,
        row.day or date.min,
        row.at is None,
        row.at.timestamp() if row.at is not None else 0,
        row.id or 0,
    )
