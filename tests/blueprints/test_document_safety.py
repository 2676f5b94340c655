"""Uploads (issue 15): a file is stored and served with the extension of its sniffed type, and
staff cannot open the documents of a draft that was never submitted."""

import hashlib
from datetime import date
from urllib.parse import unquote

import pytest

from portal import clock
from portal.extensions import db
from portal.models import AuditEvent, Document
from tests.support.auth import sign_in, staff_sign_in
from tests.support.factories import ApplicationFactory, UserFactory, member
from tests.support.residence import PDF, PNG, fill_in, new_draft, recognise, submit, upload

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


def staff_get(app, document_id):
    staff = app.test_client()
    staff.get("/language/en")
    reviewer = UserFactory(reviewer=True)
    staff_sign_in(staff, reviewer)
    return staff.get(f"/backoffice/documents/{document_id}"), reviewer


def test_staff_cannot_open_the_documents_of_a_draft(client, app):
    tasks_url, _user = new_draft(client)
    assert upload(client, tasks_url, "passport", PDF, "passport.pdf").status_code == 302
    document = db.session.scalar(db.select(Document))
    response, reviewer = staff_get(app, document.id)
    assert response.status_code == 404
    viewed = db.select(AuditEvent).where(
        AuditEvent.actor_id == reviewer.id, AuditEvent.action == "staff.document.viewed"
    )
    assert db.session.scalars(viewed).all() == []


def test_staff_open_the_documents_once_the_case_is_submitted(client, app):
    user = member()
    recognise(user)
    sign_in(client, user)
    tasks_url = fill_in(client)
    assert submit(client, tasks_url).status_code == 302
    document = db.session.scalar(db.select(Document).where(Document.purpose == "passport"))
    response, _reviewer = staff_get(app, document.id)
    assert response.status_code == 200 and response.data == PDF
    assert served_name(response) == "passport.pdf"


def test_staff_cannot_open_a_document_of_a_draft_made_any_other_way(client, app):
    draft = ApplicationFactory(kind="hsm_residence", answers={})
    document = Document(
        organisation_id=draft.organisation_id,
        application_id=draft.id,
        purpose="passport",
        filename="draft.pdf",
        content_type="application/pdf",
        size_bytes=len(PDF),
        sha256=hashlib.sha256(PDF).hexdigest(),
        content=PDF,
    )
    db.session.add(document)
    db.session.flush()
    assert draft.submitted_at is None
    assert staff_get(app, document.id)[0].status_code == 404
