"""Bulk student registration (issue 18, item 5): files as student systems really export them,
through the upload page. A 300-row export (BOM, semicolons, dd-mm-yyyy, diacritics, Dutch
headers in its own order, optional columns absent) is accepted as a whole; .xlsx is read
read-only (date cells as dates; a formula refused by its cell, never run); a protected,
mislabelled or damaged workbook is explained and nothing is stored."""

import io
import zipfile
from datetime import datetime
from pathlib import Path

import pytest
from openpyxl import Workbook

from portal.bulk.student_rows import COLUMNS
from portal.models import Application, ImportBatch, Person
from tests.support.auth import sign_in
from tests.support.pages import Page, get_page
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

EXPORT = Path(__file__).resolve().parent.parent / "files" / "student_system_export.csv"


@pytest.fixture(autouse=True)
def fixed_day(client, move_today):
    move_today(TODAY)
    client.get("/language/en")


def workbook(header, rows, formula_at=None) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    if formula_at:
        sheet[formula_at] = "=1+1"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_a_300_row_student_system_export_is_accepted_as_a_whole(client):
    data = EXPORT.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and b";" in data.splitlines()[0]
    assert "Dvořák".encode() in data or "Černý".encode() in data
    user, org = university()
    sign_in(client, user)
    url, page = uploaded(client, data)
    assert page.soup.find(id="error-count").get_text(strip=True) == "0", page.text[:3000]
    assert page.soup.find(id="valid-count").get_text(strip=True) == "300"
    assert confirm(client, url).status_code == 302
    assert count(Application, organisation_id=org.id) == 300
    first = Person.query.filter_by(organisation_id=org.id, passport_number="NX000001").one()
    assert (first.surname, first.given_names, first.place_of_birth) == ("Jansen", "Ayşe", "Århus")
    assert str(first.date_of_birth) == "2001-04-11"  # 11-04-2001: day first


def test_english_header_variants_in_any_order(client):
    user, org = university()
    sign_in(client, user)
    names = {"surname": "Last name", "given_names": "First name", "date_of_birth": "Birth date"}
    columns = [names.get(c, c) for c in reversed(COLUMNS) if c not in ("email", "v_number")]
    rows = [{names.get(k, k): v for k, v in student(n).items()} for n in (1, 2)]
    url, page = uploaded(client, csv_bytes(rows, columns=columns))
    assert page.soup.find(id="valid-count").get_text(strip=True) == "2"
    names["surname"] = "family_name"
    rows = [{names.get(k, k): v for k, v in student(n).items()} for n in (3,)]
    url, page = uploaded(client, csv_bytes(rows, columns=[names.get(c, c) for c in COLUMNS]))
    assert page.soup.find(id="valid-count").get_text(strip=True) == "1"


def test_an_xlsx_with_date_cells_is_read(client):
    user, org = university()
    sign_in(client, user)
    rows = []
    for n in (1, 2, 3):
        values = student(n)
        values["date_of_birth"] = datetime(2006, 3, 27)
        values["passport_number"] = f"NP{n:06d}"
        rows.append([values[c] for c in COLUMNS])
    data = workbook(["Achternaam", *COLUMNS[1:]], rows)
    response = upload(client, data, filename="studenten.xlsx")
    assert response.status_code == 302, Page(response).field_error("file")
    url = response.headers["Location"]
    assert confirm(client, url).status_code == 302
    person = Person.query.filter_by(organisation_id=org.id, passport_number="NP000002").one()
    assert str(person.date_of_birth) == "2006-03-27"


@pytest.mark.parametrize(
    "data,filename,message",
    [
        (
            workbook(COLUMNS, [list(student(1).values())], formula_at="C2"),
            "s.xlsx",
            "Row 2, column C holds a formula",
        ),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "s.xlsx", "protected with a password"),
        (csv_bytes([student(1)]), "s.xlsx", "named .xlsx but is not an Excel workbook"),
        (workbook(COLUMNS, [list(student(1).values())]), "s.csv", "is an Excel workbook"),
        (b"PK\x03\x04" + b"\0" * 100, "s.xlsx", "damaged"),
    ],
    ids=["formula", "encrypted", "csv-named-xlsx", "xlsx-named-csv", "damaged"],
)
def test_a_workbook_that_cannot_be_read_is_explained(client, data, filename, message):
    user, _org = university()
    sign_in(client, user)
    response = upload(client, data, filename=filename)
    assert response.status_code == 400
    assert message in Page(response).field_error("file")
    assert count(ImportBatch) == 0


def test_a_zip_that_unpacks_far_beyond_its_size_is_refused(app, client, monkeypatch):
    user, _org = university()
    sign_in(client, user)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", " " * 3_000_000)
    monkeypatch.setitem(app.config, "IMPORT_MAX_BYTES", 100_000)
    response = upload(client, buffer.getvalue(), filename="big.xlsx")
    assert response.status_code == 400
    assert "workbook is too large" in Page(response).field_error("file")


def test_unknown_headers_are_matched_by_the_user_and_remembered_for_the_next_file(client):
    user, org = university()
    sign_in(client, user)
    header = ["Studentnummer", "Nat.", *[c for c in COLUMNS if c != "nationality"]]

    def export(numbers):
        rows = [{"Studentnummer": f"S{n}", "Nat.": "VN", **student(n)} for n in numbers]
        return csv_bytes(rows, ";", columns=header)

    response = upload(client, export((1, 2)))
    assert response.status_code == 302
    columns_url = response.headers["Location"]
    assert columns_url.endswith("/columns")
    page = get_page(client, columns_url)
    assert page.soup.find("label", attrs={"for": "column-0"}).get_text() == "Header “Studentnummer”"
    token = page.csrf()
    # Nothing chosen, or two headers on one column: said next to each header, nothing read.
    for data, says in (
        ({}, "Choose a column, or ignore it"),
        ({"column-0": "nationality", "column-1": "nationality"}, "matched to this column"),
    ):
        refused = client.post(columns_url, data={"csrf_token": token, **data})
        assert refused.status_code == 400
        assert says in Page(refused).soup.select_one(".error-message").get_text()
    assert count(Person) == 0
    chosen = {"csrf_token": token, "column-0": "ignore", "column-1": "nationality"}
    response = client.post(columns_url, data=chosen)
    assert response.status_code == 302
    page = get_page(client, response.headers["Location"])
    assert page.soup.find(id="valid-count").get_text(strip=True) == "2"
    # The next file with the same headers is read at once: the choice was remembered.
    url, page = uploaded(client, export((3, 4, 5)))
    assert not url.endswith("/columns")
    assert page.soup.find(id="valid-count").get_text(strip=True) == "3"
    assert confirm(client, url).status_code == 302
    assert count(Person, organisation_id=org.id) == 3
