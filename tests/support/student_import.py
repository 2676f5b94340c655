"""Bulk student registration set-ups: a university, student rows, CSV files as spreadsheets write
them, uploading and confirming."""

import csv
import io
from datetime import date

from sqlalchemy import func, select

from portal.bulk.student_rows import COLUMNS, example_row
from portal.extensions import db
from portal.models import (
    Category,
    OrganisationKind,
    OrgRole,
    RecognitionStatus,
)
from tests.support.factories import member, recognise
from tests.support.pages import Page, get_page

TODAY = date(2026, 11, 29)


URL = "/students/import/"


def university(role=OrgRole.ADMINISTRATOR, status=RecognitionStatus.GRANTED, **organisation):
    user = member(role, kind=OrganisationKind.HIGHER_EDUCATION, **organisation)
    org = user.memberships[0].organisation
    if status is not None:
        recognise(org, Category.STUDY, status)
    return user, org


def letters(n: int) -> str:
    """Names have no digits: 1 → 'b', 27 → 'bb'."""
    word = ""
    while True:
        n, rest = divmod(n, 26)
        word = "abcdefghijklmnopqrstuvwxyz"[rest] + word
        if n == 0:
            return word.capitalize()


def student(n: int, **changes) -> dict[str, str]:
    row = example_row(TODAY)
    row.update(
        surname=f"Student {letters(n)}" if n % 3 else f"Ørsted-{letters(n)}",
        given_names="Ana" if n % 2 else "李 娜",
        passport_number=f"NP{n:06d}",
        email=f"s{n}@example.com",
    )
    row.update(changes)
    return row


def family_member(
    n: int, family_of: str, relationship: str, born: date, **changes
) -> dict[str, str]:
    """A family member's row: the person columns, the study columns left empty."""
    return student(
        n,
        family_of=family_of,
        relationship=relationship,
        date_of_birth=born.strftime("%d-%m-%Y"),
        programme="",
        start_date="",
        end_date="",
        **changes,
    )


def csv_bytes(rows, delimiter=",", bom=True, columns=COLUMNS, encoding="utf-8") -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([row.get(c, "") for c in columns])
    data = buffer.getvalue().encode(encoding)
    return (b"\xef\xbb\xbf" + data) if bom and encoding == "utf-8" else data


def upload(client, data: bytes, filename="students.csv"):
    token = get_page(client, URL).csrf()
    return client.post(
        URL,
        data={"csrf_token": token, "file": (io.BytesIO(data), filename)},
        content_type="multipart/form-data",
    )


def uploaded(client, data: bytes) -> tuple[str, Page]:
    response = upload(client, data)
    assert response.status_code == 302, response.get_data(as_text=True)[-2000:]
    url = response.headers["Location"]
    return url, get_page(client, url)


def confirm(client, batch_url: str):
    token = get_page(client, batch_url).csrf()
    return client.post(f"{batch_url}/confirm", data={"csrf_token": token})


def problems(page: Page) -> set[tuple[str, str, str]]:
    table = page.soup.find(id="problems")
    assert table is not None, page.text[:1000]
    return {
        tuple(td.get_text(" ", strip=True) for td in (tr.find_all("td")[i] for i in (0, 2, 4)))
        for tr in table.find("tbody").find_all("tr")
    }


def count(model, **where) -> int:
    query = select(func.count()).select_from(model)
    for name, value in where.items():
        query = query.where(getattr(model, name) == value)
    return db.session.scalar(query)
