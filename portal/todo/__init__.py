"""What needs the sponsor's attention: every open action for the organisation acted for.

One service, read by the dashboard ("What needs your attention") and its own page
(/todo). Each *provider* in the registry (`providers.py`) turns stored facts into items,
reading the one place each fact's state is computed — letters (portal/letters/status.py),
persons and permits (portal/people/state.py via portal/duties/overview.py), the yearly
study-progress check, drafts and sanctions. Later kinds (fees, appointments) register a
provider with `@provider("kind", rows=...)`: the facts of every kind are read in one SQL
statement per list (portal/todo/statement.py), and each rule is applied to them in Python.

Nothing is stored: an item is there while its fact holds and gone once it changes (the
letter answered, the extension applied for, the end of the stay reported, the check
declared, the draft submitted, the suspension lifted). Items that come due by date alone
are therefore current on every read.

A provider that registers without a group must not put personal data in its titles: the
e-mail digest (portal/notices/digest.py) shows them as they are.

Many items of one kind become one grouped item ("312 permits in their extension window")
that links to the filtered list where they are dealt with.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from portal import clock

# More items than this of one kind are shown as one group linking to the filtered list.
GROUP_ABOVE = 5


@dataclass(frozen=True)
class Scope:
    """Whom the list is for: the organisation and the categories of the mandate (None: all)."""

    organisation: object
    categories: frozenset | None
    in_scope: Callable
    # What the person acting may do (items about the team or profile are for administrators).
    permissions: frozenset = frozenset()
    # Which letters (portal/letters/visibility.py); None: all of the organisation's.
    viewer: object | None = None

    def covers(self, category) -> bool:
        return self.categories is None or category in self.categories


def scope_of(context) -> Scope:
    """The list for a sponsor-side acting context (own membership, or a mandate)."""
    from portal.letters import visibility

    return Scope(
        context.organisation,
        context.categories,
        context.in_scope,
        context.permissions,
        viewer=visibility.of_context(context),
    )


@dataclass(frozen=True)
class Item:
    kind: str
    title: str  # plain words, already translated
    due: date | None  # the date the action is due by (None: no date, least urgent)
    endpoint: str
    params: dict = field(default_factory=dict)
    count: int = 1  # >1 for a group
    date_label: str = "due"  # "due" (do it by), "since" (in force since), "started"

    def overdue(self, today: date) -> bool:
        return self.due is not None and self.date_label == "due" and self.due < today

    def days_left(self, today: date) -> int | None:
        return None if self.due is None else (self.due - today).days


@dataclass(frozen=True)
class Group:
    """How a provider's items are shown when there are many."""

    title: Callable[[int], str]  # count -> plain words
    endpoint: str
    params: dict = field(default_factory=dict)


_PROVIDERS: dict[str, tuple[Callable, Group | Callable | None]] = {}
_READS: dict[str, Callable] = {}  # kind: its query (rows)


def provider(kind: str, group=None, *, rows=None):
    """Register `fn(scope, today) -> list[Item]`; `group` (a Group or fn(scope)->Group).

    With `rows`, `fn(scope, today, rows)` is given the rows of its query, read with every other
    kind's in one statement (portal/todo/statement.py). Without, `fn` reads no stored facts."""

    def register(fn):
        _PROVIDERS[kind] = (fn, group)
        if rows is not None:
            _READS[kind] = rows
        return fn

    return register


def _urgency(item: Item, today: date):
    if item.due is None:
        return (2, date.max, item.kind, item.title)
    if item.date_label != "due":
        return (1, item.due, item.kind, item.title)
    return (0, item.due, item.kind, item.title)


def items(
    scope: Scope,
    today: date | None = None,
    group_above: int = GROUP_ABOVE,
    keep: Callable[[Item], bool] | None = None,
) -> list[Item]:
    """Every open item for the scope, most urgent first (overdue, then by due date).

    `keep` picks items before they are grouped; `group_above=0` groups every kind that has a
    group, whatever its count: its title is then a count, without a name (the e-mail digest).
    """
    from portal.appointments import todo_item  # noqa: F401  (registers its kind)
    from portal.family import todo as _family  # noqa: F401  (registers the family kind)
    from portal.todo import due_process, organisation, providers, statement  # noqa: F401

    today = today or clock.today()
    rows, absent = statement.read(scope, today, _READS)
    result: list[Item] = []
    for kind, (fn, group) in _PROVIDERS.items():
        if kind in absent:
            continue
        made = fn(scope, today, rows[kind]) if kind in rows else fn(scope, today)
        found = [i for i in made if keep is None or keep(i)]
        if group is not None and found and len(found) > group_above:
            spec = group(scope) if callable(group) and not isinstance(group, Group) else group
            earliest = min((i.due for i in found if i.due is not None), default=None)
            result.append(
                Item(
                    kind,
                    spec.title(len(found)),
                    earliest,
                    spec.endpoint,
                    dict(spec.params),
                    count=len(found),
                    date_label=found[0].date_label,
                )
            )
        else:
            result.extend(found)
    return sorted(result, key=lambda i: _urgency(i, today))
