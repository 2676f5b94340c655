"""Storing a checked student batch: the people (created, or linked when already registered) and
their draft student applications, all or nothing.

The web import stores in ONE transaction: any failure rolls it all back. An API batch (up to
50,000 rows) commits chunk by chunk instead, so that no transaction holds the database's write
lock for long (SQLite has one writer; other users keep working between chunks): what each chunk
created is on record in the batch (`result["created_people"]`, applications by
`import_batch_id`), and a failure — or the API client revoked between chunks — undoes every
earlier chunk, again in short transactions. Either way the batch ends stored whole or not at all.
"""

from flask import current_app
from flask_babel import force_locale
from sqlalchemy import delete, select, update

from portal import audit, clock
from portal.audit import AuditAction
from portal.bulk.student_rows import (
    answers_for,
    check_row,
    register_data,
    typed_cells,
    why_not_allowed,
)
from portal.extensions import db
from portal.formatting import BABEL_LOCALES
from portal.jobs import outbox
from portal.models import (
    ApiClient,
    Application,
    ApplicationKind,
    ImportBatch,
    ImportStatus,
    Person,
    StatusEvent,
    User,
)
from portal.models.base import utcnow
from portal.people import register as people
from portal.residence.filing import NotAllowed, start_many

UNDO_CHUNK = 1000


def speaking(language: str):
    """The language's locale as the pages use it (English: en_GB, so dates read 1 May 2026)."""
    return force_locale(BABEL_LOCALES.get(language, language))


def valid_rows(batch: ImportBatch) -> list[dict]:
    return [row for row in batch.rows or [] if not row.get("errors")]


class BatchCancelled(Exception):
    """The API client that sent the batch was revoked before the batch was stored."""


FAILURES = {NotAllowed: "not_allowed", BatchCancelled: "cancelled"}


def _client_revoked(client_id: int) -> bool:
    """Read now (a statement of its own sees a revocation committed since the batch began)."""
    revoked = db.session.execute(
        select(ApiClient.revoked_at).where(ApiClient.id == client_id)
    ).scalar_one()
    return revoked is not None


def _report_progress(batch_id: int, done: int) -> None:
    """The web import from a worker: progress on a connection of its own, outside the import's
    one transaction (inline nobody is waiting; SQLite has one writer, and it is the import)."""
    if not outbox.deferred() or db.engine.dialect.name == "sqlite":
        return
    with db.engine.begin() as connection:
        connection.execute(
            update(ImportBatch).where(ImportBatch.id == batch_id).values(done_rows=done)
        )


def import_batch(batch_id: int, actor_id: int) -> None:
    """Task: store the batch (in chunks when it came over the API); on any failure nothing
    stays and the batch is marked failed."""
    batch = db.session.get(ImportBatch, batch_id)
    if batch is None or batch.status != ImportStatus.IMPORTING:
        return
    chunked = batch.api_client_id is not None
    if chunked and _stored_before(batch):  # its worker died mid-import: start clean
        _undo(batch_id, [])
        batch = db.session.get(ImportBatch, batch_id)
        batch.done_rows, batch.result = 0, None
        db.session.commit()
    created_people: list[int] = []
    try:
        with speaking("en"):  # a worker has no request to take the language from
            result = _import_rows(batch, db.session.get(User, actor_id), created_people, chunked)
        db.session.flush()
        if chunked and _client_revoked(batch.api_client_id):
            raise BatchCancelled(batch_id)
    except Exception as error:  # any failure: nothing may stay half-imported
        db.session.rollback()
        if chunked:
            _undo(batch_id, created_people)
        batch = db.session.get(ImportBatch, batch_id)
        batch.status = ImportStatus.FAILED
        batch.failure = FAILURES.get(type(error), "error")
        batch.finished_at = utcnow()
        current_app.logger.exception("student import %s failed: nothing imported", batch_id)
        db.session.commit()
        return
    batch = db.session.get(ImportBatch, batch_id)
    batch.status = ImportStatus.IMPORTED
    batch.done_rows = batch.total_rows
    batch.result = result
    batch.finished_at = utcnow()
    db.session.commit()


def _stored_before(batch: ImportBatch) -> bool:
    """Chunks of this batch committed by an earlier run (a job run again after a crash)."""
    if (batch.result or {}).get("created"):
        return True
    return (
        db.session.scalar(
            select(Application.id).where(Application.import_batch_id == batch.id).limit(1)
        )
        is not None
    )


def _undo(batch_id: int, created_people: list[int]) -> None:
    """Delete what the committed chunks stored: the batch's applications with their status
    events, and the people it created (their creation stays in the append-only audit log,
    followed by this undo)."""
    batch = db.session.get(ImportBatch, batch_id)
    created_people = sorted(set(created_people) | set((batch.result or {}).get("created", [])))
    while True:
        ids = db.session.scalars(
            select(Application.id).where(Application.import_batch_id == batch_id).limit(UNDO_CHUNK)
        ).all()
        if not ids:
            break
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


def _import_rows(batch: ImportBatch, actor: User, created_people: list[int], chunked: bool):
    organisation = batch.organisation
    if why_not_allowed(organisation) is not None:
        raise NotAllowed(ApplicationKind.STUDENT)
    today = clock.today()
    chunk = current_app.config["IMPORT_CHUNK_ROWS"]
    batch_id, organisation_id, client_id = batch.id, organisation.id, batch.api_client_id
    created = linked = 0
    rows = valid_rows(batch)
    for start in range(0, len(rows), chunk):
        part = rows[start : start + chunk]
        checked = []
        for row in part:
            data, errors = check_row(row["values"], today)
            if errors:  # a rule changed since the preview (a date passed): stop, import nothing
                raise ValueError(f"row {row['line']} is no longer valid")
            checked.append(data)
        if chunked and _client_revoked(client_id):
            raise BatchCancelled(batch_id)
        # Who is in the register now (also anyone added one by one since the preview).
        keys = {(data["nationality"], data["passport_number"]) for data in checked}
        existing = people.find_existing(organisation_id, keys)
        new = [d for d in checked if (d["nationality"], d["passport_number"]) not in existing]
        for person in people.create_people(organisation, [register_data(d) for d in new], actor):
            existing[(person.nationality, person.passport_number)] = person.id
            created_people.append(person.id)
        created += len(new)
        linked += len(part) - len(new)
        start_many(
            organisation,
            ApplicationKind.STUDENT,
            actor,
            [
                {
                    "person_id": existing[(data["nationality"], data["passport_number"])],
                    "answers": answers_for(typed_cells(row["values"])),
                    "import_batch_id": batch_id,
                }
                for row, data in zip(part, checked)
            ],
        )
        db.session.flush()
        if chunked:  # commit the chunk, with a record of whom it created (for an undo)
            stored = db.session.get(ImportBatch, batch_id)
            stored.done_rows = start + len(part)
            stored.result = {"created": list(created_people)}
            db.session.commit()
            organisation, actor = stored.organisation, db.session.get(User, actor.id)
        else:
            _report_progress(batch_id, start + len(part))
    audit.record(
        AuditAction.STUDENT_IMPORT_IMPORTED,
        actor=actor,
        organisation=organisation,
        target=db.session.get(ImportBatch, batch_id),
        details={"created": created, "linked": linked, "applications": len(rows)},
    )
    return {"created": created, "linked": linked, "applications": len(rows)}
