"""Bulk student registration through HTTP: upload a CSV, read the preview (valid rows, every
problem by row and column, also as CSV), confirm; people and draft student applications are
created in one transaction, all or nothing."""

import csv
import io
from datetime import date

import pytest
from flask_babel import force_locale
from sqlalchemy import select, text

from portal import clock
from portal.bulk.student_rows import COLUMNS
from portal.extensions import db
from portal.models import (
    Application,
    ApplicationKind,
    ApplicationStatus,
    AuditEvent,
    Category,
    ImportBatch,
    ImportStatus,
    OrganisationKind,
    OrgRole,
    Person,
    Recognition,
    RecognitionStatus,
)
from portal.residence.answers import check
from portal.residence.types import TYPES
from tests.support.auth import sign_in
from tests.support.factories import MembershipFactory, PersonFactory, member, recognise
from tests.support.pages import Page, get_page
from tests.support.student_import import (
    TODAY,
    URL,
    confirm,
    count,
    csv_bytes,
    problems,
    student,
    university,
    upload,
    uploaded,
)


@pytest.fixture(autouse=True)
def fixed_day(client, monkeypatch):
    monkeypatch.setattr(clock, "today", lambda: TODAY)
    client.get("/language/en")


# --- the template ---------------------------------------------------------------------


