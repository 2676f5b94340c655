"""Issue 4's rule boundaries through HTTP (the rules themselves are unit-tested in
tests/services/test_residence_rules.py): the 30th birthday on the application date, 31 December
against 1 January, the mid-2024 EU Blue Card change, the real 10 MB upload limit, and a
submitted residence application in the back office's queue."""

from datetime import date

import pytest

from portal import clock
from portal.extensions import db
from portal.models import Application, ApplicationStatus, Document
from tests.support.auth import sign_in, staff_sign_in
from tests.support.factories import UserFactory, member
from tests.support.pages import Page, get_page
from tests.support.residence import (
    JOB,
    PDF,
    PERSON,
    fill_in,
    recognise,
    save,
    start,
    submit,
)


@pytest.fixture(autouse=True)
def english(client):
    client.get("/language/en")


def on(monkeypatch, day: date) -> None:
    monkeypatch.setattr(clock, "today", lambda: day)


def count(model) -> int:
    return db.session.scalar(db.select(db.func.count()).select_from(model))


# --- the 30th birthday on the application date ------------------------------------------


@pytest.mark.parametrize(
    ("born", "status"),
    [
        ("29-11-1996", 400),  # turns 30 on the application date: the 30-or-older threshold
        ("30-11-1996", 302),  # turns 30 tomorrow: still under 30, the lower threshold
    ],
)
def test_the_30th_birthday_on_the_application_date_counts_as_30(client, monkeypatch, born, status):
    on(monkeypatch, date(2026, 11, 29))
    user = member()
    recognise(user)
    sign_in(client, user)
    tasks_url = start(client, "hsm_residence")
    assert save(client, tasks_url, "person", {**PERSON, "date_of_birth": born}).status_code == 302
    page = Page(save(client, tasks_url, "job", {**JOB, "monthly_salary": "4.357,00"}))
    assert page.status == status
    if status == 400:
        error = page.field_error("monthly_salary")
        assert "below the threshold of €5,942.00" in error
        assert "aged 30 or older" in error and "29 November 2026" in error
        assert page.value("monthly_salary") == "4.357,00"


# --- 31 December against 1 January ----------------------------------------------------------


def test_a_draft_that_met_the_threshold_on_31_december_is_held_back_on_1_january(
    client, monkeypatch
):
    on(monkeypatch, date(2025, 12, 31))
    user = member()
    recognise(user)
    sign_in(client, user)
    salary = {**JOB, "monthly_salary": "5.800"}  # above 2025's €5,688, below 2026's €5,942
    tasks_url = fill_in(client, job=salary)
    check = get_page(client, f"{tasks_url}/check")
    assert check.soup.select_one("#incomplete") is None
    assert "€5,688.00" in check.text

    # The application date is the day of submission: on 1 January the 2026 threshold applies.
    on(monkeypatch, date(2026, 1, 1))
    job = get_page(client, f"{tasks_url}/sections/job")
    error = job.field_error("monthly_salary")
    assert "below the threshold of €5,942.00" in error and "1 January 2026" in error
    assert job.value("monthly_salary") == "5.800"
    assert "The job" in get_page(client, f"{tasks_url}/check").soup.select_one("#incomplete").text
    refused = Page(submit(client, tasks_url))
    assert refused.status == 400
    application = db.session.scalar(db.select(Application))
    assert application.status == ApplicationStatus.DRAFT and application.reference is None

    # Raised to the new threshold, it goes through.
    assert save(client, tasks_url, "job", {**JOB, "monthly_salary": "5.942"}).status_code == 302
    assert submit(client, tasks_url).status_code == 302
    application = db.session.scalar(db.select(Application))
    assert application.reference.startswith("KM-2026-")
    assert application.snapshot["salary_threshold_cents"] == 594200


# --- the mid-2024 EU Blue Card change --------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "salary", "recent_graduate", "says"),
    [
        (date(2024, 6, 30), "5.400", "no", "below the threshold of €6,245.00"),
        (date(2024, 7, 1), "5.400", "no", None),  # the lower standard threshold from 1 July
        (date(2024, 6, 30), "5.400", "yes", "applies to applications from 1 July 2024"),
        (date(2024, 7, 1), "4.265", "yes", None),  # the new recent-graduate criterion
        (date(2024, 7, 1), "4.264,99", "yes", "below the threshold of €4,265.00"),
    ],
)
def test_the_eu_blue_card_change_of_1_july_2024(
    client, monkeypatch, day, salary, recent_graduate, says
):
    on(monkeypatch, day)
    sign_in(client, member())  # the EU Blue Card needs no recognition
    tasks_url = start(client, "eu_blue_card")
    person = {**PERSON, "procedure": "residence"}
    assert save(client, tasks_url, "person", person).status_code == 302
    job = {k: v for k, v in JOB.items() if k != "reduced_criterion"}
    job.update(monthly_salary=salary, recent_graduate=recent_graduate)
    page = Page(save(client, tasks_url, "job", job))
    if says is None:
        assert page.status == 302
    else:
        assert page.status == 400
        error = page.field_error("monthly_salary") or page.field_error("recent_graduate")
        assert says in error
        assert page.value("monthly_salary") == salary


