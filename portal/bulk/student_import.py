"""Bulk student registration: a university uploads a CSV, every row is checked with the same
rules as the one-by-one forms (the people register's and the student application's), a preview
shows the valid rows and every problem, and confirming creates the people and their student
applications (drafts) chunk by chunk — all or nothing (a failure undoes the stored chunks).

The upload is stored as an ImportBatch; checking and importing run as background tasks
(portal/jobs/: written with the upload or the confirmation when a worker runs them, inline
after the commit otherwise), chunk by chunk, with progress.
"""

from datetime import date

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select, update
from sqlalchemy.orm.attributes import flag_modified

from portal import audit, clock
from portal.audit import AuditAction
from portal.bulk import family_import
from portal.bulk.batch_rows import chunks, iter_rows, store_text
from portal.bulk.languages import LANGUAGES
from portal.bulk.languages import speaking as _speaking
from portal.bulk.storing import import_batch
from portal.bulk.student_files import read_file
from portal.bulk.student_rows import (
    check_row,
)
from portal.extensions import db
from portal.jobs import outbox
from portal.models import (
    Application,
    ApplicationKind,
    ImportBatch,
    ImportStatus,
    Organisation,
    User,
)
from portal.models.application import OPEN_STATUSES
from portal.models.base import utcnow
from portal.people import register as people

# --- the batch: upload, check in chunks, import in chunks (all or nothing) ---------------


def create_batch(
    organisation: Organisation,
    actor: User,
    filename: str,
    data: bytes,
    rows: list[tuple[int, dict]] | tuple[int, bytes | bytearray] | None = None,
    api_client_id: int | None = None,
) -> ImportBatch:
    """Store the file with its rows (read here unless given; or given as their count and their
    stored JSON text in UTF-8, as the API writes its batches), to be checked."""
    if rows is None:
        rows = read_file(organisation, filename, data).rows
    written = isinstance(rows, tuple)
    batch = ImportBatch(
        organisation_id=organisation.id,
        created_by_id=actor.id,
        filename=(filename or "upload.csv")[:255],
        upload=data,
        status=ImportStatus.VALIDATING,
        total_rows=rows[0] if written else len(rows),
        done_rows=0,
        rows=[] if written else [{"line": line, "values": values} for line, values in rows],
        api_client_id=api_client_id,
    )
    db.session.add(batch)
    db.session.flush()
    if written:
        store_text(batch, rows[1])
    audit.record(
        AuditAction.STUDENT_IMPORT_UPLOADED,
        actor=actor,
        organisation=organisation,
        target=batch,
        details={"rows": batch.total_rows},
    )
    return batch


def queue_check(batch: ImportBatch) -> None:
    """Before the upload is committed: with a worker, the check's job is written with it."""
    if outbox.deferred():
        outbox.enqueue(check_batch, batch.id)


def check_unless_queued(batch: ImportBatch) -> None:
    """After the commit, without a worker (the embedded default): check the rows now."""
    if not outbox.deferred():
        check_batch(batch.id)


def _errors_in_both_languages(values: dict, today: date, first: dict[str, str], language: str):
    errors = {language: first}
    for other in LANGUAGES:
        if other != language:
            with _speaking(other):
                errors[other] = check_row(values, today)[1]
    return errors


def check_batch(batch_id: int, today: date | None = None) -> None:
    """Task: check every row, chunk by chunk, committing progress after each chunk."""
    batch = db.session.get(ImportBatch, batch_id)
    if batch is None or batch.status != ImportStatus.VALIDATING:
        return
    try:
        _check_rows(batch, today or clock.today())
    except Exception:  # the check stopped: say so, rather than "being checked" for ever
        db.session.rollback()
        current_app.logger.exception("checking student import %s failed", batch_id)
        batch = db.session.get(ImportBatch, batch_id)
        batch.status = ImportStatus.FAILED
        batch.failure = "error"
        batch.finished_at = utcnow()
        db.session.commit()


def _check_rows(batch: ImportBatch, today: date) -> None:
    """Progress (done and error rows) is committed after every chunk, the rows with their
    problems once at the end: rewriting them per chunk would cost the square of the rows.
    The rows are read one chunk at a time (portal/bulk/batch_rows.py); a web batch keeps every
    row for its preview."""
    batch_id, organisation_id = batch.id, batch.organisation_id
    chunk = current_app.config["IMPORT_CHUNK_ROWS"]
    kept: list[dict] = []
    seen: dict[tuple[str, str], int] = {}
    family = family_import.Pending()
    done = error_rows = 0
    for part in chunks(iter_rows(batch_id), chunk):
        error_rows += check_chunk(part, today, organisation_id, seen, family)[1]
        kept.extend(part)
        done += len(part)
        batch = db.session.get(ImportBatch, batch_id)
        batch.done_rows = done
        batch.error_rows = error_rows
        db.session.commit()
    error_rows += len(family_import.resolve(db.session.get(ImportBatch, batch_id), family))
    db.session.get(ImportBatch, batch_id).error_rows = error_rows
    finish_check(batch_id, kept)


