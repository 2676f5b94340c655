"""The register of sponsored people: entered once, edited with history, archived (never deleted)
and kept until the retention date."""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, insert, or_, select

from portal import audit, history, reference
from portal.appointments import departures
from portal.audit import AuditAction
from portal.extensions import db
from portal.models import ChangeSubject, Organisation, Person, User
from portal.models.base import utcnow
from portal.models.person import PERSON_FIELDS, fold, search_keys

PAGE_SIZE = 25


class DuplicatePerson(Exception):
    """Someone with the same passport number and nationality is already in the register."""

    def __init__(self, existing: Person):
        super().__init__(existing.id)
        self.existing = existing


class AlreadyArchived(Exception):
    pass


class NotArchived(Exception):
    pass


def find_duplicate(
    organisation_id: int, nationality: str, passport_number: str, exclude_id: int | None = None
) -> Person | None:
    query = select(Person).where(
        Person.organisation_id == organisation_id,
        Person.nationality == nationality,
        Person.passport_number == passport_number,
    )
    if exclude_id is not None:
        query = query.where(Person.id != exclude_id)
    return db.session.scalar(query)


def _new_person(organisation: Organisation, data: dict, actor: User) -> Person:
    person = Person(organisation_id=organisation.id, created_by_id=actor.id)
    for field in PERSON_FIELDS:
        setattr(person, field, data.get(field))
    person.given_names = person.given_names or ""
    person.refresh_keys()
    db.session.add(person)
    return person


def create_person(organisation: Organisation, data: dict, actor: User) -> Person:
    existing = find_duplicate(organisation.id, data["nationality"], data["passport_number"])
    if existing is not None:
        raise DuplicatePerson(existing)
    person = _new_person(organisation, data, actor)
    db.session.flush()
    audit.record(AuditAction.PERSON_CREATED, actor=actor, organisation=organisation, target=person)
    return person


def create_people(
    organisation: Organisation, rows: list[dict], actor: User
) -> dict[tuple[str, str], int]:
    """create_person for many at once (bulk registration): one multi-row INSERT for the people
    and one for their audit events, no object per person; {(nationality, passport): id}.

    The caller has looked for duplicates (find_existing); the unique constraint on passport
    and nationality is the final word."""
    if not rows:
        return {}
    now = utcnow()
    values = []
    for data in rows:
        person = {field: data.get(field) for field in PERSON_FIELDS}
        person["given_names"] = person["given_names"] or ""
        person["sort_key"], person["search_text"] = search_keys(person)
        values.append(
            {
                **person,
                "organisation_id": organisation.id,
                "created_by_id": actor.id,
                "created_at": now,
                "updated_at": now,
            }
        )
    db.session.execute(insert(Person), values)
    created = find_existing(
        organisation.id, {(v["nationality"], v["passport_number"]) for v in values}
    )
    audit.record_many(
        AuditAction.PERSON_CREATED,
        actor=actor,
        organisation=organisation,
        target_type=Person.__tablename__,
        target_ids=sorted(created.values()),
    )
    return created


def find_existing(organisation_id: int, keys: set[tuple[str, str]]) -> dict[tuple[str, str], int]:
    """find_duplicate for many (nationality, passport number) pairs: {pair: person id}."""
    numbers = sorted({number for _nationality, number in keys if number})
    if not numbers:
        return {}
    nationalities = sorted({nationality for nationality, _number in keys if nationality})
    # All three columns of uq_person_passport: an index search, not a scan of the register.
    found = db.session.execute(
        select(Person.id, Person.nationality, Person.passport_number).where(
            Person.organisation_id == organisation_id,
            Person.nationality.in_(nationalities),
            Person.passport_number.in_(numbers),
        )
    ).all()
    return {
        (nationality, number): person_id
        for person_id, nationality, number in found
        if (nationality, number) in keys
    }


