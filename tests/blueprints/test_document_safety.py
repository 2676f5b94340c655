"""Uploads (issue 15): a file is stored and served with the extension of its sniffed type."""

from datetime import date
from urllib.parse import unquote

import pytest

from portal import clock
from portal.extensions import db
from portal.models import Document
from tests.support.residence import PDF, PNG, new_draft, upload

TODAY = date(2026, 11, 29)


@pytest.fixture(autouse=True)
def english_on_a_fixed_day(client, monkeypatch):
    monkeypatch.setattr(clock, "today", lambda: TODAY)
    client.get("/language/en")


def served_name(response) -> str:
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment; filename*=UTF-8''")
    return unquote(disposition.split("''", 1)[1])


@pytest.mark.parametrize(
    ("content", "typed", "stored"),
    [
        (PNG, "scan from the office", "scan from the office.png"),
        (PDF, "passport.html", "passport.html.pdf"),
        (PNG, "photo.svg", "photo.svg.png"),
        (PDF, "contract.v2.PDF", "contract.v2.PDF"),
        (b"\xff\xd8\xff\xe0" + b"\x00" * 40, "face.jpeg", "face.jpeg"),
    ],
)
def test_a_file_is_stored_and_served_with_the_extension_of_its_type(client, content, typed, stored):
    tasks_url, _user = new_draft(client)
    assert upload(client, tasks_url, "passport", content, typed).status_code == 302
    document = db.session.scalar(db.select(Document))
    assert document.filename == stored
    response = client.get(f"{tasks_url}/documents/{document.id}")
    assert response.status_code == 200 and response.data == content
    assert served_name(response) == stored
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_a_document_stored_without_the_extension_is_served_with_it(client):
    tasks_url, _user = new_draft(client)
    assert upload(client, tasks_url, "passport", PNG, "scan.png").status_code == 302
    document = db.session.scalar(db.select(Document))
    document.filename = "scan.exe"  # as stored before names got the type's extension
    db.session.flush()
    response = client.get(f"{tasks_url}/documents/{document.id}")
    assert served_name(response) == "scan.exe.png"
    assert response.mimetype == "image/png"