def test_template_has_the_columns_and_one_example_row_that_passes_the_check(client):
    user, org = university()
    sign_in(client, user)
    response = client.get(f"{URL}template.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    body = response.get_data()
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows[0] == COLUMNS
    assert len(rows) == 2
    # The example uploads as it is, without a problem.
    _url, page = uploaded(client, body)
    assert page.soup.find(id="valid-count").get_text(strip=True) == "1"
    assert page.soup.find(id="problems") is None


# --- the good path -------------------------------------------------------------------


def test_valid_file_preview_then_confirm_creates_people_and_draft_applications(app, client):
    user, org = university()
    known = PersonFactory(
        organisation=org,
        nationality="VN",
        passport_number="NP000002",
        category=Category.STUDY,
        surname="Known",
    )
    sign_in(client, user)
    rows = [
        student(1),
        student(2),  # already in the register: linked
        student(
            3,
            date_of_birth="2007-03-27",
            procedure="residence",
            embassy_country="",
            embassy_city="",
            travel_date="",
            sex="M",
        ),  # ISO dates, F/M/X letters
    ]
    url, page = uploaded(client, csv_bytes(rows))
    assert page.soup.find(id="valid-count").get_text(strip=True) == "3"
    assert page.soup.find(id="linked-count").get_text(strip=True) == "1"
    assert page.soup.find(id="error-count").get_text(strip=True) == "0"
    assert "Ørsted-D" in page.soup.find(id="valid-rows").get_text()
    assert page.soup.find(id="confirm").get_text(strip=True) == "Register 3 students"

    response = confirm(client, url)
    assert response.status_code == 302
    page = get_page(client, response.headers["Location"])
    assert "3 students registered: 2 added to your people register and 1 already there" in (
        page.text
    )
    people = db.session.scalars(select(Person).where(Person.organisation_id == org.id)).all()
    assert len(people) == 3  # two new, the known one not duplicated
    applications = db.session.scalars(
        select(Application).where(Application.organisation_id == org.id)
    ).all()
    assert len(applications) == 3
    assert {a.kind for a in applications} == {ApplicationKind.STUDENT}
    assert {a.status for a in applications} == {ApplicationStatus.DRAFT}
    assert known.id in {a.person_id for a in applications}
    # Each draft holds the answers as typed: complete for the task list, ready to submit.
    rtype = TYPES[ApplicationKind.STUDENT]
    with force_locale("en"):
        for application in applications:
            assert check(rtype, application.answers, TODAY).errors == {}
    iso = next(p for p in people if p.surname == "Ørsted-D")
    assert iso.date_of_birth == date(2007, 3, 27)
    assert iso.sex.value == "male"
    assert iso.category == Category.STUDY
    actions = set(db.session.scalars(select(AuditEvent.action)).all())
    assert {"student_import.uploaded", "student_import.confirmed", "student_import.imported"} <= (
        actions
    )
    # Confirming twice registers nothing more.
    assert confirm(client, url).status_code == 302
    assert count(Application, organisation_id=org.id) == 3


def test_a_file_with_the_old_passport_expiry_column_is_still_read(client):
    user, _org = university()
    sign_in(client, user)
    old_columns = ["passport_expiry" if c == "passport_expires_on" else c for c in COLUMNS]
    rows = [
        {**student(1), "passport_expiry": "31-12-2031"},
        {**student(2), "passport_expiry": "01-01-2026"},  # expired
    ]
    url, page = uploaded(client, csv_bytes(rows, columns=old_columns))
    assert page.soup.find(id="valid-count").get_text(strip=True) == "1"
    assert (
        "3",
        "passport_expires_on",
        "This passport expired on 1 January 2026. Enter the details of the new passport: its "
        "number and dates",
    ) in problems(page)


def test_semicolons_as_dutch_excel_writes_them_and_dutch_messages(client):
    user, org = university()
    sign_in(client, user)
    client.get("/language/nl")
    rows = [student(1), student(2, date_of_birth="31-02-2006")]
    url, page = uploaded(client, csv_bytes(rows, delimiter=";"))
    found = problems(page)
    assert (
        "3",
        "date_of_birth",
        "Vul een bestaande datum in: controleer de dag en de maand, zoals 27-03-1990",
    ) in found
    assert page.soup.find(id="valid-count").get_text(strip=True) == "1"
    # The same batch read in English shows the English message.
    client.get("/language/en")
    assert (
        "3",
        "date_of_birth",
        "Enter a real date: check the day and the month, like 27-03-1990",
    ) in problems(get_page(client, url))


# --- errors in many rows -------------------------------------------------------------


def test_errors_in_many_rows_each_shown_by_row_and_column_and_downloadable(client):
    user, org = university()
    PersonFactory(organisation=org, nationality="VN", passport_number="NP000040")
    sign_in(client, user)
    rows = [student(n) for n in range(1, 61)]
    broken = {
        3: ("date_of_birth", "31-02-2006", "Enter a real date"),
        7: ("nationality", "XX", "Choose a country from the list"),
        11: ("passport_number", "P!", "letters and digits only, 5 to 20 characters"),
        15: ("surname", "", "Enter the surname as in the passport"),
        19: ("end_date", "01-01-2027", ""),
        23: ("v_number", "12345678901", "Enter the V-number in digits only"),
        27: ("place_of_birth", "P" * 150, "Enter at most 100 characters"),
        31: ("email", "not-an-address", "Enter an e-mail address in the right format"),
        35: ("passport_issued_on", "01-01-2001", "The date of issue must be after the date"),
        39: ("sex", "robot", "Choose the sex"),
        43: ("procedure", "", "Choose the procedure"),
        47: ("embassy_city", "", "Enter the city of the embassy or consulate"),
        51: ("programme", "", "Enter the study programme"),
        55: ("passport_expires_on", "01-01-2026", "This passport expired on 1 January 2026"),
    }
    for n, (column, value, _message) in broken.items():
        rows[n - 1][column] = value
    rows[58] = dict(rows[4])  # row 60 repeats row 6 (same passport and nationality)
    url, page = uploaded(client, csv_bytes(rows))
    found = problems(page)
    by_cell = {(row, column): message for row, column, message in found}
    for n, (column, _value, message) in broken.items():
        line = str(n + 1)  # the header is line 1
        assert (line, column) in by_cell, (n, column, sorted(by_cell))
        assert message in by_cell[(line, column)]
    assert "same passport number and nationality as row 6" in by_cell[("60", "passport_number")]
    assert len({row for row, _c, _m in found}) == len(broken) + 1
    assert page.soup.find(id="error-count").get_text(strip=True) == str(len(broken) + 1)
    # Row 41 (passport NP000040) is already in the register: linked, not a problem.
    assert page.soup.find(id="linked-count").get_text(strip=True) == "1"
    # No confirm button while problems remain, and a forced confirm registers nothing.
    assert page.soup.find(id="confirm") is None
    confirm_token = page.soup.find("input", attrs={"name": "csrf_token"})
    token = confirm_token["value"] if confirm_token else get_page(client, URL).csrf()
    client.post(f"{url}/confirm", data={"csrf_token": token})
    assert count(Application, organisation_id=org.id) == 0
    assert count(Person, organisation_id=org.id) == 1

    # The same problems as CSV: row, student, column, value, problem.
    response = client.get(f"{url}/errors.csv")
    assert response.status_code == 200
    lines = list(csv.reader(io.StringIO(response.get_data().decode("utf-8-sig"))))
    assert lines[0] == ["Row", "Student", "Column", "Value", "Problem"]
    csv_cells = {(line[0], line[2]): line[4] for line in lines[1:]}
    assert csv_cells == by_cell
    assert [line[1] for line in lines if line[0] == "4"] == ["Ana Ørsted-D"]  # who it is
    assert any(line[3] == "P!" for line in lines[1:])


def test_a_cell_starting_with_a_formula_sign_is_neutralised_in_the_problems_csv(client):
    user, org = university()
    sign_in(client, user)
    url, _page = uploaded(client, csv_bytes([student(1, surname="=HYPERLINK(1)")]))
    lines = client.get(f"{url}/errors.csv").get_data().decode("utf-8-sig").splitlines()
    assert any(",'=HYPERLINK(1)," in line for line in lines), lines


def test_a_second_upload_of_the_same_students_is_refused_per_row(client):
    user, org = university()
    sign_in(client, user)
    data = csv_bytes([student(1), student(2)])
    url, _page = uploaded(client, data)
    confirm(client, url)
    assert count(Application, organisation_id=org.id) == 2
    _url, page = uploaded(client, data)
    messages = {m for _r, column, m in problems(page) if column == "passport_number"}
    assert len(messages) == 1
    assert "already in the register with a student application that is still open" in (
        messages.pop()
    )


# --- the file as a whole -------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            csv_bytes(
                [student(1, surname="Müller", place_of_birth="Köln", given_names="Jörg")],
                bom=False,
                encoding="latin-1",
            ),
            "not in UTF-8",
        ),
        (csv_bytes([student(1)], delimiter="\t"), "not separated by commas or semicolons"),
        (csv_bytes([student(1)], columns=COLUMNS[2:]), "Missing columns: surname."),
        (csv_bytes([student(1)], columns=[*COLUMNS, "surname"]), "appear twice: surname"),
        (csv_bytes([]), "a header but no rows"),
        (b"", "The file is empty"),
    ],
    ids=["latin-1", "tabs", "missing", "twice", "no-rows", "empty"],
)
def test_a_file_that_cannot_be_read_is_explained_and_nothing_is_stored(client, data, message):
    user, org = university()
    sign_in(client, user)
    response = upload(client, data)
    assert response.status_code == 400
    page = Page(response)
    assert message in page.field_error("file")
    assert count(ImportBatch) == 0