def finish_check(batch_id: int, rows: list[dict]) -> None:
    """The checked rows (with their problems) written back once; the batch is checked."""
    batch = db.session.get(ImportBatch, batch_id)
    batch.rows = rows
    flag_modified(batch, "rows")
    batch.status = ImportStatus.VALIDATED
    db.session.commit()


def check_chunk(
    part: list[dict],
    today: date,
    organisation_id: int,
    seen: dict[tuple[str, str], int],
    family: family_import.Pending,
) -> tuple[list[dict], int]:
    """Check a chunk of rows with the forms' rules, against the register (a student with an
    open student application) and the rows before (`seen`: the same person twice). A row
    with problems gets them ("errors" in both languages, "codes"); (each row's clean data,
    how many rows have problems). Family members' rows are noted in `family`, to be matched
    to their main applications once every row is read (family_import.resolve)."""
    results = []
    with _speaking("en"):
        for row in part:
            results.append(check_row(row["values"], today))
    linked = people.find_existing(
        organisation_id,
        {(data["nationality"], data["passport_number"]) for data, _e in results},
    )
    open_cases = _open_student_cases(organisation_id, set(linked.values()))
    error_rows = 0
    for row, (data, errors) in zip(part, results):
        family.note(row, data)
        key = (data["nationality"], data["passport_number"])
        extra = {}
        if all(key):
            if key in seen:
                extra["passport_number"] = ("duplicate", seen[key])
            else:
                seen[key] = row["line"]
                row["person_id"] = linked.get(key)
                if row["person_id"] in open_cases and "family" not in data:
                    extra["passport_number"] = ("open_case", None)
        if errors or extra:
            both = _errors_in_both_languages(row["values"], today, errors, "en")
            for language in LANGUAGES:
                with _speaking(language):
                    for column, (kind, line) in extra.items():
                        both[language].setdefault(column, _duplicate_message(kind, line))
            row["errors"] = both
            row["codes"] = _codes(row["values"], errors, extra)
            row["person_id"] = None
            error_rows += 1
    return [data for data, _errors in results], error_rows


def _codes(values: dict, errors: dict, extra: dict) -> dict[str, str]:
    """A stable code per column with a problem (for the API): missing, invalid, duplicate,
    open_case."""
    codes = {
        column: "missing" if not str(values.get(column) or "").strip() else "invalid"
        for column in errors
    }
    codes.update({column: kind for column, (kind, _line) in extra.items()})
    return codes


def _duplicate_message(kind: str, line: int | None) -> str:
    if kind == "duplicate":
        return _(
            "The same passport number and nationality as row %(line)d: register each student once",
            line=line,
        )
    return _(
        "This student is already in the register with a student application that is still "
        "open: it was not added again"
    )


def _open_student_cases(organisation_id: int, person_ids: set[int]) -> set[int]:
    if not person_ids:
        return set()
    return set(
        db.session.scalars(
            select(Application.person_id).where(
                Application.organisation_id == organisation_id,
                Application.kind == ApplicationKind.STUDENT,
                Application.status.in_(OPEN_STATUSES),
                Application.person_id.in_(sorted(person_ids)),
            )
        )
    )


def student_name(values: dict) -> str:
    """The row's student as the problem list names them: given names and surname."""
    return " ".join(v for v in (values.get("given_names"), values.get("surname")) if v)


def error_list(batch: ImportBatch, language: str) -> list[tuple[int, str, str, str, str]]:
    """Every problem as (row, student, column, value, message), in file order."""
    problems = []
    for row in batch.rows or []:
        errors = (row.get("errors") or {}).get(language) or {}
        values = row["values"]
        for column, message in errors.items():
            problems.append(
                (row["line"], student_name(values), column, values.get(column, ""), message)
            )
    return problems


class AlreadyConfirmed(Exception):
    pass


def confirm(batch: ImportBatch, actor: User) -> None:
    """Mark a checked, error-free batch for import (compare-and-set: once), then import it."""
    claimed = db.session.execute(
        update(ImportBatch)
        .where(
            ImportBatch.id == batch.id,
            ImportBatch.status == ImportStatus.VALIDATED,
            ImportBatch.error_rows == 0,
        )
        .values(status=ImportStatus.IMPORTING, done_rows=0, confirmed_by_id=actor.id)
    )
    if claimed.rowcount != 1:
        raise AlreadyConfirmed(batch.id)
    audit.record(
        AuditAction.STUDENT_IMPORT_CONFIRMED,
        actor=actor,
        organisation=batch.organisation,
        target=batch,
        details={"rows": batch.total_rows},
    )


def queue_import(batch: ImportBatch, actor: User) -> None:
    """Before the confirmation is committed: with a worker, the import's job goes with it."""
    if outbox.deferred():
        outbox.enqueue(import_batch, batch.id, actor.id)


def import_unless_queued(batch: ImportBatch, actor: User) -> None:
    """After the commit, without a worker: import now."""
    if not outbox.deferred():
        import_batch(batch.id, actor.id)
