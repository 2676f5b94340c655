"""Storing a checked student batch: the people (created, or linked when already registered) and
their draft student applications, all or nothing.

A web import (after its preview) and an API batch (portal/bulk/one_pass.py), up to 50,000 rows
each, commit chunk by chunk, so that no transaction holds the database's write lock for long
(SQLite has one writer; other users keep working between chunks, `let_waiting_writers_in`):
what each chunk created is on record in the batch (`result["created_ranges"]`, applications by
`import_batch_id`), and a failure — or the API client revoked between chunks — undoes every
earlier chunk (`undo`), again in short transactions. Either way the batch ends stored whole or
not at all.
"""

from flask import current_app
from sqlalchemy import delete, select, text

from portal import audit, clock
from portal.audit import AuditAction
from portal.bulk import family_import
from portal.bulk.batch_rows import chunks, iter_rows
from portal.bulk.languages import speaking
from portal.bulk.student_rows import (
    answers_for,
    check_row,
    register_data,
    typed_cells,
    why_not_allowed,
)
from portal.extensions import db
from portal.models import (
    ApiClient,
    Application,
    ApplicationKind,
    FamilyLink,
    ImportBatch,
    ImportStatus,
    Person,
    StatusEvent,
    User,
)
from portal.models.base import utcnow
from portal.people import register as people
from portal.residence.filing import NotAllowed, start_imported
from portal.setup import let_waiting_writers_in

UNDO_CHUNK = 1000


def valid_rows(batch: ImportBatch) -> list[dict]:
    return [row for row in batch.rows or [] if not row.get("errors")]


class BatchCancelled(Exception):
    """The API client that sent the batch was revoked before the batch was stored."""


FAILURES = {NotAllowed: "not_allowed", BatchCancelled: "cancelled"}


def id_ranges(ids: list[int]) -> list[list[int]]:
    """Ids as [first, last] runs: a batch's people are mostly consecutive, so the record of
    whom it created stays small however many it created (it is rewritten after every chunk)."""
    runs: list[list[int]] = []
    for i in sorted(ids):
        if runs and i == runs[-1][1] + 1:
            runs[-1][1] = i
        else:
            runs.append([i, i])
    return runs


def ids_in(runs: list[list[int]]) -> list[int]:
    return [i for first, last in runs for i in range(first, last + 1)]


def client_revoked(client_id: int) -> bool:
    """Read now (a statement of its own sees a revocation committed since the batch began)."""
    revoked = db.session.execute(
        select(ApiClient.revoked_at).where(ApiClient.id == client_id)
    ).scalar_one()
    return revoked is not None


def commit_chunk(batch_id: int, actor: User, done: int, error_rows: int, created_people: list[int]):
    """Progress, problems so far and whom the batch created (for an undo), committed after
    each chunk; then, on SQLite, a pause for requests waiting to write. (organisation, actor)
    again after the commit."""
    batch = db.session.get(ImportBatch, batch_id)
    batch.done_rows = done
    batch.error_rows = error_rows
    batch.result = {"created_ranges": id_ranges(created_people)}
    db.session.commit()
    let_waiting_writers_in()
    return batch.organisation, db.session.get(User, actor.id)


def import_batch(batch_id: int, actor_id: int) -> None:
    """Task: store a confirmed web import, chunk by chunk; on any failure what earlier chunks
    stored is undone and the batch is marked failed."""
    batch = db.session.get(ImportBatch, batch_id)
    if batch is None or batch.status != ImportStatus.IMPORTING:
        return
    created_people: list[int] = []
    try:
        with speaking("en"):  # a worker has no request to take the language from
            result = _import_rows(batch, db.session.get(User, actor_id), created_people)
        db.session.flush()
    except Exception as error:  # any failure: nothing may stay half-imported
        fail(batch_id, created_people, error)
        return
    batch = db.session.get(ImportBatch, batch_id)
    batch.status = ImportStatus.IMPORTED
    batch.done_rows = batch.total_rows
    batch.result = result
    batch.finished_at = utcnow()
    db.session.commit()


def fail(batch_id: int, created_people: list[int] | None, error: Exception) -> None:
    """After any failure: roll back, undo what committed chunks stored (when the batch was
    stored in chunks: `created_people` not None) and mark the batch failed."""
    db.session.rollback()
    if created_people is not None:
        undo(batch_id, created_people)
    batch = db.session.get(ImportBatch, batch_id)
    batch.status = ImportStatus.FAILED
    batch.failure = FAILURES.get(type(error), "error")
    batch.finished_at = utcnow()
    current_app.logger.exception("student import %s failed: nothing imported", batch_id)
    db.session.commit()


