"""Batches of student registrations over the API (issue 18): the body (JSON lines, CSV or XLSX)
is read in the request and stored as an ImportBatch; checking and storing run as ONE job
outside the request — a job in the outbox (portal/jobs/), on RQ when REDIS_URL is set, else
picked up by `flask jobs work` or `flask batches work` — with the web import's services
(portal/bulk/student_import.py): the same rules, checked and stored chunk by chunk in one pass
(portal/bulk/one_pass.py), all or nothing. A client revoked before the batch is stored cancels
it as a whole. When it ends, "batch.finished" is published (portal/api/events.py)."""

import io
import json

from flask import current_app
from flask_babel import force_locale
from sqlalchemy import update

from portal.api import events
from portal.api.problems import Problem
from portal.bulk import one_pass, storing, student_import
from portal.bulk.reading import TooManyRows, UnknownColumns, kind_of
from portal.bulk.student_files import read_file_rows
from portal.bulk.student_rows import COLUMNS
from portal.csv_io import CsvRejected
from portal.extensions import db
from portal.jobs import outbox, worker
from portal.models import ApiClient, ImportBatch, ImportStatus, Organisation
from portal.models.base import utcnow

JSON_LINES = ("application/jsonl", "application/x-ndjson", "application/json-lines")
CSV = "text/csv"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FILENAMES = {CSV: "batch.csv", XLSX: "batch.xlsx"}
MAX_PROBLEMS = 1000  # in one answer; problems_total counts them all
MAX_BODY_ERRORS = 100


def _write_row(stored: bytearray, count: int, number: int, values: dict) -> None:
    """One row as stored JSON text, ASCII-escaped (one byte per character, whatever the names)."""
    if count:
        stored += b","
    stored += json.dumps({"line": number, "values": values}).encode("ascii")


def _json_lines(data: bytes, max_rows: int) -> tuple[int, bytearray]:
    """(rows, the rows as stored JSON text, UTF-8) of a JSON lines body, or Problem 400/413
    with the path of each bad line. Each row is written out as soon as it is checked: no
    object per row stays in memory (a batch has up to 50,000), and the text exists once, as
    the bytes the database is sent (no list of row strings joined, no encoding copy)."""
    stored, count, errors = bytearray(b"["), 0, []
    lines = io.BytesIO(data.removeprefix(b"\xef\xbb\xbf"))
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            line = line.decode("utf-8")
        except UnicodeDecodeError:
            errors.append({"pointer": f"/{number}", "code": "utf8_expected"})
            continue
        if count >= max_rows:
            raise Problem(413, "too_many_rows", [{"pointer": f"/{number}", "code": "limit"}])
        try:
            value = json.loads(line)
        except ValueError:
            errors.append({"pointer": f"/{number}", "code": "malformed_json"})
            continue
        if not isinstance(value, dict):
            errors.append({"pointer": f"/{number}", "code": "object_expected"})
            continue
        for name, cell in sorted(value.items()):
            if name not in COLUMNS:
                errors.append({"pointer": f"/{number}/{name}", "code": "unknown_field"})
            elif cell is not None and not isinstance(cell, str):
                errors.append({"pointer": f"/{number}/{name}", "code": "string_expected"})
        cells = {n: c.strip() if isinstance(c := value.get(n), str) else "" for n in COLUMNS}
        _write_row(stored, count, number, cells)
        count += 1
        if len(errors) >= MAX_BODY_ERRORS:
            break
    if errors:
        raise Problem(400, "invalid_body", errors[:MAX_BODY_ERRORS])
    if not count:
        raise Problem(400, "invalid_body", [{"pointer": "", "code": "empty"}])
    stored += b"]"
    return count, stored


def read_body(organisation: Organisation, media_type: str, data: bytes) -> tuple[int, bytearray]:
    """(rows, the rows as stored JSON text, UTF-8) of a CSV or XLSX body, written out row by
    row as read; Problem for anything that cannot be a batch."""
    if media_type not in FILENAMES:
        raise Problem(415, "unsupported_media_type", [{"pointer": "/headers/Content-Type"}])
    try:
        kind_of(data, FILENAMES[media_type])
    except CsvRejected as rejected:
        raise Problem(
            415,
            "content_mismatch",
            [{"pointer": "/headers/Content-Type", "code": "mismatch", "detail": str(rejected)}],
        ) from None
    stored, count = bytearray(b"["), 0
    try:
        for number, values in read_file_rows(organisation, FILENAMES[media_type], data):
            _write_row(stored, count, number, values)
            count += 1
    except TooManyRows as rejected:
        raise Problem(413, "too_many_rows", [{"pointer": "", "detail": str(rejected)}]) from None
    except UnknownColumns as unknown:
        errors = [
            {"pointer": f"/columns/{position}", "code": "unknown_column", "detail": header}
            for position, header in unknown.unknown
        ]
        raise Problem(422, "unknown_columns", errors) from None
    except CsvRejected as rejected:
        raise Problem(400, "unreadable_file", [{"pointer": "", "detail": str(rejected)}]) from None
    stored += b"]"
    return count, stored


