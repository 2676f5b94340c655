"""`flask storage migrate`: move blobs kept in the database to the object store.

Resumable: a blob moves in one step (written to the store, read back and its hash checked,
then its row switched to `object_store` and its bytes dropped from the row), each batch
committed. Killed at any moment, the next run picks up the blobs still in the database; an
object written but not yet switched to is simply written again (same bytes, same name). Then
every blob in the object store is read back and its hash verified.
"""

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import func, select, update

from portal.extensions import db
from portal.models import Blob
from portal.storage import (
    DATABASE,
    OBJECT_STORE,
    BlobCorrupt,
    StorageUnavailable,
    digest,
    object_store,
)

storage_cli = AppGroup("storage", help="Stored bytes (letter PDFs, documents).")


@storage_cli.command("migrate")
@click.option("--batch", default=100, show_default=True, help="Blobs per transaction.")
def migrate_command(batch: int) -> None:
    """Move every blob from the database to the object store (STORAGE_S3_*), verifying every
    hash. Safe to interrupt and run again."""
    if not current_app.config.get("STORAGE_S3_BUCKET"):
        raise click.ClickException("Set STORAGE_S3_BUCKET (and the endpoint) first: see config.py")
    try:
        moved = move_to_object_store(batch)
        click.echo(f"Moved {moved} blobs to the object store.")
        verified = verify_object_store(batch)
    except (StorageUnavailable, BlobCorrupt) as error:
        db.session.rollback()
        raise click.ClickException(
            f"{type(error).__name__}: {error}. What moved so far stays moved; run again."
        ) from error
    click.echo(f"Verified {verified} blobs in the object store: every hash holds.")


def move_to_object_store(batch: int) -> int:
    store = object_store()
    moved = 0
    while True:
        rows = db.session.execute(
            select(Blob.sha256, Blob.content)
            .where(Blob.stored_in == DATABASE)
            .order_by(Blob.sha256)
            .limit(batch)
        ).all()
        if not rows:
            return moved
        for sha256, content in rows:
            if digest(content) != sha256:
                raise BlobCorrupt(f"{sha256} in the database")
            store.put(sha256, content)
            if digest(store.get(sha256)) != sha256:
                raise BlobCorrupt(f"{sha256} as read back from the object store")
            db.session.execute(
                update(Blob)
                .where(Blob.sha256 == sha256, Blob.stored_in == DATABASE)
                .values(stored_in=OBJECT_STORE, content=None)
            )
        db.session.commit()
        moved += len(rows)


def verify_object_store(batch: int) -> int:
    """Read back every blob in the object store, a batch at a time; the number verified."""
    store = object_store()
    last, verified = "", 0
    total = db.session.scalar(select(func.count()).where(Blob.stored_in == OBJECT_STORE))
    while verified < total:
        hashes = db.session.scalars(
            select(Blob.sha256)
            .where(Blob.stored_in == OBJECT_STORE, Blob.sha256 > last)
            .order_by(Blob.sha256)
            .limit(batch)
        ).all()
        if not hashes:
            break
        for sha256 in hashes:
            if digest(store.get(sha256)) != sha256:
                raise BlobCorrupt(f"{sha256} in the object store")
        last = hashes[-1]
        verified += len(hashes)
    return verified
