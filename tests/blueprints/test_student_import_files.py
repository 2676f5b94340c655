"""Bulk student registration (issue 5): files as spreadsheets really write them, through HTTP.
UTF-8 without a BOM is read; UTF-16 and Windows-1252 are explained; a row whose values run past
the last column (an unquoted comma or semicolon inside a value) is explained, not silently
shifted or cut; trailing empty cells are harmless."""

import pytest

from portal.models import Application, ImportBatch
from tests.support.auth import sign_in
from tests.support.pages import Page
from tests.support.student_import import (
    TODAY,
    confirm,
    count,
    csv_bytes,
    student,
    university,
    upload,
    uploaded,
)


@pytest.fixture(autouse=True)
def fixed_day(client, move_today):
    move_today(TODAY)
    client.get("/language/en")


def test_utf8_without_bom_and_semicolons_is_read(client):
    user, org = university()
    sign_in(client, user)
    data = csv_bytes([student(1, surname="Ørsted"), student(2)], delimiter=";", bom=False)
    assert not data.startswith(b"\xef\xbb\xbf")
    url, page = uploaded(client, data)
    assert page.soup.find(id="valid-count").get_text(strip=True) == "2"
    assert "Ørsted" in page.soup.find(id="valid-rows").get_text()
    assert confirm(client, url).status_code == 302
    assert count(Application, organisation_id=org.id) == 2


def test_utf16_and_windows_1252_are_explained_and_nothing_is_stored(client):
    user, _org = university()
    sign_in(client, user)
    text = csv_bytes(
        [student(1, surname="Müller", given_names="Jörg", place_of_birth="Köln")], bom=False
    ).decode()
    for data, says in (
        (text.encode("utf-16"), "saved as UTF-16"),
        (text.replace(",", "\t").encode("utf-16"), "saved as UTF-16"),  # Excel's "Unicode text"
        (text.encode("cp1252"), "not in UTF-8 (line 2)"),
    ):
        response = upload(client, data)
        assert response.status_code == 400
        assert says in Page(response).field_error("file")
    assert count(ImportBatch) == 0


def test_a_row_with_values_past_the_last_column_is_explained(client):
    user, org = university()
    sign_in(client, user)
    rows = [student(n) for n in range(1, 5)]
    data = csv_bytes(rows, delimiter=";")
    # Row 3 has an unquoted semicolon in a value; row 5 has an extra value at the end.
    data = data.replace(b"BSc Computer Science;", b"BSc; Computer Science;", 2)
    data = data.replace(b"BSc; Computer Science;", b"BSc Computer Science;", 1)
    lines = data.split(b"\r\n")
    lines[4] += b";a note"
    response = upload(client, b"\r\n".join(lines))
    assert response.status_code == 400
    error = Page(response).field_error("file")
    assert "Rows 3, 5 have more values than the header has columns (22)" in error
    assert "must be in quotes" in error
    assert count(ImportBatch) == 0
    # Empty cells past the last column (as spreadsheets sometimes write them) do no harm.
    lines = csv_bytes(rows, delimiter=";").split(b"\r\n")
    padded = b"\r\n".join(line + b";;" if line else line for line in lines)
    _url, page = uploaded(client, padded)
    assert page.soup.find(id="valid-count").get_text(strip=True) == "4"
    assert count(Application, organisation_id=org.id) == 0


def test_the_check_commits_its_progress_after_every_chunk(app, client, monkeypatch):
    """What the self-refreshing progress page reads (with a queue, the check runs in a worker):
    done_rows grows chunk by chunk, each step committed, before the preview is ready."""
    from sqlalchemy import select

    from portal.bulk import storing
    from portal.extensions import db
    from portal.models import ImportStatus

    monkeypatch.setitem(app.config, "IMPORT_CHUNK_ROWS", 2)
    seen = []
    commit = db.session.commit

    def recording_commit():
        commit()
        batch = db.session.scalar(select(ImportBatch))
        if batch is not None:
            seen.append((batch.status, batch.done_rows))

    monkeypatch.setattr(db.session, "commit", recording_commit)
    user, _org = university()
    sign_in(client, user)
    response = upload(client, csv_bytes([student(n) for n in range(1, 6)]))
    assert response.status_code == 302
    checking = [done for status, done in seen if status == ImportStatus.VALIDATING]
    assert checking == [0, 2, 4, 5]  # stored, then one commit per chunk of 2
    assert seen[-1] == (ImportStatus.VALIDATED, 5)
    assert storing.valid_rows(db.session.scalar(select(ImportBatch))) != []


def test_a_body_over_the_request_limit_gets_an_explained_413_and_nothing_is_stored(
    app, client, monkeypatch
):
    """Past the upload's request limit (the import's own limit and a little for the form) the
    request itself is refused: a page that says the file is too large, never a server error."""
    user, _org = university()
    sign_in(client, user)
    monkeypatch.setitem(app.config, "IMPORT_MAX_BYTES", 16 * 1024)
    big = csv_bytes([student(n, programme="x" * 190) for n in range(1, 400)])
    assert len(big) > (16 + 64) * 1024
    response = upload(client, big)
    assert response.status_code == 413
    page = Page(response)
    assert "The file is too large" in page.text and "Choose a smaller file" in page.text
    assert count(ImportBatch) == 0
