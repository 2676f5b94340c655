"""One storage interface for stored bytes (letter PDFs, uploaded documents): content-addressed
by SHA-256 in the `blob` table, the bytes in the row (STORAGE_BACKEND=database, the default,
zero set-up) or in S3-compatible object storage (STORAGE_BACKEND=s3, see config.py).

    sha256 = storage.put(content)   # stores once (same bytes, same blob); flushes, never commits
    content = storage.read(sha256)  # the bytes, their hash verified on every read

New bytes go where STORAGE_BACKEND says; a blob is read from where its row says it is, so a
portal part-way through `flask storage migrate` serves every blob. With the object store, the
object is written before its row: when the store is down, `put` raises StorageUnavailable and
nothing refers to bytes that are not there (an object without a row is harmless: the same bytes
get the same name).
"""

import hashlib

from flask import current_app
from sqlalchemy import select

from portal.extensions import db
from portal.models import Blob

DATABASE = "database"
OBJECT_STORE = "object_store"


class StorageUnavailable(Exception):
    """The object store could not be reached (or refused): nothing was stored."""


class BlobCorrupt(Exception):
    """Stored bytes whose SHA-256 is not their name: never served."""


def digest(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def put(content: bytes) -> str:
    """Store `content` (once: a blob with its hash is reused) and return its SHA-256."""
    sha256 = digest(content)
    if db.session.scalar(select(Blob.sha256).where(Blob.sha256 == sha256)) is not None:
        return sha256
    if _backend() == OBJECT_STORE:
        object_store().put(sha256, content)
        _insert(sha256, len(content), OBJECT_STORE, None)
    else:
        _insert(sha256, len(content), DATABASE, content)
    return sha256


def read(sha256: str) -> bytes:
    """The bytes named `sha256`; BlobCorrupt when they do not hash to it, LookupError when
    there is no such blob, StorageUnavailable when the object store cannot be reached."""
    row = db.session.execute(
        select(Blob.stored_in, Blob.content).where(Blob.sha256 == sha256)
    ).one_or_none()
    if row is None:
        raise LookupError(sha256)
    return verified(sha256, row.stored_in, row.content)


def verified(sha256: str, stored_in: str, content: bytes | None) -> bytes:
    """The bytes of a blob row read with something else (its `stored_in` and `content`
    columns joined to the row that names it: one statement instead of two), fetched from the
    object store when they are kept there; BlobCorrupt when they do not hash to `sha256`."""
    if stored_in != DATABASE:
        content = object_store().get(sha256)
    if digest(content) != sha256:
        raise BlobCorrupt(sha256)
    return content


def _backend() -> str:
    backend = current_app.config.get("STORAGE_BACKEND", "database")
    return OBJECT_STORE if backend == "s3" else DATABASE


def object_store():
    """The configured object store (one client per app: boto3 clients are thread-safe)."""
    from portal.storage.objects import ObjectStore

    store = current_app.extensions.get("object_store")
    if store is None:
        store = current_app.extensions["object_store"] = ObjectStore.from_config(current_app.config)
    return store


def _insert(sha256: str, size: int, stored_in: str, content: bytes | None) -> None:
    """Insert the blob's row; a concurrent request storing the same bytes is no error."""
    if db.session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    values = {"sha256": sha256, "size_bytes": size, "stored_in": stored_in, "content": content}
    db.session.execute(insert(Blob).values(**values).on_conflict_do_nothing())
