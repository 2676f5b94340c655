"""The family members of a bulk student registration: once every row is read, each family row
(portal/bulk/family_rows.py) is matched to its main application — the student application
this file makes for the student with that passport number, or the student or researcher
application a person of the register has with the organisation — or gets a problem in its
`family_of` column; after the students are stored, each family member is stored (created in
the register, or linked) with a draft family application filed with that main application by
the family's own service (portal/family/filing.py). All or nothing, as the students."""

from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import select

from portal import clock
from portal.bulk.languages import LANGUAGES, speaking
from portal.bulk.student_rows import register_data
from portal.extensions import db
from portal.family import filing
from portal.family.types import FAMILY_KINDS
from portal.models import (
    ApiClient,
    Application,
    ApplicationKind,
    Category,
    ImportBatch,
    Mandate,
    Organisation,
    Person,
    User,
)
from portal.people import register as people

LOOKUP_CHUNK = 1000  # passport numbers looked up in the register per statement
# Whose family a file may name from the register (researchers are not imported in bulk).
MAIN_KINDS = (ApplicationKind.STUDENT, ApplicationKind.RESEARCHER)


@dataclass
class Pending:
    """What the rows read so far say about families: the file's students by passport number,
    its family members' passport numbers, and the family rows with their clean data."""

    students: dict[str, tuple[str, str]] = field(default_factory=dict)
    members: set[str] = field(default_factory=set)
    rows: list[tuple[dict, dict]] = field(default_factory=list)

    def note(self, row: dict, data: dict) -> None:
        number = data["passport_number"]
        if "family" in data:
            self.rows.append((row, data))
            if number:
                self.members.add(number)
        elif number:
            self.students.setdefault(number, (data["nationality"], number))


def _key(data: dict) -> tuple[str, str]:
    return data["nationality"], data["passport_number"]


def message(code: str, number: str) -> str:
    """The problem in `family_of`, in the current language."""
    if code == "family_member":
        return _(
            "Passport number %(number)s is a family member's in this file: a family member is "
            "filed with the application of a student or researcher",
            number=number,
        )
    if code == "not_main":
        return _(
            "The person with passport number %(number)s in your register has no student or "
            "researcher application with your organisation that a family member can be filed "
            "with",
            number=number,
        )
    if code == "filed":
        return _(
            "This family member already has an application filed with the application of the "
            "person with passport number %(number)s",
            number=number,
        )
    return _(
        "No student in this file and no student or researcher in your register has passport "
        "number %(number)s",
        number=number,
    )


def _problem(row: dict, code: str, number: str) -> bool:
    """Give the row its problem in `family_of`, in both languages; True when it is the row's
    first (the row now counts as a row with problems)."""
    first = not row.get("errors")
    errors = row.setdefault("errors", {})
    for language in LANGUAGES:
        with speaking(language):
            errors.setdefault(language, {})["family_of"] = message(code, number)
    row.setdefault("codes", {})["family_of"] = code
    row["person_id"] = None
    return first


def scope(batch: ImportBatch) -> frozenset[Category] | None:
    """The categories of the main applications a batch may file family members with: every
    category (None) for the organisation's own people and API clients; for an intermediary
    (its member uploading, or its API client), the categories of its mandates in force for the
    organisation — a study-only mandate does not reach a researcher's case."""
    if batch.api_client_id is not None:
        acting = {db.session.get(ApiClient, batch.api_client_id).organisation_id}
    else:
        acting = {m.organisation_id for m in batch.created_by.memberships}
    if batch.organisation_id in acting:
        return None
    mandates = db.session.scalars(
        select(Mandate).where(
            Mandate.sponsor_id == batch.organisation_id,
            Mandate.intermediary_id.in_(sorted(acting)),
            Mandate.revoked_at.is_(None),
        )
    )
    today = clock.today()
    return frozenset(c for m in mandates if m.active_on(today) for c in m.category_set)