def test_row_and_size_limits_come_from_configuration(app, client, monkeypatch):
    user, org = university()
    sign_in(client, user)
    monkeypatch.setitem(app.config, "IMPORT_MAX_ROWS", 3)
    response = upload(client, csv_bytes([student(n) for n in range(4)]))
    assert response.status_code == 400
    assert "more than 3 rows" in Page(response).field_error("file")
    monkeypatch.setitem(app.config, "IMPORT_MAX_BYTES", 1024 * 1024)
    big = csv_bytes([student(n, programme="x" * 190) for n in range(3)]) + b" " * 1024 * 1024
    # The multipart body built by hand: werkzeug's test client spools large ones to a file
    # it never closes.
    token = get_page(client, URL).csrf()
    boundary = "bulk-boundary"
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n{token}\r\n'
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.csv"\r\n'
            "Content-Type: text/csv\r\n\r\n"
        ).encode()
        + big
        + f"\r\n--{boundary}--\r\n".encode()
    )
    response = client.post(URL, data=body, content_type=f"multipart/form-data; boundary={boundary}")
    assert response.status_code == 400
    assert "larger than 1 MB" in Page(response).field_error("file")
    assert count(ImportBatch) == 0


def test_no_file_chosen(client):
    user, org = university()
    sign_in(client, user)
    token = get_page(client, URL).csrf()
    response = client.post(URL, data={"csrf_token": token}, content_type="multipart/form-data")
    assert response.status_code == 400
    assert "Choose the file with your students" in Page(response).field_error("file")


# --- all or nothing ------------------------------------------------------------------