# --- documents: the real limit of 10 MB -----------------------------------------------------


def upload_bytes(client, tasks_url: str, content: bytes, filename: str):
    """A multipart body built by hand: werkzeug's test client spools large ones to a file it
    never closes."""
    url = f"{tasks_url}/sections/documents"
    token = get_page(client, url).csrf()
    boundary = "residence-boundary"
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n{token}\r\n'
        f'--{boundary}\r\nContent-Disposition: form-data; name="purpose"\r\n\r\npassport\r\n'
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"\r\n'
        "Content-Type: application/pdf\r\n\r\n"
    ).encode()
    body = head + content + f"\r\n--{boundary}--\r\n".encode()
    return client.post(url, data=body, content_type=f"multipart/form-data; boundary={boundary}")


def test_a_document_of_10_mb_is_accepted_and_one_byte_more_is_refused(client, monkeypatch):
    on(monkeypatch, date(2026, 11, 29))
    user = member()
    recognise(user)
    sign_in(client, user)
    tasks_url = start(client, "hsm_residence")
    limit = 10 * 1024 * 1024
    too_large = PDF + b"0" * (limit + 1 - len(PDF))
    page = Page(upload_bytes(client, tasks_url, too_large, "passport.pdf"))
    assert page.status == 400
    assert "larger than 10 MB" in page.field_error("file")
    assert count(Document) == 0
    response = upload_bytes(client, tasks_url, too_large[:limit], "passport.pdf")
    assert response.status_code == 302
    assert db.session.scalar(db.select(Document.size_bytes)) == limit


# --- the IND side: residence applications join the queue --------------------------------------


def test_a_submitted_residence_application_joins_the_back_office_queue(client, app, monkeypatch):
    on(monkeypatch, date(2026, 11, 29))
    user = member(legal_name="Queue Test B.V.")
    recognise(user)
    sign_in(client, user)
    draft_url = start(client, "hsm_entry")  # a draft: not in the queue
    tasks_url = fill_in(client)
    assert submit(client, tasks_url).status_code == 302
    submitted = db.session.scalar(
        db.select(Application).where(Application.status == ApplicationStatus.SUBMITTED)
    )
    assert draft_url != tasks_url

    staff = app.test_client()
    staff.get("/language/en")
    staff_sign_in(staff, UserFactory(reviewer=True))

    def rows(query=""):
        page = get_page(staff, f"/backoffice/{query}")
        return [tr.get_text(" ", strip=True) for tr in page.soup.select("tbody tr")]

    listed = rows()
    assert len(listed) == 1
    assert submitted.reference in listed[0] and "Queue Test B.V." in listed[0]
    assert "27 February 2027" in listed[0]  # the statutory deadline: 90 days
    assert [submitted.reference in r for r in rows("?kind=hsm_residence")] == [True]
    assert rows("?kind=recognition") == []
    page = get_page(staff, "/backoffice/")
    link = page.soup.find("a", string=submitted.reference)
    assert link["href"] == f"/backoffice/cases/{submitted.id}"
    assert get_page(staff, link["href"]).status == 200


# --- the sponsor's case page while the clock is stopped -------------------------------------


def test_while_the_clock_is_stopped_the_sponsor_sees_it_and_where_the_deadline_would_move(
    client, app, monkeypatch
):
    from datetime import timedelta

    from tests.support.casework import act

    submitted_on = date(2026, 11, 29)
    on(monkeypatch, submitted_on)
    user = member()
    recognise(user)
    sign_in(client, user)
    response = submit(client, fill_in(client))
    case_url = response.headers["Location"]
    case = db.session.scalar(db.select(Application))
    assert case.decision_deadline == date(2027, 2, 27)

    staff = app.test_client()
    staff.get("/language/en")
    staff_sign_in(staff, UserFactory(reviewer=True))
    asked = act(
        staff,
        case,
        "/request-information",
        **{
            "request-message": "Send the signed contract.",
            "request-respond_by": (submitted_on + timedelta(days=14)).isoformat(),
        },
    )
    assert asked.status_code == 302

    # Three days later: no countdown, but the stopped clock and the deadline a reply would give.
    on(monkeypatch, submitted_on + timedelta(days=3))
    deadline = get_page(client, case_url).soup.select_one("#deadline").get_text(" ", strip=True)
    assert "Clock stopped" in deadline and "since 29 November 2026" in deadline
    assert "at most until 13 December 2026" in deadline
    assert "it would become 2 March 2027" in deadline  # 27 February + 3 days
    assert "days left" not in deadline
    # Past the respond-by date the clock runs again: the move stops growing at 14 days.
    on(monkeypatch, submitted_on + timedelta(days=30))
    deadline = get_page(client, case_url).soup.select_one("#deadline").get_text(" ", strip=True)
    assert "it would become 13 March 2027" in deadline