def _register_mains(
    organisation_id: int, numbers: set[str], categories: frozenset[Category] | None
) -> dict[str, object]:
    """For each passport number, the register's newest student or researcher application
    (within `categories`, when given) a family member can be filed with now, else why none:
    "not_main" (someone has that number but no such application) or "family_member" (they
    are themselves a family member)."""
    found: dict[str, object] = {}
    ordered = sorted(numbers)
    for start in range(0, len(ordered), LOOKUP_CHUNK):  # three statements per chunk
        persons = db.session.scalars(
            select(Person)
            .where(
                Person.organisation_id == organisation_id,
                Person.passport_number.in_(ordered[start : start + LOOKUP_CHUNK]),
            )
            .order_by(Person.id)
        ).all()
        candidates = filing.main_applications_of(persons)
        members = set(
            db.session.scalars(
                select(Application.person_id).where(
                    Application.person_id.in_(sorted(candidates)),
                    Application.kind.in_(FAMILY_KINDS),
                )
            )
        )
        for person in persons:
            mains = [
                m
                for m in candidates[person.id]
                if m.kind in MAIN_KINDS
                and (categories is None or m.category in categories)
                and filing.reason_not_fileable(m) is None
            ]
            if mains:
                found[person.passport_number] = mains[-1]
            elif not isinstance(found.get(person.passport_number), Application):
                member = person.id in members
                found[person.passport_number] = "family_member" if member else "not_main"
    return found


def resolve(batch: ImportBatch, pending: Pending) -> list[dict]:
    """Match each family row to its main application (data["main"]: ("file", the student's
    key) or ("register", the application's id); data["category"]: its category). A row that
    cannot be matched gets a problem in `family_of`; the rows that got their first problem
    are returned."""
    organisation_id = batch.organisation_id
    numbers = {
        data["family"].main_passport
        for _row, data in pending.rows
        if data["family"].main_passport and data["family"].main_passport not in pending.students
    }
    in_register = _register_mains(organisation_id, numbers - pending.members, scope(batch))
    members = people.find_existing(organisation_id, {_key(d) for _r, d in pending.rows})
    newly_wrong = []
    for row, data in pending.rows:
        number = data["family"].main_passport
        if number is None:  # the column itself is wrong: said so already
            continue
        if number in pending.students:
            data["main"], data["category"] = ("file", pending.students[number]), Category.STUDY
            continue
        main = "family_member" if number in pending.members else in_register.get(number)
        if isinstance(main, Application):
            member_id = members.get(_key(data))
            if member_id is None or filing.filed_already(main, member_id) is None:
                data["main"], data["category"] = ("register", main.id), main.category
                continue
            main = "filed"
        if _problem(row, main or "unknown", number):
            newly_wrong.append(row)
    return newly_wrong


def store(
    organisation: Organisation,
    actor: User,
    batch_id: int,
    pending: Pending,
    created_people: list[int],
    counts: dict,
) -> None:
    """After the students: the family members (created, or linked when registered) and a
    draft family application each, filed with its main application, with the answers the row
    carries. Counted as "family_members" (only when there are any)."""
    if not pending.rows:
        return
    existing = people.find_existing(organisation.id, {_key(d) for _r, d in pending.rows})
    new = {_key(d): register_data(d) for _r, d in pending.rows if _key(d) not in existing}
    made = people.create_people(organisation, list(new.values()), actor)
    existing.update(made)
    created_people.extend(made.values())
    students = {ref for _r, d in pending.rows if (ref := d["main"])[0] == "file"}
    file_mains = {
        (nationality, number): application
        for application, nationality, number in db.session.execute(
            select(Application, Person.nationality, Person.passport_number)
            .join(Person, Person.id == Application.person_id)
            .where(
                Application.import_batch_id == batch_id,
                Application.kind == ApplicationKind.STUDENT,
                Person.passport_number.in_(sorted({key[1] for _f, key in students})),
            )
        )
    }
    for _row, data in pending.rows:
        where, ref = data["main"]
        main = file_mains[ref] if where == "file" else db.session.get(Application, ref)
        member = db.session.get(Person, existing[_key(data)])
        application = filing.start_family(main, data["family"].kind, member, actor)
        application.answers = data["family"].answers
        application.import_batch_id = batch_id
    db.session.flush()
    counts["family_members"] = counts.get("family_members", 0) + len(pending.rows)