def undo(batch_id: int, created_people: list[int]) -> None:
    """Delete what the committed chunks stored: the batch's applications with their status
    events, and the people it created (their creation stays in the append-only audit log,
    followed by this undo)."""
    batch = db.session.get(ImportBatch, batch_id)
    stored = (batch.result or {}).get("created_ranges", [])
    created_people = sorted(set(created_people) | set(ids_in(stored)))
    while True:
        ids = db.session.scalars(
            select(Application.id).where(Application.import_batch_id == batch_id).limit(UNDO_CHUNK)
        ).all()
        if not ids:
            break
        db.session.execute(
            delete(FamilyLink).where(
                FamilyLink.application_id.in_(ids) | FamilyLink.main_application_id.in_(ids)
            )
        )
        db.session.execute(delete(StatusEvent).where(StatusEvent.application_id.in_(ids)))
        db.session.execute(delete(Application).where(Application.id.in_(ids)))
        db.session.commit()
    for start in range(0, len(created_people), UNDO_CHUNK):
        part = created_people[start : start + UNDO_CHUNK]
        db.session.execute(delete(Person).where(Person.id.in_(part)))
        db.session.commit()
    batch = db.session.get(ImportBatch, batch_id)
    audit.record(
        AuditAction.STUDENT_IMPORT_UNDONE,
        organisation=batch.organisation,
        target=batch,
        details={"people_removed": len(created_people)},
    )
    db.session.commit()


def keep_statistics(stored: int, analysed: int) -> int:
    """PostgreSQL: refresh the planner's statistics of the tables a batch grows each time it
    has doubled them (autovacuum analyses at most once a minute). With statistics from before
    the batch, the look-ups per chunk (people by passport, the chunk's drafts) would scan the
    register instead of using its unique index, and a batch would slow down as it grows."""
    if db.engine.dialect.name != "postgresql" or stored < 2 * analysed:
        return analysed
    db.session.execute(text("ANALYZE person, application"))
    return max(stored, 1)


def _import_rows(batch: ImportBatch, actor: User, created_people: list[int]) -> dict:
    organisation, batch_id = batch.organisation, batch.id
    if why_not_allowed(organisation) is not None:
        raise NotAllowed(ApplicationKind.STUDENT)
    today = clock.today()
    chunk = current_app.config["IMPORT_CHUNK_ROWS"]
    counts = {"created": 0, "linked": 0, "applications": 0}
    analysed = 0
    family = family_import.Pending()
    rows = (row for row in iter_rows(batch_id) if not row.get("errors"))
    for part in chunks(rows, chunk):
        checked = []
        for row in part:
            data, errors = check_row(row["values"], today)
            if errors:  # a rule changed since the preview (a date passed): stop, import nothing
                raise ValueError(f"row {row['line']} is no longer valid")
            checked.append(data)
            family.note(row, data)
        store_chunk(organisation, actor, batch_id, part, checked, created_people, counts)
        analysed = keep_statistics(counts["applications"], analysed)
        done = counts["applications"]
        organisation, actor = commit_chunk(batch_id, actor, done, 0, created_people)
    # The register may have changed since the preview: then import nothing.
    if family_import.resolve(db.session.get(ImportBatch, batch_id), family):
        raise ValueError("a family member's main application is no longer there")
    family_import.store(organisation, actor, batch_id, family, created_people, counts)
    record_imported(batch_id, actor, organisation, counts)
    return counts


def record_imported(batch_id: int, actor: User, organisation, counts: dict) -> None:
    audit.record(
        AuditAction.STUDENT_IMPORT_IMPORTED,
        actor=actor,
        organisation=organisation,
        target=db.session.get(ImportBatch, batch_id),
        details=dict(counts),
    )


def store_chunk(
    organisation,
    actor: User,
    batch_id: int,
    part: list[dict],
    checked: list[dict],
    created_people: list[int],
    counts: dict,
) -> None:
    """Store checked rows: their people (created, or linked when already registered, also
    anyone added one by one since the check) and a draft student application each. Family
    members' rows are left for family_import.store, once every student is stored."""
    pairs = [(row, data) for row, data in zip(part, checked) if "family" not in data]
    part, checked = [row for row, _d in pairs], [data for _r, data in pairs]
    if not part:
        return
    existing = people.find_existing(organisation.id, {_key(data) for data in checked})
    new = [
        register_data(d)
        for d in checked
        if (d["nationality"], d["passport_number"]) not in existing
    ]
    made = people.create_people(organisation, new, actor)
    existing.update(made)
    created_people.extend(made.values())
    drafts = {
        existing[_key(data)]: answers_for(typed_cells(row["values"]))
        for row, data in zip(part, checked)
    }
    if len(drafts) != len(part):  # one draft per student: the check refused duplicates
        raise ValueError("the same student twice in one chunk")
    start_imported(organisation, ApplicationKind.STUDENT, actor, batch_id, drafts)
    counts["created"] += len(new)
    counts["linked"] += len(part) - len(new)
    counts["applications"] += len(part)


def _key(data: dict) -> tuple[str, str]:
    return data["nationality"], data["passport_number"]
