"""The to-do list's facts read in one SQL statement (issue 20).

A provider that reads stored facts says so with `provider(kind, rows=fn)`: `fn(scope, today)`
returns its query, the columns labelled with names of the provider's choosing (`id`, `ends_on`,
`reported_on`…), or None when the provider does not apply to the scope (a permission the person
acting lacks). The provider is given the rows, read by those names, and turns them into items.
Its WHERE clause is the selection, in one place; a rule computed in Python is given its facts as
columns (the people's states, the extension duty, a fee's state, the case clock) and stays
written once. Kinds whose queries are the same function share one branch.

The queries are joined with UNION ALL and run once per request: each branch's columns go into
typed slots (numbers, texts, days, moments), as many of each as the widest branch needs, NULL
where a branch has fewer. A column of an enumeration comes back as its stored value (the
provider reads it with the enumeration: `Kind(row.kind)`).
"""

import threading
from collections import OrderedDict, namedtuple
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    Integer,
    Numeric,
    String,
    cast,
    literal,
    null,
    select,
    type_coerce,
    union_all,
)

from portal.extensions import db
from portal.models.base import UTCDateTime

# Slot families: a column's type decides its family; the union's column types are these.
FAMILIES = {"number": Integer(), "text": String(), "day": Date(), "at": UTCDateTime()}


def _family(type_) -> str:
    affinity = type_._type_affinity  # a TypeDecorator's is its implementation's
    if affinity is None or issubclass(affinity, (Boolean, Numeric)):
        raise TypeError(f"no to-do slot for a column of type {type_!r}")
    if issubclass(affinity, Integer):
        return "number"
    if issubclass(affinity, DateTime):
        return "at"
    if issubclass(affinity, Date):
        return "day"
    return "text"


@lru_cache(maxsize=64)
def row_type(names: tuple[str, ...]):
    """The row a listed provider is given: its columns by the names it labelled them with."""
    return namedtuple("Row", names)


def _layout(inner) -> tuple[tuple[str, ...], dict[str, list[str]]]:
    """The branch's column names, and per family which of them fill its slots in order."""
    names, families = [], {family: [] for family in FAMILIES}
    for column in inner.c:
        names.append(column.key)
        families[_family(column.type)].append(column.key)
    return tuple(names), families


def _slot(family: str, number: int) -> str:
    return f"{family}_{number}"


@dataclass(frozen=True)
class _Built:
    statement: object  # the UNION ALL (None: no branch)
    layouts: dict  # listed kind: (names, slots per family)
    same_as: dict  # kind: the kind whose branch it shares
    absent: frozenset  # kinds that do not apply


# Built statements by scope and day, per process: building the union of some fifteen queries
# costs more Python than running it. A branch may depend only on what the key holds — the
# organisation, the mandate's categories, the permissions, the letters' viewer and the day —
# never on the clock's time or on data; the rows are read fresh on every request. A built plan
# takes ~270 KiB (tracemalloc, 13 kinds): the most recently used 64 are kept, ~17 MiB a worker.
_BUILT: OrderedDict = OrderedDict()
BUILT_KEPT = 64
_LOCK = threading.Lock()


def _key(scope, today, specs):
    return (
        scope.organisation.id,
        scope.categories,
        scope.permissions,
        scope.viewer,
        today,
        tuple(specs.items()),
    )


def built(scope, today, specs) -> _Built:
    key = _key(scope, today, specs)
    with _LOCK:
        found = _BUILT.get(key)
        if found is not None:
            _BUILT.move_to_end(key)
            return found
    found = _build(scope, today, specs)
    with _LOCK:
        _BUILT[key] = found
        while len(_BUILT) > BUILT_KEPT:
            _BUILT.popitem(last=False)
    return found


def _build(scope, today, specs) -> _Built:
    branches, absent = [], set()  # branches: (kind, inner query, layout)
    first_of: dict = {}  # rows_fn: the kind that reads it (kinds sharing their facts read once)
    same_as: dict[str, str] = {}
    for kind, rows_fn in specs.items():
        if rows_fn in first_of:
            same_as[kind] = first_of[rows_fn]
            continue
        first_of[rows_fn] = kind
        query = rows_fn(scope, today)
        if query is None:
            absent.add(kind)
        else:
            inner = query.order_by(None).subquery()
            branches.append((kind, inner, _layout(inner)))
    for kind, first in same_as.items():
        if first in absent:
            absent.add(kind)
    widths = {
        family: max((len(layout[1][family]) for *_k, layout in branches), default=0)
        for family in FAMILIES
    }
    selects = [_select(kind, inner, layout, widths) for kind, inner, layout in branches]
    return _Built(
        union_all(*selects) if len(selects) > 1 else selects[0] if selects else None,
        {kind: layout for kind, _i, layout in branches},
        {kind: first for kind, first in same_as.items() if first not in absent},
        frozenset(absent),
    )


def read(scope, today, specs) -> tuple[dict[str, list], frozenset[str]]:
    """specs: {kind: rows_fn}. Returns (rows per kind that applies, kinds that do not apply)."""
    plan = built(scope, today, specs)
    rows: dict[str, list] = {kind: [] for kind in plan.layouts}
    results = db.session.execute(plan.statement) if plan.statement is not None else ()
    for result in results:
        names, families = plan.layouts[result.kind]
        values = {
            name: getattr(result, _slot(family, number))
            for family, taken in families.items()
            for number, name in enumerate(taken)
        }
        rows[result.kind].append(row_type(names)(**values))
    for found in rows.values():  # no ORDER BY inside a UNION: by date, then time, then id
        found.sort(key=_order)
    for kind, first in plan.same_as.items():
        rows[kind] = rows[first]
    return rows, plan.absent


def _select(kind: str, inner, layout, widths):
    columns = [type_coerce(literal(kind), String()).label("kind")]
    for family, type_ in FAMILIES.items():
        taken = layout[1][family]
        for number in range(widths[family]):
            if number < len(taken):
                column = type_coerce(inner.c[taken[number]], type_)
            else:
                column = cast(null(), type_)
            columns.append(column.label(_slot(family, number)))
    return select(*columns).select_from(inner)


def _order(row):
    day, at, id_ = (getattr(row, name, None) for name in ("day", "at", "id"))
    return (
        day is None,
        day or date.min,
        at is None,
        at.timestamp() if at is not None else 0,
        id_ or 0,
    )
