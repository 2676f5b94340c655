"""An API batch in one pass (issue 18: 50,000 rows within a minute): each chunk of rows is
checked with the web import's rules (student_import.check_chunk) and, while no row so far has
a problem, stored at once from the clean data that check produced (storing.store_chunk) —
not read and checked a second time, as the web import must after its preview. Each stored
chunk is committed, as storing.py does for API batches (short transactions).

All or nothing, as before: a problem in any row and the rest is still checked, so that every
problem is reported, then what earlier chunks stored is undone and the batch is rejected with
its problems; a failure, or the API client revoked, undoes it too (failed or cancelled).

Family members' rows (portal/bulk/family_rows.py) wait for the whole file: once every row is
checked they are matched to their main applications (a student of the file may come after
them) and, when every row is right, stored after the students (portal/bulk/family_import.py)."""

from flask import current_app
from sqlalchemy import update

from portal import audit, clock
from portal.audit import AuditAction
from portal.bulk import family_import, storing
from portal.bulk.batch_rows import chunks, iter_rows
from portal.bulk.student_import import check_chunk, finish_check
from portal.bulk.student_rows import why_not_allowed
from portal.extensions import db
from portal.models import ApplicationKind, ImportBatch, ImportStatus
from portal.models.base import utcnow
from portal.residence.filing import NotAllowed


def check_and_store(batch_id: int) -> None:
    batch = db.session.get(ImportBatch, batch_id)
    if batch is None or not _start(batch):
        return
    organisation, actor, client_id = batch.organisation, batch.created_by, batch.api_client_id
    size = current_app.config["IMPORT_CHUNK_ROWS"]
    today = clock.today()
    created_people: list[int] = []
    with_problems: list[dict] = []
    seen: dict[tuple[str, str], int] = {}
    family = family_import.Pending()
    counts = {"created": 0, "linked": 0, "applications": 0}
    done = error_rows = analysed = 0
    try:
        if why_not_allowed(organisation) is not None:
            raise NotAllowed(ApplicationKind.STUDENT)
        with storing.speaking("en"):  # a worker has no request to take the language from
            for part in chunks(iter_rows(batch_id), size):
                checked, wrong = check_chunk(part, today, organisation.id, seen, family)
                error_rows += wrong
                with_problems.extend(row for row in part if row.get("errors"))
                if not error_rows:
                    if storing.client_revoked(client_id):
                        raise storing.BatchCancelled(batch_id)
                    storing.store_chunk(
                        organisation, actor, batch_id, part, checked, created_people, counts
                    )
                    analysed = storing.keep_statistics(counts["applications"], analysed)
                done += len(part)
                organisation, actor = storing.commit_chunk(
                    batch_id, actor, done, error_rows, created_people
                )
            family_wrong = family_import.resolve(db.session.get(ImportBatch, batch_id), family)
            error_rows += len(family_wrong)
            with_problems = sorted([*with_problems, *family_wrong], key=lambda row: row["line"])
            if not error_rows:
                family_import.store(organisation, actor, batch_id, family, created_people, counts)
                organisation, actor = storing.commit_chunk(batch_id, actor, done, 0, created_people)
        if not error_rows and storing.client_revoked(client_id):
            raise storing.BatchCancelled(batch_id)
    except Exception as error:  # any failure: nothing may stay half-stored
        storing.fail(batch_id, created_people, error)
        return
    if error_rows:
        if counts["applications"] or created_people:
            storing.undo(batch_id, created_people)
        batch = db.session.get(ImportBatch, batch_id)
        batch.result, batch.error_rows = None, error_rows
        finish_check(batch_id, with_problems)  # rejected, with every problem
        return
    storing.record_imported(batch_id, actor, organisation, counts)
    batch = db.session.get(ImportBatch, batch_id)
    batch.status = ImportStatus.IMPORTED
    batch.done_rows = batch.total_rows
    batch.result = counts
    batch.finished_at = utcnow()
    db.session.commit()


def _start(batch: ImportBatch) -> bool:
    """Compare-and-set from queued to being stored (once), recorded as the web's confirmation
    is: the API client's administrator sent it to be stored."""
    started = db.session.execute(
        update(ImportBatch)
        .where(ImportBatch.id == batch.id, ImportBatch.status == ImportStatus.VALIDATING)
        .values(status=ImportStatus.IMPORTING, done_rows=0, confirmed_by_id=batch.created_by_id)
    )
    if started.rowcount != 1:
        return False
    audit.record(
        AuditAction.STUDENT_IMPORT_CONFIRMED,
        actor=batch.created_by,
        organisation=batch.organisation,
        target=batch,
        details={"rows": batch.total_rows},
    )
    db.session.commit()
    return True