REFUSE_SQLITE = """CREATE TRIGGER refuse_person BEFORE INSERT ON person
WHEN NEW.surname = 'Refused' BEGIN SELECT RAISE(ABORT, 'refused by the database'); END"""
REFUSE_POSTGRES = [
    """CREATE FUNCTION refuse_person() RETURNS trigger AS $$ BEGIN
    IF NEW.surname = 'Refused' THEN RAISE EXCEPTION 'refused by the database'; END IF;
    RETURN NEW; END $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER refuse_person BEFORE INSERT ON person
    FOR EACH ROW EXECUTE FUNCTION refuse_person()""",
]


def test_a_failure_late_in_the_import_leaves_nothing(app, client, monkeypatch):
    """The database refuses row 28 of 30 (a constraint the checks do not know): everything
    the committed chunks created for rows 1-20 is undone and the batch says nothing was
    registered. The append-only audit log keeps what happened: the creations, then the undo."""
    user, org = university()
    known = PersonFactory(organisation=org, nationality="VN", passport_number="NP000005")
    sign_in(client, user)
    monkeypatch.setitem(app.config, "IMPORT_CHUNK_ROWS", 10)  # earlier chunks already committed
    rows = [student(n) for n in range(1, 31)]
    rows[27]["surname"] = "Refused"
    url, page = uploaded(client, csv_bytes(rows))
    assert page.soup.find(id="valid-count").get_text(strip=True) == "30"
    statements = [REFUSE_SQLITE] if db.engine.dialect.name == "sqlite" else REFUSE_POSTGRES
    for statement in statements:
        db.session.execute(text(statement))
    db.session.commit()
    people_before = count(Person, organisation_id=org.id)

    response = confirm(client, url)
    assert response.status_code == 302
    page = get_page(client, url)
    assert page.soup.find(id="failed") is not None
    assert "Nothing was registered" in page.text
    assert count(Person, organisation_id=org.id) == people_before == 1
    assert count(Application, organisation_id=org.id) == 0
    # Rows 1-20 were stored in two committed chunks (row 5 is the person already registered:
    # linked, not created); the third chunk was rolled back; then the undo.
    assert count(AuditEvent, action="person.created") == 19
    assert count(AuditEvent, action="application.started") == 20
    assert count(AuditEvent, action="student_import.confirmed") == 1
    assert count(AuditEvent, action="student_import.undone") == 1
    assert count(AuditEvent, action="student_import.imported") == 0
    assert db.session.get(ImportBatch, int(url.rsplit("/", 1)[1])).status == ImportStatus.FAILED
    assert db.session.get(Person, known.id) is not None


def test_recognition_suspended_between_preview_and_confirm_registers_nothing(client):
    user, org = university()
    sign_in(client, user)
    url, _page = uploaded(client, csv_bytes([student(1), student(2)]))
    recognition = db.session.scalar(
        select(Recognition).where(Recognition.organisation_id == org.id)
    )
    recognition.status = RecognitionStatus.SUSPENDED
    db.session.commit()
    token = get_page(client, URL).csrf()
    response = client.post(f"{url}/confirm", data={"csrf_token": token}, follow_redirects=True)
    assert "suspended" in Page(response).text
    assert count(Application, organisation_id=org.id) == 0
    assert count(Person, organisation_id=org.id) == 0


# --- progress without JavaScript -----------------------------------------------------


def test_progress_page_refreshes_itself_while_rows_are_checked(client):
    user, org = university()
    batch = ImportBatch(
        organisation_id=org.id,
        created_by_id=user.id,
        filename="intake.csv",
        upload=b"...",
        status=ImportStatus.VALIDATING,
        total_rows=5000,
        done_rows=1500,
        error_rows=0,
        rows=[],
    )
    db.session.add(batch)
    db.session.commit()
    sign_in(client, user)
    page = get_page(client, f"{URL}{batch.id}")
    refresh = page.soup.find("meta", attrs={"http-equiv": "refresh"})
    assert refresh is not None
    assert "Checked 1500 of 5000 rows." in page.soup.find(id="progress").get_text(" ")
    assert all(script.has_attr("src") for script in page.soup.find_all("script"))  # no inline
    batch.status = ImportStatus.VALIDATED
    batch.done_rows = 5000
    db.session.commit()
    page = get_page(client, f"{URL}{batch.id}")
    assert page.soup.find("meta", attrs={"http-equiv": "refresh"}) is None


