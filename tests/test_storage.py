"""The storage interface (portal/storage) against both back-ends: the database and an
S3-compatible object store — moto's standalone server, started here on 127.0.0.1 on a free
port (never the internet; skipped when moto is not installed). Uploads and letters go through
it; every read verifies the hash; a referenced blob cannot be deleted; the object store down
during an upload leaves nothing half written; `flask storage migrate` is resumable."""

import hashlib
import importlib.util
import socket
import subprocess
import sys
import time

import pytest
from sqlalchemy import delete, func, select, text, update
from sqlalchemy.exc import IntegrityError

from portal import storage
from portal.extensions import db
from portal.models import Blob, Document
from portal.storage.objects import PREFIX, ObjectStore
from tests.support.auth import sign_in
from tests.support.factories import LetterFactory, member
from tests.support.residence import PNG, new_draft, upload

BUCKET = "portal-test"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="session")
def s3_endpoint():
    """moto's S3 server on 127.0.0.1, for this test run; its address."""
    if importlib.util.find_spec("moto") is None or importlib.util.find_spec("flask_cors") is None:
        pytest.skip("moto[server] is not installed (pip install 'moto[server]')")
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    pytest.skip("moto's server did not start")
                time.sleep(0.1)
        endpoint = f"http://127.0.0.1:{port}"
        _client(endpoint).create_bucket(Bucket=BUCKET)
        yield endpoint
    finally:
        server.terminate()
        server.wait(timeout=10)


def _client(endpoint: str):
    return ObjectStore.from_config(_settings(endpoint)).client


def _settings(endpoint: str) -> dict:
    return {
        "STORAGE_BACKEND": "s3",
        "STORAGE_S3_BUCKET": BUCKET,
        "STORAGE_S3_ENDPOINT_URL": endpoint,
        "STORAGE_S3_REGION": "us-east-1",
        "STORAGE_S3_ACCESS_KEY_ID": "test",
        "STORAGE_S3_SECRET_ACCESS_KEY": "test",
        "STORAGE_S3_TIMEOUT_SECONDS": 1,
    }


@pytest.fixture
def configure(app):
    """Switch the app's storage settings for one test, and back."""
    saved = {key: app.config.get(key) for key in _settings("")}
    yield lambda settings: (app.config.update(settings), app.extensions.pop("object_store", None))
    app.config.update(saved)
    app.extensions.pop("object_store", None)


@pytest.fixture(params=["database", "s3"])
def backend(request, configure):
    if request.param == "s3":
        configure(_settings(request.getfixturevalue("s3_endpoint")))
    return request.param


def _blob(sha256: str) -> Blob:
    return db.session.execute(select(Blob).where(Blob.sha256 == sha256)).scalar_one()


def _tamper(backend: str, sha256: str, content: bytes) -> None:
    if backend == "s3":
        storage.object_store().client.put_object(Bucket=BUCKET, Key=PREFIX + sha256, Body=content)
    else:
        db.session.execute(update(Blob).where(Blob.sha256 == sha256).values(content=content))


def test_bytes_are_stored_once_by_their_hash_and_read_back(backend):
    content = b"%PDF-1.7 stored once " + backend.encode()
    sha256 = storage.put(content)
    assert sha256 == hashlib.sha256(content).hexdigest()
    assert storage.put(content) == sha256
    assert db.session.scalar(select(func.count()).where(Blob.sha256 == sha256)) == 1
    blob = _blob(sha256)
    assert blob.size_bytes == len(content)
    assert blob.stored_in == ("object_store" if backend == "s3" else "database")
    assert (blob.content is None) == (backend == "s3")
    assert storage.read(sha256) == content
    with pytest.raises(LookupError):
        storage.read("f" * 64)


def test_every_read_verifies_the_hash(backend):
    sha256 = storage.put(b"%PDF-1.7 the real letter " + backend.encode())
    _tamper(backend, sha256, b"%PDF-1.7 something else")
    with pytest.raises(storage.BlobCorrupt):
        storage.read(sha256)


def test_an_upload_is_stored_through_the_interface_and_downloaded(client, backend):
    tasks_url, _ = new_draft(client)
    content = PNG + backend.encode()
    assert upload(client, tasks_url, "passport", content, "pas.png").status_code == 302
    document = db.session.scalars(select(Document)).one()
    assert document.sha256 == hashlib.sha256(content).hexdigest()
    if backend == "s3":
        stored = storage.object_store().client.get_object(
            Bucket=BUCKET, Key=PREFIX + document.sha256
        )
        assert stored["Body"].read() == content
    download = client.get(f"{tasks_url}/documents/{document.id}")
    assert download.status_code == 200 and download.data == content
    _tamper(backend, document.sha256, PNG + b"tampered")
    with pytest.raises(storage.BlobCorrupt):  # never served (a 500 outside the tests)
        client.get(f"{tasks_url}/documents/{document.id}")


