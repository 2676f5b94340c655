"""The inbox: newest first, unread marked, scoped to the organisation, keyset pages."""

import hashlib
import io
from datetime import UTC, datetime, timedelta

import pytest
from pypdf import PdfReader

from portal.extensions import db
from portal.letters.issuing import issue_letter
from portal.models import Letter, LetterKind
from tests.support.auth import sign_in
from tests.support.factories import ApplicationFactory, member
from tests.support.pages import get_page


@pytest.fixture(autouse=True)
def english(client):
    client.get("/language/en")


def add_letters(organisation, count: int):
    """Letters with distinct issue times, bypassing PDF rendering for volume."""
    base = datetime(2026, 1, 1, 9, 0, tzinfo=UTC)
    letters = [
        Letter(
            organisation_id=organisation.id,
            kind=LetterKind.ACKNOWLEDGEMENT,
            subject=f"Letter number {i:03d}",
            language="en",
            issued_at=base + timedelta(hours=i // 2),  # pairs share a timestamp
            body_text="",
            pdf=b"%PDF-1.7",
            sha256=hashlib.sha256(b"%PDF-1.7").hexdigest(),
        )
        for i in range(count)
    ]
    db.session.add_all(letters)
    db.session.flush()
    return letters


def test_inbox_pages_newest_first_without_gaps_or_repeats(client):
    user = member()
    add_letters(user.memberships[0].organisation, 60)
    sign_in(client, user)
    seen = []
    url = "/inbox"
    while url:
        page = get_page(client, url)
        seen += [a.get_text() for a in page.soup.select("tbody tr a")]
        older = page.soup.find("a", rel="next")
        url = older["href"] if older else None
    assert seen == [f"Letter number {i:03d}" for i in reversed(range(60))]
    assert "60 unread letters" in get_page(client, "/dashboard").text


def test_garbage_cursor_shows_the_first_page(client):
    user = member()
    add_letters(user.memberships[0].organisation, 3)
    sign_in(client, user)
    for cursor in ("x", "2026-13-01~1", "~", "2026-01-01T00:00:00~abc", "1" * 5000):
        page = get_page(client, f"/inbox?after={cursor}")
        assert "Letter number 002" in page.text


def test_reading_marks_read_per_user(client, app):
    user = member()
    organisation = user.memberships[0].organisation
    (letter,) = add_letters(organisation, 1)
    sign_in(client, user)
    assert "letter--unread" in get_page(client, "/inbox").soup.select_one("tbody tr")["class"]
    get_page(client, f"/inbox/{letter.id}")
    assert "letter--read" in get_page(client, "/inbox").soup.select_one("tbody tr")["class"]
    assert "0 unread letters" in get_page(client, "/dashboard").text
    get_page(client, f"/inbox/{letter.id}")  # reading twice is harmless


def test_another_organisations_letter_is_not_found(client):
    mine = member()
    theirs = member()
    (letter,) = add_letters(theirs.memberships[0].organisation, 1)
    sign_in(client, mine)
    assert client.get(f"/inbox/{letter.id}").status_code == 404
    assert client.get(f"/inbox/{letter.id}/pdf").status_code == 404
    assert "Letter number" not in get_page(client, "/inbox").text


def test_letters_are_written_in_the_organisations_language(app, client):
    user = member(preferred_language="nl", legal_name="Tulp & Zonen B.V.")
    organisation = user.memberships[0].organisation
    application = ApplicationFactory(
        organisation=organisation,
        reference="ER-2026-000777-X",
        fee_cents=508000,
        fee_reduced=False,
        decision_deadline=datetime(2027, 2, 27).date(),
    )
    letter = issue_letter(organisation, LetterKind.ACKNOWLEDGEMENT, application=application)
    assert letter.language == "nl"
    assert letter.subject.startswith("Ontvangstbevestiging")
    reader = PdfReader(io.BytesIO(letter.pdf))
    text = reader.pages[0].extract_text().replace("\xa0", " ")
    assert "Tulp & Zonen B.V." in text
    assert "ER-2026-000777-X" in text
    assert "€ 5.080,00" in text
    assert "27 februari 2027" in text
    assert "Pagina 1 van 1" in text


def test_letter_pdf_is_archival_tagged_and_immutable(app):
    user = member()
    organisation = user.memberships[0].organisation
    application = ApplicationFactory(
        organisation=organisation,
        reference="ER-2026-000778-X",
        fee_cents=1,
        fee_reduced=True,
        decision_deadline=datetime(2027, 1, 1).date(),
    )
    letter = issue_letter(organisation, LetterKind.ACKNOWLEDGEMENT, application=application)
    assert hashlib.sha256(letter.pdf).hexdigest() == letter.sha256
    reader = PdfReader(io.BytesIO(letter.pdf))
    root = reader.trailer["/Root"]
    assert "/StructTreeRoot" in root  # tagged
    assert "/OutputIntents" in root
    metadata = root["/Metadata"].get_object().get_data().decode()
    assert "pdfaid:part" in metadata
    letter.subject = "Changed afterwards"
    with pytest.raises(Exception, match="cannot change"):
        db.session.flush()
    db.session.rollback()
