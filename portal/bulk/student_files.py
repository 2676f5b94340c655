"""A student file before its rows are checked: read with the organisation's remembered column
mapping (portal/bulk/headers.py); a file with headers nobody knows yet is stored to be mapped
by the user first, then read again with their choices (remembered for next time)."""

from flask import current_app

from portal import audit
from portal.audit import AuditAction
from portal.bulk import headers, reading
from portal.extensions import db
from portal.models import ImportBatch, ImportStatus, Organisation, User


def read_file(organisation: Organisation, filename: str, data: bytes) -> reading.Table:
    """The file's rows (raises CsvRejected, or UnknownColumns for headers to map first), read
    with the organisation's remembered column mapping."""
    kind, rows = _read(organisation, filename, data)
    return reading.Table(rows=list(rows), kind=kind)


def read_file_rows(organisation: Organisation, filename: str, data: bytes):
    """read_file's rows one at a time (raising as read_file does, the rows' errors as they
    are reached): for a batch of up to 50,000 rows that is written out row by row."""
    return _read(organisation, filename, data)[1]


def _read(organisation: Organisation, filename: str, data: bytes):
    config = current_app.config
    return reading.read_rows(
        data,
        filename,
        max_bytes=config["IMPORT_MAX_BYTES"],
        max_rows=config["IMPORT_MAX_ROWS"],
        mapping=headers.remembered(organisation.id),
    )


def create_unmapped(
    organisation: Organisation, actor: User, filename: str, data: bytes, unknown: list
) -> ImportBatch:
    """Store a file whose headers are not all known, for the user to map them first."""
    batch = ImportBatch(
        organisation_id=organisation.id,
        created_by_id=actor.id,
        filename=(filename or "upload.csv")[:255],
        upload=data,
        status=ImportStatus.MAPPING,
        rows=[],
        result={"unknown": [[position, header] for position, header in unknown]},
    )
    db.session.add(batch)
    db.session.flush()
    return batch


def apply_mapping(batch: ImportBatch, actor: User, choices: dict[str, str]) -> None:
    """Remember the user's column per header for the organisation, read the file with it
    (raises CsvRejected) and store its rows, to be checked."""
    headers.remember(batch.organisation_id, choices)
    db.session.flush()
    rows = read_file(batch.organisation, batch.filename, batch.upload).rows
    batch.rows = [{"line": line, "values": values} for line, values in rows]
    batch.total_rows = len(rows)
    batch.result = None
    batch.status = ImportStatus.VALIDATING
    audit.record(
        AuditAction.STUDENT_IMPORT_UPLOADED,
        actor=actor,
        organisation=batch.organisation,
        target=batch,
        details={"rows": batch.total_rows, "columns_mapped": sorted(choices)},
    )
