"""Who may see a letter: one rule, used by every page, download and notice that shows letters.

- A member of the organisation sees all its letters; so does IND staff.
- An intermediary acting under a mandate sees the letters about cases within the mandate's
  categories, and about the cases it filed itself (also after the mandate ended), and letters
  about a person whose category the mandate covers (reminders, report acknowledgements).
- Letters about the organisation itself — warnings, fines, suspensions, general messages, a
  report about the organisation — stay with the sponsor: an intermediary never sees them.

`clause(viewer)` is the SQL condition on Letter; `may_see` is the same rule for one letter.
"""

from dataclasses import dataclass

from sqlalchemy import and_, exists, false, func, literal, or_, select

from portal.extensions import db
from portal.letters import unread
from portal.models import Application, Letter, LetterRead


@dataclass(frozen=True)
class Viewer:
    organisation_id: int  # the organisation whose letters are looked at
    everything: bool  # a member of it, or staff
    categories: frozenset[str] = frozenset()  # an intermediary: the mandate's categories in force
    intermediary_id: int | None = None  # an intermediary: cases it filed stay visible


def of_context(context) -> Viewer:
    """The viewer of a sponsor-side acting context (own membership, or a mandate)."""
    if not context.on_behalf:
        return Viewer(context.organisation.id, everything=True)
    return Viewer(
        context.organisation.id,
        everything=False,
        categories=frozenset(c.value for c in context.categories or ()),
        intermediary_id=context.intermediary.id,
    )


def staff(organisation_id: int) -> Viewer:
    return Viewer(organisation_id, everything=True)


def case_clause(viewer: Viewer):
    """The cases (Application rows) of the organisation this viewer may see."""
    own = Application.organisation_id == viewer.organisation_id
    if viewer.everything:
        return own
    in_mandate = (
        Application.category.in_(sorted(viewer.categories)) if viewer.categories else false()
    )
    return and_(own, or_(in_mandate, Application.intermediary_id == viewer.intermediary_id))


def clause(viewer: Viewer):
    """The letters this viewer may see (a condition on Letter)."""
    own = Letter.organisation_id == viewer.organisation_id
    if viewer.everything:
        return own
    about_case = exists(
        select(Application.id)
        .where(Application.id == Letter.application_id, case_clause(viewer))
        .correlate(Letter)
    )
    about_person = and_(
        Letter.application_id.is_(None),
        Letter.person_name.is_not(None),
        Letter.category.in_(sorted(viewer.categories)) if viewer.categories else false(),
    )
    return and_(own, or_(about_case, about_person))


def may_see(viewer: Viewer, letter_id: int) -> bool:
    return (
        db.session.scalar(select(Letter.id).where(Letter.id == letter_id, clause(viewer)))
        is not None
    )


def letters_of_case(viewer: Viewer, application_id: int):
    """The letters about one case that the viewer may see, oldest first."""
    return db.session.scalars(
        select(Letter)
        .where(Letter.application_id == application_id, clause(viewer))
        .order_by(Letter.issued_at, Letter.id)
    ).all()


def unread_total_expression(viewer: Viewer, user_id: int):
    """The sum of `unread_by_category` as a scalar subquery (the same two ways of counting), to
    read beside other counters in one statement."""
    if viewer.everything:
        return unread.total_expression(viewer.organisation_id, user_id)
    return (
        select(func.count())
        .select_from(Letter)
        .where(
            clause(viewer),
            ~exists().where(LetterRead.letter_id == Letter.id, LetterRead.user_id == user_id),
        )
        .scalar_subquery()
    )


def unread_by_category(viewer: Viewer, user_id: int) -> dict[str | None, int]:
    """Unread letters per category: a member reads the kept counters; an intermediary (no
    counters: not a member) counts its visible letters, a bounded set."""
    if viewer.everything:
        return unread.by_category(viewer.organisation_id, user_id)
    category = func.coalesce(Letter.category, literal(unread.NO_CATEGORY))
    rows = db.session.execute(
        select(category, func.count())
        .where(
            clause(viewer),
            ~exists().where(LetterRead.letter_id == Letter.id, LetterRead.user_id == user_id),
        )
        .group_by(category)
    ).all()
    return {(key or None): count for key, count in rows if count}
