"""ZIP downloads with an index CSV, scoping, bounds; verifying a downloaded letter."""

import csv
import hashlib
import io
import zipfile

import pytest

from portal.letters import inbox as inbox_service
from tests.support.auth import sign_in
from tests.support.factories import member
from tests.support.letters import add_letter, days
from tests.support.pages import get_page


@pytest.fixture(autouse=True)
def english(client):
    client.get("/language/en")


@pytest.fixture
def user(client):
    user = member()
    sign_in(client, user)
    return user


def org(user):
    return user.memberships[0].organisation


# The ZIP is streamed: buffered=True makes the test client read the stream inside the request's
# context, as a WSGI server does (IsolatedClient runs each request in its own context).


def read_zip(response):
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    assert response.mimetype == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.get_data()))
    assert archive.testzip() is None
    rows = list(csv.DictReader(io.StringIO(archive.read("index.csv").decode("utf-8-sig"))))
    return archive, rows


def test_selected_letters_as_zip_with_index(client, user):
    a = add_letter(org(user), subject="First", at=days(1), v_number="1234567890", person_name="A B")
    b = add_letter(org(user), subject="Second", at=days(2))
    add_letter(org(user), subject="Not selected", at=days(3))
    archive, rows = read_zip(
        client.get(f"/inbox/download?letter={a.id}&letter={b.id}", buffered=True)
    )
    assert [r["subject"] for r in rows] == ["Second", "First"]
    for row, letter in zip(rows, (b, a)):
        assert (
            hashlib.sha256(archive.read(row["file"])).hexdigest() == letter.sha256 == row["sha256"]
        )
    assert rows[1]["v_number"] == "1234567890"
    assert len(archive.namelist()) == 3


def test_everything_in_a_period_as_zip(client, user):
    for i in range(5):
        add_letter(org(user), subject=f"Letter {i}", at=days(i * 10))
    _archive, rows = read_zip(
        client.get(
            "/inbox/download?all=1&period_from=2026-01-10&period_to=2026-02-05", buffered=True
        )
    )
    assert [r["subject"] for r in rows] == ["Letter 3", "Letter 2", "Letter 1"]


def test_csv_cells_that_start_a_formula_are_neutralised(client, user):
    letter = add_letter(
        org(user), subject='=HYPERLINK("http://evil")', person_name="+31 6 123", at=days(1)
    )
    add_letter(org(user), subject="@SUM(A1)", person_name="-1", at=days(2))
    _archive, rows = read_zip(client.get("/inbox/download?all=1", buffered=True))
    assert rows[1]["subject"] == '\'=HYPERLINK("http://evil")'
    assert rows[1]["person"] == "'+31 6 123"
    assert rows[0]["subject"] == "'@SUM(A1)"
    assert rows[0]["person"] == "'-1"
    assert letter.subject.startswith("=")  # the letter itself is untouched


def test_another_organisations_letter_in_a_zip_request_is_not_found(client, user):
    mine = add_letter(org(user), subject="Mine", at=days(1))
    theirs = add_letter(member().memberships[0].organisation, subject="Theirs", at=days(1))
    assert client.get(f"/inbox/download?letter={theirs.id}", buffered=True).status_code == 404
    assert (
        client.get(
            f"/inbox/download?letter={mine.id}&letter={theirs.id}", buffered=True
        ).status_code
        == 404
    )
    assert client.get("/inbox/download?letter=abc", buffered=True).status_code == 404
    assert (
        client.get("/inbox/download?letter=99999999999999999999", buffered=True).status_code == 404
    )
    _archive, rows = read_zip(client.get("/inbox/download?all=1", buffered=True))
    assert [r["subject"] for r in rows] == ["Mine"]


def test_a_huge_period_is_refused_with_a_clear_message(client, user, monkeypatch):
    monkeypatch.setattr(inbox_service, "ZIP_MAX_LETTERS", 3)
    for i in range(4):
        add_letter(org(user), subject=f"L{i}", at=days(i))
    page = get_page(client, "/inbox/download?all=1", expected_status=400)
    assert "at most 3 letters" in page.text


def test_zip_is_streamed_a_few_letters_at_a_time(app, user):
    letters = [
        add_letter(org(user), subject=f"L{i}", at=days(i), pdf=b"%PDF-" + bytes([i]) * 50_000)
        for i in range(30)
    ]
    with app.test_request_context():
        chunks = list(inbox_service.zip_stream([letter.id for letter in letters], batch=5))
    assert len(chunks) == 31  # one chunk per letter, one for the index and the directory
    assert max(len(c) for c in chunks) < 60_000  # never the whole archive at once


def test_nothing_selected_sends_back_to_the_inbox(client, user):
    response = client.get("/inbox/download")
    assert response.status_code == 302


def test_verify_a_downloaded_letter_by_file_or_fingerprint(client, user):
    letter = add_letter(org(user), subject="Decision", at=days(1))
    pdf = client.get(f"/inbox/{letter.id}/pdf").get_data()
    page = get_page(client, "/inbox/verify")
    response = client.post(
        "/inbox/verify",
        data={"csrf_token": page.csrf(), "file": (io.BytesIO(pdf), "letter.pdf")},
        content_type="multipart/form-data",
    )
    result = get_result(response)
    assert "This is a letter the IND issued to your organisation, unchanged." in result
    assert "Decision" in result

    tampered = pdf + b"\n%tampered"
    response = client.post(
        "/inbox/verify",
        data={"csrf_token": page.csrf(), "file": (io.BytesIO(tampered), "letter.pdf")},
        content_type="multipart/form-data",
    )
    assert "No letter of your organisation has this fingerprint." in get_result(response)

    spaced = " ".join(letter.sha256.upper()[i : i + 8] for i in range(0, 64, 8))
    response = client.post("/inbox/verify", data={"csrf_token": page.csrf(), "sha256": spaced})
    assert "unchanged" in get_result(response)


def test_verify_does_not_confirm_another_organisations_letter(client, user):
    theirs = add_letter(member().memberships[0].organisation, subject="Theirs", at=days(1))
    page = get_page(client, "/inbox/verify")
    response = client.post(
        "/inbox/verify", data={"csrf_token": page.csrf(), "sha256": theirs.sha256}
    )
    assert "No letter of your organisation has this fingerprint." in get_result(response)


@pytest.mark.parametrize("value", ["", "abc", "g" * 64, "x" * 150])
def test_verify_bad_input_says_what_to_do(client, user, value):
    page = get_page(client, "/inbox/verify")
    response = client.post("/inbox/verify", data={"csrf_token": page.csrf(), "sha256": value})
    assert response.status_code == 400
    assert "error-summary" in response.get_data(as_text=True)


def get_result(response) -> str:
    from tests.support.pages import Page

    page = Page(response)
    assert page.status == 200, page.text[:300]
    return page.soup.find(id="verify-result").get_text(" ", strip=True)