def test_a_referenced_blob_cannot_be_deleted(client):
    tasks_url, _ = new_draft(client)
    assert upload(client, tasks_url, "passport", PNG, "pas.png").status_code == 302
    sha256 = db.session.scalars(select(Document.sha256)).one()
    sqlite = db.session.get_bind().dialect.name == "sqlite"
    if sqlite and not db.session.execute(text("PRAGMA foreign_keys")).scalar():
        # This test connection runs with SQLite's enforcement off (the portal's own connections
        # turn it on): the schema's foreign key is what SQLite then checks.
        db.session.execute(delete(Blob).where(Blob.sha256 == sha256))
        broken = db.session.execute(text("PRAGMA foreign_key_check(document)")).all()
        assert [row[2] for row in broken] == ["blob"]
        return
    with pytest.raises(IntegrityError), db.session.begin_nested():
        db.session.execute(delete(Blob).where(Blob.sha256 == sha256))


def test_object_store_down_during_an_upload_says_so_next_to_the_field_and_keeps_nothing(
    client, configure
):
    tasks_url, _ = new_draft(client)
    client.get("/language/en")
    configure(_settings(f"http://127.0.0.1:{free_port()}"))  # nothing listens there
    response = upload(client, tasks_url, "passport", PNG, "pas.png")
    assert response.status_code == 400
    text = response.get_data(as_text=True)
    assert 'id="file-error"' in text
    assert "could not be stored just now, so nothing was saved" in text
    assert db.session.scalar(select(func.count()).select_from(Document)) == 0
    assert db.session.scalar(select(func.count()).select_from(Blob)) == 0


def test_the_message_is_dutch_for_a_dutch_user(client, configure):
    tasks_url, _ = new_draft(client)
    client.get("/language/nl")
    configure(_settings(f"http://127.0.0.1:{free_port()}"))
    response = upload(client, tasks_url, "passport", PNG, "pas.png")
    assert response.status_code == 400
    assert "Het bestand kon nu niet worden opgeslagen" in response.get_data(as_text=True)


def test_migrate_moves_every_blob_resumably_and_verifies_it(app, configure, s3_endpoint):
    contents = [f"%PDF-1.7 blob {i}".encode() for i in range(5)]
    hashes = [storage.put(content) for content in contents]
    configure(_settings(s3_endpoint))
    runner = app.test_cli_runner()

    # Killed part-way (the store fails after two objects): what moved stays moved.
    store = storage.object_store()
    real_put, calls = store.put, []

    def failing_put(sha256, content):
        calls.append(sha256)
        if len(calls) > 2:
            raise storage.StorageUnavailable("connection refused")
        real_put(sha256, content)

    store.put = failing_put
    result = runner.invoke(args=["storage", "migrate", "--batch", "1"])
    assert result.exit_code != 0 and "run again" in result.output
    assert _where(hashes) == {"object_store": 2, "database": 3}

    store.put = real_put
    result = runner.invoke(args=["storage", "migrate", "--batch", "2"])
    assert result.exit_code == 0, result.output
    assert "Moved 3 blobs" in result.output
    assert "Verified 5 blobs" in result.output
    assert _where(hashes) == {"object_store": 5}
    assert [storage.read(sha256) for sha256 in hashes] == contents

    again = runner.invoke(args=["storage", "migrate"])
    assert again.exit_code == 0 and "Moved 0 blobs" in again.output

    _tamper("s3", hashes[0], b"bit rot")
    broken = runner.invoke(args=["storage", "migrate"])
    assert broken.exit_code != 0 and "BlobCorrupt" in broken.output


def _where(hashes) -> dict:
    rows = db.session.execute(
        select(Blob.stored_in, func.count()).where(Blob.sha256.in_(hashes)).group_by(Blob.stored_in)
    ).all()
    return dict(rows)


def test_moto_is_a_dev_dependency():
    """CI installs the dev extras: the S3 tests above run there, not skipped."""
    import tomllib
    from pathlib import Path

    project = tomllib.loads((Path(__file__).parent.parent / "pyproject.toml").read_text())
    assert any(
        d.startswith("moto[server]") for d in project["project"]["optional-dependencies"]["dev"]
    )
    assert any(d.startswith("boto3") for d in project["project"]["dependencies"])


def test_a_letter_pdf_is_served_from_either_back_end_with_its_hash(client, backend):
    user = member()
    letter = LetterFactory(organisation=user.memberships[0].organisation, subject=backend)
    assert _blob(letter.sha256).stored_in == ("object_store" if backend == "s3" else "database")
    sign_in(client, user)
    response = client.get(f"/inbox/{letter.id}/pdf")
    assert response.status_code == 200
    assert hashlib.sha256(response.data).hexdigest() == letter.sha256
    assert response.headers["X-Letter-SHA256"] == letter.sha256


def test_migrate_without_a_bucket_says_what_to_set(app, configure):
    configure({"STORAGE_S3_BUCKET": None})
    result = app.test_cli_runner().invoke(args=["storage", "migrate"])
    assert result.exit_code != 0 and "Set STORAGE_S3_BUCKET" in result.output
