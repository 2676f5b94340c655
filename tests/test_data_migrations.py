"""Data migrations, run on this test's own rows (inside its rolled-back transaction) on SQLite and
PostgreSQL: what they change, what they leave alone, and that the downgrade undoes them."""

import importlib.util

import pytest
from alembic.migration import MigrationContext
from alembic.operations import Operations
from sqlalchemy import func, select, text

from portal import storage
from portal.extensions import db
from portal.models import Application, ApplicationKind, Blob, Category, Document, ImportBatch
from portal.setup import MIGRATIONS_DIR
from tests.support.factories import ApplicationFactory, LetterFactory, member


def _migration(filename: str):
    spec = importlib.util.spec_from_file_location(filename, MIGRATIONS_DIR / "versions" / filename)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _run(step) -> None:
    db.session.flush()
    context = MigrationContext.configure(db.session.connection())
    with Operations.context(context):
        step()
    db.session.expire_all()


def test_passport_expiry_is_renamed_in_drafts_snapshots_and_import_rows_and_back():
    migration = _migration("0018_person_passport_expires_on.py")
    user = member()
    organisation = user.memberships[0].organisation
    person = {"surname": "Tanaka", "passport_expiry": "31-12-2030"}
    draft = ApplicationFactory(
        organisation=organisation,
        created_by=user,
        kind=ApplicationKind.HSM_RESIDENCE,
        answers={"person": dict(person), "job": {"job_title": "Engineer"}},
    )
    sent = ApplicationFactory(
        organisation=organisation,
        created_by=user,
        kind=ApplicationKind.HSM_RESIDENCE,
        answers={"person": dict(person)},
        snapshot={
            "kind": "hsm_residence",
            "answers": {"person": {"passport_expiry": "2030-12-31"}},
        },
    )
    recognition = ApplicationFactory(
        organisation=organisation, created_by=user, category=Category.LABOUR
    )
    batch = ImportBatch(
        organisation_id=organisation.id,
        created_by_id=user.id,
        filename="students.csv",
        upload=b"",
        rows=[
            {
                "line": 2,
                "values": {"surname": "Tanaka", "passport_expiry": "01-01-2020"},
                "errors": {"en": {"passport_expiry": "expired"}, "nl": {"passport_expiry": "x"}},
            },
            {"line": 3, "values": {"surname": "Sato", "passport_expiry": "31-12-2030"}},
        ],
    )
    db.session.add(batch)

    _run(migration.upgrade)
    assert db.session.get(Application, draft.id).answers == {
        "person": {"surname": "Tanaka", "passport_expires_on": "31-12-2030"},
        "job": {"job_title": "Engineer"},
    }
    snapshot = db.session.get(Application, sent.id).snapshot
    assert snapshot == {
        "kind": "hsm_residence",
        "answers": {"person": {"passport_expires_on": "2030-12-31"}},
    }
    assert db.session.get(Application, recognition.id).answers is None
    rows = db.session.get(ImportBatch, batch.id).rows
    assert rows[0]["values"] == {"surname": "Tanaka", "passport_expires_on": "01-01-2020"}
    assert rows[0]["errors"] == {
        "en": {"passport_expires_on": "expired"},
        "nl": {"passport_expires_on": "x"},
    }
    assert rows[1] == {
        "line": 3,
        "values": {"surname": "Sato", "passport_expires_on": "31-12-2030"},
    }

    _run(migration.downgrade)
    assert db.session.get(Application, draft.id).answers["person"] == person
    assert db.session.get(Application, sent.id).snapshot["answers"]["person"] == {
        "passport_expiry": "2030-12-31"
    }
    rows = db.session.get(ImportBatch, batch.id).rows
    assert rows[0]["errors"]["en"] == {"passport_expiry": "expired"}
    assert rows[1]["values"] == {"surname": "Sato", "passport_expiry": "31-12-2030"}


def test_cases_in_flight_get_a_fee_paid_on_their_submission_day_and_drafts_none():
    from datetime import UTC, datetime

    from portal.models import Fee

    migration = _migration("0029_fees.py")
    user = member()
    organisation = user.memberships[0].organisation
    draft = ApplicationFactory(organisation=organisation, created_by=user)
    in_flight = ApplicationFactory(organisation=organisation, created_by=user, submitted=True)
    # 23:30 UTC on 31 March is 1 April in Amsterdam: the submission day is Amsterdam's.
    in_flight.submitted_at = datetime(2026, 3, 31, 23, 30, tzinfo=UTC)
    db.session.execute(db.delete(Fee))
    deadline = in_flight.decision_deadline
    _run(migration._mark_cases_in_flight_paid)
    fees = db.session.scalars(db.select(Fee)).all()
    assert [(f.application_id, f.amount_cents) for f in fees] == [(in_flight.id, 508000)]
    assert fees[0].paid_on.isoformat() == "2026-04-01" and fees[0].paid_via == "on_submission"
    assert db.session.get(Application, in_flight.id).decision_deadline == deadline
    assert draft.id not in {f.application_id for f in fees}


def test_letter_and_document_bytes_move_into_blobs_once_per_hash_and_back():
    migration = _migration("0042_blobs.py")
    user = member()
    organisation = user.memberships[0].organisation
    letter = LetterFactory(organisation=organisation, subject="Decision")
    same = b"%PDF-1.7 the same scan twice"
    documents = [
        Document(
            organisation_id=organisation.id,
            filename=f"scan{i}.pdf",
            content_type="application/pdf",
            size_bytes=len(same),
            content=same,
        )
        for i in range(2)
    ]
    db.session.add_all(documents)
    pdf = letter.pdf

    _run(migration.downgrade)
    connection = db.session.connection()
    assert connection.execute(
        text("SELECT pdf, sha256 FROM letter WHERE id = :id"), {"id": letter.id}
    ).one() == (pdf, letter.sha256)
    assert connection.execute(
        text("SELECT DISTINCT content FROM document WHERE organisation_id = :id"),
        {"id": organisation.id},
    ).scalars().all() == [same]

    _run(migration.upgrade)
    assert db.session.scalar(select(func.count()).select_from(Blob)) == 2
    assert storage.read(letter.sha256) == pdf
    assert db.session.get(Document, documents[1].id).content == same
    assert {b.stored_in for b in db.session.scalars(select(Blob))} == {"database"}


def test_bytes_that_do_not_hash_to_their_name_stop_the_blob_migration():
    migration = _migration("0042_blobs.py")
    letter = LetterFactory(organisation=member().memberships[0].organisation)
    _run(migration.downgrade)
    db.session.connection().execute(
        text("UPDATE letter SET pdf = :pdf WHERE id = :id"), {"pdf": b"%PDF-x", "id": letter.id}
    )
    with pytest.raises(RuntimeError, match=f"letter {letter.id}: its bytes do not hash"):
        _run(migration.upgrade)