def update_person(person: Person, data: dict, actor: User) -> list:
    nationality = data.get("nationality", person.nationality)
    passport_number = data.get("passport_number", person.passport_number)
    existing = find_duplicate(person.organisation_id, nationality, passport_number, person.id)
    if existing is not None:
        raise DuplicatePerson(existing)
    changes = {field: data[field] for field in PERSON_FIELDS if field in data}
    if "given_names" in changes:
        changes["given_names"] = changes["given_names"] or ""
    rows = history.apply_changes(
        person, ChangeSubject.PERSON, person.organisation_id, changes, actor
    )
    if rows:
        person.refresh_keys()
        audit.record(
            AuditAction.PERSON_CHANGED,
            actor=actor,
            organisation=person.organisation,
            target=person,
            details={"fields": [row.field for row in rows]},
        )
    db.session.flush()
    return rows


def archive_person(person: Person, sponsorship_ended_on: date, actor: User) -> Person:
    """The sponsorship ended: the record leaves the current register but is kept (5 years)."""
    if person.is_archived:
        raise AlreadyArchived(person.id)
    keep_until = reference.keep_records_until(sponsorship_ended_on)
    history.apply_changes(
        person,
        ChangeSubject.PERSON,
        person.organisation_id,
        {"sponsorship_ended_on": sponsorship_ended_on, "keep_until": keep_until},
        actor,
    )
    person.archived_at = utcnow()
    departures.person_left(person, actor)  # booked desk appointments cancelled (issue 23)
    audit.record(
        AuditAction.PERSON_ARCHIVED,
        actor=actor,
        organisation=person.organisation,
        target=person,
        details={
            "ended_on": sponsorship_ended_on.isoformat(),
            "keep_until": keep_until.isoformat(),
        },
    )
    db.session.flush()
    return person


def restore_person(person: Person, actor: User) -> Person:
    """Sponsorship resumed (archived by mistake, or the person returns)."""
    if not person.is_archived:
        raise NotArchived(person.id)
    history.apply_changes(
        person,
        ChangeSubject.PERSON,
        person.organisation_id,
        {"sponsorship_ended_on": None, "keep_until": None},
        actor,
    )
    person.archived_at = None
    audit.record(
        AuditAction.PERSON_RESTORED, actor=actor, organisation=person.organisation, target=person
    )
    db.session.flush()
    return person


@dataclass
class RegisterFilter:
    text: str = ""
    nationality: str = ""
    state: str = "current"  # current | archived | all


def escape_like(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def register_query(organisation_id: int, scope, filters: RegisterFilter):
    """The register of one organisation (and scope), ordered by surname; no paging yet."""
    query = select(Person).where(Person.organisation_id == organisation_id, scope(Person.category))
    if filters.state == "current":
        query = query.where(Person.archived_at.is_(None))
    elif filters.state == "archived":
        query = query.where(Person.archived_at.is_not(None))
    if filters.nationality:
        query = query.where(Person.nationality == filters.nationality)
    for word in fold(filters.text).split()[:5]:
        query = query.where(word_clause(word))
    return query


def word_clause(word: str):
    """People whose name, passport or V-number contains `word` (folded): LIKE '%word%',
    which a trigram index answers on PostgreSQL (ix_person_search_trgm)."""
    return Person.search_text.like(f"%{escape_like(word)}%", escape="\\")


def register_page(organisation_id: int, scope, filters: RegisterFilter, after: Person | None):
    """One page of the register (keyset pagination on surname, id) and whether more follow."""
    query = register_query(organisation_id, scope, filters)
    if after is not None:
        query = query.where(
            or_(
                Person.sort_key > after.sort_key,
                and_(Person.sort_key == after.sort_key, Person.id > after.id),
            )
        )
    rows = db.session.scalars(query.order_by(Person.sort_key, Person.id).limit(PAGE_SIZE + 1)).all()
    return rows[:PAGE_SIZE], len(rows) > PAGE_SIZE
