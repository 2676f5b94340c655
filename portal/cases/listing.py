"""The sponsor's applications list: search, filters and keyset pages, newest first.

Pages follow `(created_at, id)` downwards from the last row shown (`after`), on the index
`ix_application_organisation_created` (organisation, created_at, id): no OFFSET, so page 200
costs what page 1 costs. Each row carries the person the case is about (none for recognition).
"""

from dataclasses import dataclass

from sqlalchemy import or_, select, tuple_

from portal.extensions import db
from portal.models import Application, ApplicationKind, ApplicationStatus, Category, Person
from portal.models.person import fold
from portal.people.register import escape_like, word_clause

PAGE_SIZE = 25
MAX_WORDS = 5


@dataclass(frozen=True)
class ListFilter:
    text: str = ""  # reference, or the person's name / passport number
    status: ApplicationStatus | None = None
    kind: ApplicationKind | None = None
    category: Category | None = None
    batch_id: int | None = None  # drafts made by one student import

    @property
    def active(self) -> bool:
        return bool(self.text or self.status or self.kind or self.category or self.batch_id)


@dataclass(frozen=True)
class Row:
    application: Application
    person_name: str | None

    @property
    def selectable(self) -> bool:
        """A residence draft: it may be chosen for a bulk submission."""
        return (
            self.application.status == ApplicationStatus.DRAFT
            and self.application.kind.is_residence
        )


def _query(visible, filters: ListFilter):
    query = (
        select(Application, Person.given_names, Person.surname)
        .outerjoin(Person, Person.id == Application.person_id)
        .where(visible)
    )
    if filters.status is not None:
        query = query.where(Application.status == filters.status)
    if filters.kind is not None:
        query = query.where(Application.kind == filters.kind)
    if filters.category is not None:
        query = query.where(Application.category == filters.category)
    if filters.batch_id is not None:
        query = query.where(Application.import_batch_id == filters.batch_id)
    for word in fold(filters.text).split()[:MAX_WORDS]:
        query = query.where(or_(word_clause(word), reference_clause(word)))
    return query


def reference_clause(word: str):
    """Cases whose reference contains `word`: ILIKE, answered by a trigram index on
    PostgreSQL (ix_application_reference_trgm)."""
    return Application.reference.ilike(f"%{escape_like(word)}%", escape="\\")


def page(visible, filters: ListFilter, after: Application | None) -> tuple[list[Row], bool]:
    """One page of the cases matching `visible` (the viewer's case clause) and `filters`,
    after the row `after` (None: the first page); and whether more follow."""
    query = _query(visible, filters)
    if after is not None:
        # A row-value comparison: both databases seek the index to it.
        query = query.where(
            tuple_(Application.created_at, Application.id) < tuple_(after.created_at, after.id)
        )
    found = db.session.execute(
        query.order_by(Application.created_at.desc(), Application.id.desc()).limit(PAGE_SIZE + 1)
    ).all()
    rows = [
        Row(application, f"{given} {surname}".strip() if surname is not None else None)
        for application, given, surname in found[:PAGE_SIZE]
    ]
    return rows, len(found) > PAGE_SIZE