def submit(organisation: Organisation, client: ApiClient, media_type: str, data: bytes):
    """Store the batch with its job (the caller commits)."""
    if media_type in JSON_LINES:
        # JSON lines are kept as the rows only (the same content); a file is kept as sent.
        count, text = _json_lines(data, current_app.config["IMPORT_MAX_ROWS"])  # UTF-8 bytes
        batch = student_import.create_batch(
            organisation,
            client.created_by,
            "batch.jsonl",
            b"",
            rows=(count, text),
            api_client_id=client.id,
        )
    else:
        rows = read_body(organisation, media_type, data)  # refuses a media type it cannot read
        batch = student_import.create_batch(
            organisation,
            client.created_by,
            FILENAMES[media_type],
            data,
            rows=rows,
            api_client_id=client.id,
        )
    # Always a worker's job (RQ, or `flask jobs work` / `flask batches work`), never inline.
    outbox.enqueue(run, batch.id, inline=False)
    return batch


def _cancel(batch: ImportBatch) -> None:
    batch.status = ImportStatus.FAILED
    batch.failure = "cancelled"
    batch.finished_at = utcnow()
    db.session.commit()


def run(batch_id: int) -> None:
    """The job: check every row; if all are right, store them all (or none). Run again after
    its worker died, it carries on from the batch's state: a check starts over, an import
    undoes the chunks stored before storing again — the batch ends stored once, or not."""
    batch = db.session.get(ImportBatch, batch_id)
    if batch.claimed_at is None:
        batch.claimed_at = utcnow()
        db.session.commit()
    if batch.status == ImportStatus.IMPORTING:  # its worker died part-way: start clean
        storing.undo(batch_id, [])
        batch = db.session.get(ImportBatch, batch_id)
        batch.status, batch.done_rows, batch.error_rows, batch.result = (
            ImportStatus.VALIDATING,
            0,
            0,
            None,
        )
        db.session.commit()
    if batch.status == ImportStatus.VALIDATING:
        if batch.api_client is None or batch.api_client.revoked_at is not None:
            _cancel(batch)
        else:
            one_pass.check_and_store(batch_id)
    _announce(batch_id)


def _announce(batch_id: int) -> None:
    """ "batch.finished", once: marked by compare-and-set in the transaction that stores the
    deliveries (portal/api/events.py), so a run after a crash does not send it twice."""
    marked = db.session.execute(
        update(ImportBatch)
        .where(ImportBatch.id == batch_id, ImportBatch.announced_at.is_(None))
        .values(announced_at=utcnow())
    )
    if marked.rowcount == 1:
        batch = db.session.get(ImportBatch, batch_id)
        events.publish(
            batch.organisation,
            events.BATCH_FINISHED,
            {"batch_id": batch.id, "status": status(batch)},
        )
    db.session.commit()


def work() -> int:
    """Run every queued batch job, oldest first (the `flask batches work` command)."""
    return worker.work(tasks=[outbox.task_path(run)])


def status(batch: ImportBatch) -> str:
    if batch.status == ImportStatus.VALIDATING:
        return "queued" if batch.claimed_at is None else "checking"
    if batch.status == ImportStatus.VALIDATED:
        return "rejected" if batch.error_rows else "checking"
    if batch.status == ImportStatus.FAILED:
        return "cancelled" if batch.failure == "cancelled" else "failed"
    return {ImportStatus.IMPORTING: "importing", ImportStatus.IMPORTED: "succeeded"}[batch.status]


def _problems(batch: ImportBatch, language: str) -> list[dict]:
    problems = []
    for row in batch.rows or []:
        errors = (row.get("errors") or {}).get(language[:2]) or {}
        codes = row.get("codes") or {}
        for field, message in errors.items():
            problems.append(
                {
                    "row": row["line"],
                    "student": student_import.student_name(row["values"]),
                    "field": field,
                    "code": codes.get(field, "invalid"),
                    "message": message,
                }
            )
    return problems


def as_json(batch: ImportBatch, language: str) -> dict:
    state = status(batch)
    body = {
        "id": batch.id,
        "status": state,
        "total_rows": batch.total_rows,
        "done_rows": batch.done_rows,
        "error_rows": batch.error_rows,
        "created_at": batch.created_at.isoformat(),
        "finished_at": batch.finished_at.isoformat() if batch.finished_at else None,
        "result": batch.result if state == "succeeded" else None,
        "problems": [],
        "problems_total": 0,
    }
    if state == "rejected":
        with force_locale(language):
            problems = _problems(batch, language)
        body["problems"] = problems[:MAX_PROBLEMS]
        body["problems_total"] = len(problems)
    return body
