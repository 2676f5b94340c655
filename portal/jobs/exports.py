"""Large exports (issue 21): all of an organisation's letters as a ZIP (the PDFs and an
index.csv, as the inbox's ZIP) or its people register as CSV (up to the 50,000 a student
import may bring), made by a job with its progress on record; the file is kept with the
export until downloaded. Only the member who asked sees it (portal/blueprints/exports/)."""

import io

from flask_babel import force_locale
from sqlalchemy import select, update

from portal import audit
from portal.audit import AuditAction
from portal.csv_io import csv_line_writer
from portal.extensions import db
from portal.formatting import BABEL_LOCALES
from portal.jobs import outbox
from portal.letters.inbox import zip_stream
from portal.models import (
    Export,
    ExportKind,
    ExportStatus,
    Job,
    JobStatus,
    Letter,
    Organisation,
    Person,
    User,
)
from portal.models.base import utcnow
from portal.people import export as people_rows

CHUNK = 1000


def _ids(kind: ExportKind, organisation_id: int) -> list[int]:
    if kind == ExportKind.PEOPLE_CSV:
        query = select(Person.id).where(Person.organisation_id == organisation_id)
        query = query.order_by(Person.sort_key, Person.id)
    else:
        query = select(Letter.id).where(Letter.organisation_id == organisation_id)
        query = query.order_by(Letter.issued_at.desc(), Letter.id.desc())
    return list(db.session.scalars(query))


def request_export(
    organisation: Organisation, user: User, kind: ExportKind, language: str
) -> Export:
    """The export and its job, in the caller's transaction (without a worker it is made now)."""
    export = Export(
        organisation_id=organisation.id,
        requested_by_id=user.id,
        kind=kind,
        status=ExportStatus.QUEUED,
        total=len(_ids(kind, organisation.id)),
        done=0,
    )
    db.session.add(export)
    db.session.flush()
    audit.record(
        AuditAction.EXPORT_REQUESTED,
        actor=user,
        organisation=organisation,
        target=export,
        details={"kind": kind.value, "rows": export.total},
    )
    outbox.enqueue(make, export.id, language, key=_key(export.id))
    return export


def _key(export_id: int) -> str:
    return f"export:{export_id}"


def failed(export: Export) -> bool:
    """Its job gave up (listed for staff, who may retry it)."""
    status = db.session.scalar(select(Job.status).where(Job.key == _key(export.id)))
    return status == JobStatus.FAILED


def _progress(export_id: int, done: int) -> None:
    db.session.execute(update(Export).where(Export.id == export_id).values(done=done))
    db.session.commit()


def make(export_id: int, language: str) -> None:
    """The job: make the file (again from the start after a crash); a ready one is kept."""
    export = db.session.get(Export, export_id)
    if export is None or export.status == ExportStatus.READY:
        return
    kind, organisation_id = export.kind, export.organisation_id
    export.status, export.done = ExportStatus.RUNNING, 0
    db.session.commit()
    ids = _ids(kind, organisation_id)
    with force_locale(BABEL_LOCALES.get(language, language)):
        if kind == ExportKind.PEOPLE_CSV:
            content = _people_csv(export_id, ids)
        else:
            content = b"".join(zip_stream(ids, progress=lambda n: _progress(export_id, n)))
    export = db.session.get(Export, export_id)
    export.content, export.size = content, len(content)
    export.status, export.total, export.done = ExportStatus.READY, len(ids), len(ids)
    export.finished_at = utcnow()
    db.session.commit()


def _people_csv(export_id: int, ids: list[int]) -> bytes:
    out, line = io.StringIO(), csv_line_writer()
    out.write("\ufeff" + line(people_rows.header()))  # UTF-8 with BOM, as every CSV here
    for start in range(0, len(ids), CHUNK):
        part = ids[start : start + CHUNK]
        people = {p.id: p for p in db.session.scalars(select(Person).where(Person.id.in_(part)))}
        out.writelines(line(people_rows.row(people[i])) for i in part if i in people)
        _progress(export_id, start + len(part))
    return out.getvalue().encode("utf-8")


def downloaded(export: Export, user: User) -> None:
    audit.record(
        AuditAction.EXPORT_DOWNLOADED,
        actor=user,
        organisation=export.organisation,
        target=export,
        details={"kind": export.kind.value},
    )
