"""Family members in API batches (issue 22): JSON lines, CSV or XLSX rows with family_of and
relationship are stored after the students by the same one pass, with a draft family member's
application filed with the main applicant's; a row that names no student or researcher
rejects the batch, and what earlier chunks stored is undone."""

import io
from datetime import date, datetime

import pytest
from openpyxl import Workbook

from portal.api.batches import XLSX
from portal.bulk.student_rows import COLUMNS
from portal.extensions import db
from portal.models import Application, ApplicationKind, FamilyLink, Person
from tests.support.api import bearer
from tests.support.student_import import TODAY, count, csv_bytes, family_member, student
from tests.test_api_batches import _setup, jsonl, submit, work


@pytest.fixture(autouse=True)
def fixed_day(move_today):
    move_today(TODAY)


def _main_of(application_id: int) -> str:
    main_id = db.session.scalar(
        db.select(FamilyLink.main_application_id).where(FamilyLink.application_id == application_id)
    )
    return db.session.get(Application, main_id).person.passport_number


def test_json_lines_with_family_members_stored_after_polling(app, client, monkeypatch):
    """In chunks of 2: the partner's row comes before the student they belong to."""
    _user, org, token, url = _setup(client)
    monkeypatch.setitem(app.config, "IMPORT_CHUNK_ROWS", 2)
    rows = [
        student(1),
        family_member(2, "NP000004", "partner", date(2001, 7, 1)),
        student(3),
        student(4),
        family_member(5, "NP000001", "child", date(2021, 3, 3)),
    ]
    response = submit(client, url, token, jsonl(rows))
    assert response.status_code == 202, response.json
    work(app)
    done = client.get(response.headers["Location"], headers=bearer(token)).json
    assert done["status"] == "succeeded", done
    assert done["result"] == {"created": 3, "linked": 0, "applications": 3, "family_members": 2}
    family = db.session.scalars(
        db.select(Application).where(
            Application.kind.in_([ApplicationKind.FAMILY_PARTNER, ApplicationKind.FAMILY_CHILD])
        )
    ).all()
    found = {(a.kind, a.person.passport_number, _main_of(a.id)) for a in family}
    assert found == {
        (ApplicationKind.FAMILY_PARTNER, "NP000002", "NP000004"),
        (ApplicationKind.FAMILY_CHILD, "NP000005", "NP000001"),
    }
    assert count(Person, organisation_id=org.id) == 5


def test_a_csv_batch_with_a_family_member_of_nobody_is_rejected_and_undone(
    app, client, monkeypatch
):
    """The students' chunk is stored before the family rows are matched; then undone."""
    _user, org, token, url = _setup(client)
    monkeypatch.setitem(app.config, "IMPORT_CHUNK_ROWS", 1)
    rows = [
        student(1),
        family_member(2, "ZZ999999", "partner", date(2000, 1, 1)),
        family_member(3, "NP000001", "child", date(2007, 1, 1)),  # 19
    ]
    response = submit(client, url, token, csv_bytes(rows), "text/csv")
    assert response.status_code == 202, response.json
    work(app)
    body = client.get(
        response.headers["Location"], headers=bearer(token, **{"Accept-Language": "nl"})
    ).json
    assert body["status"] == "rejected" and body["error_rows"] == 2
    assert [(p["row"], p["field"], p["code"]) for p in body["problems"]] == [
        (3, "family_of", "unknown"),
        (4, "date_of_birth", "invalid"),
    ]
    assert "paspoortnummer ZZ999999" in body["problems"][0]["message"]
    assert count(Person, organisation_id=org.id) == 0
    assert count(Application, organisation_id=org.id) == 0
    assert count(FamilyLink) == 0


def test_an_xlsx_batch_with_dutch_family_headers_and_values(app, client):
    _user, org, token, url = _setup(client)
    dutch = {"family_of": "Gezinslid van", "relationship": "Relatie"}
    book = Workbook()
    sheet = book.active
    sheet.append([dutch.get(c, c) for c in COLUMNS])
    for values in (student(1), family_member(2, "NP000001", "Dochter", date(2018, 2, 2))):
        values["date_of_birth"] = datetime.strptime(values["date_of_birth"], "%d-%m-%Y")
        sheet.append([values[c] for c in COLUMNS])
    buffer = io.BytesIO()
    book.save(buffer)
    response = submit(client, url, token, buffer.getvalue(), XLSX)
    assert response.status_code == 202, response.json
    work(app)
    done = client.get(response.headers["Location"], headers=bearer(token)).json
    assert done["status"] == "succeeded", done
    assert done["result"]["family_members"] == 1
    [child] = db.session.scalars(
        db.select(Application).where(Application.kind == ApplicationKind.FAMILY_CHILD)
    ).all()
    assert _main_of(child.id) == "NP000001"
    assert str(child.person.date_of_birth) == "2018-02-02"