# --- who may -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "status", "reason"),
    [
        (OrganisationKind.EMPLOYER, RecognitionStatus.GRANTED, "Only higher education"),
        (OrganisationKind.HIGHER_EDUCATION, None, "not recognised as a sponsor for study"),
        (OrganisationKind.HIGHER_EDUCATION, RecognitionStatus.SUSPENDED, "is suspended"),
    ],
)
def test_an_organisation_not_allowed_is_refused_with_the_reason(client, kind, status, reason):
    user = member(OrgRole.ADMINISTRATOR, kind=kind)
    org = user.memberships[0].organisation
    if status is not None:
        recognise(org, Category.STUDY, status)
    sign_in(client, user)
    page = get_page(client, URL)
    assert reason in page.soup.find(id="not-allowed").get_text()
    assert page.soup.find("input", attrs={"type": "file"}) is None
    token = get_page(client, "/people/").soup.find("input", attrs={"name": "csrf_token"})["value"]
    response = client.post(
        URL,
        data={"csrf_token": token, "file": (io.BytesIO(csv_bytes([student(1)])), "s.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 403
    assert reason in Page(response).soup.find(id="not-allowed").get_text()
    assert count(ImportBatch) == 0


def test_nav_link_only_for_universities(client):
    user, _org = university()
    sign_in(client, user)
    nav = get_page(client, "/people/").soup.find("nav", class_="main-nav")
    assert nav.find("a", href=URL) is not None
    other = Page(client.post("/sign-out", data={"csrf_token": get_page(client, "/people/").csrf()}))
    assert other.status in (302, 303)
    employer = member(OrgRole.ADMINISTRATOR)
    sign_in(client, employer)
    nav = get_page(client, "/people/").soup.find("nav", class_="main-nav")
    assert nav.find("a", href=URL) is None


def test_reader_may_not_upload_or_see_batches(client):
    admin, org = university()
    reader = MembershipFactory(organisation=org, role=OrgRole.READER).user
    sign_in(client, admin)
    url, _page = uploaded(client, csv_bytes([student(1)]))
    client.post("/sign-out", data={"csrf_token": get_page(client, "/people/").csrf()})
    sign_in(client, reader)
    for path in (URL, f"{URL}template.csv", url, f"{url}/errors.csv"):
        assert client.get(path).status_code == 403, path
    token = get_page(client, "/people/").soup.find("input", attrs={"name": "csrf_token"})["value"]
    assert client.post(URL, data={"csrf_token": token}).status_code == 403
    assert client.post(f"{url}/confirm", data={"csrf_token": token}).status_code == 403
    assert count(Application, organisation_id=org.id) == 0


def test_another_organisations_batch_is_not_found(client):
    owner, org = university()
    sign_in(client, owner)
    url, _page = uploaded(client, csv_bytes([student(1)]))
    client.post("/sign-out", data={"csrf_token": get_page(client, "/people/").csrf()})
    stranger, _other = university()
    sign_in(client, stranger)
    assert client.get(url).status_code == 404
    assert client.get(f"{url}/errors.csv").status_code == 404
    token = get_page(client, URL).csrf()
    assert client.post(f"{url}/confirm", data={"csrf_token": token}).status_code == 404
    assert count(Application, organisation_id=org.id) == 0
    assert f'href="{url}"' not in get_page(client, URL).html


def test_with_a_queue_the_check_and_the_import_run_in_the_worker_with_progress(client, rq_queue):
    queue, work = rq_queue
    user, org = university()
    sign_in(client, user)
    batch_url, page = uploaded(client, csv_bytes([student(1), student(2)]))
    # The request only stored the file: the page shows progress and refreshes itself.
    assert page.soup.find("meta", attrs={"http-equiv": "refresh"}) is not None
    assert page.soup.find(id="confirm") is None
    assert queue.count == 1
    work()
    page = get_page(client, batch_url)
    assert page.soup.find(id="valid-count").get_text(strip=True) == "2"
    assert confirm(client, batch_url).status_code == 302
    assert count(Person, organisation_id=org.id) == 0  # not in the request
    work()
    db.session.expire_all()
    assert count(Person, organisation_id=org.id) == 2
    assert count(Application, organisation_id=org.id) == 2
    assert "2 students registered" in get_page(client, batch_url).text
