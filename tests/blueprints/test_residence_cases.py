"""Residence applications beyond the form: documents in the task list, the back office's
decision (grant, four-eyes refusal) with the residence_decision letter, the sponsor's case page,
and one journey from a person in the register to the decision letter in the inbox."""

import hashlib
import io
from datetime import date, timedelta

import pytest
from pypdf import PdfReader

from portal import clock
from portal.extensions import db
from portal.models import (
    Application,
    ApplicationStatus,
    AuditEvent,
    Category,
    Document,
    Letter,
    LetterKind,
    Recognition,
    RecognitionStatus,
)
from tests.support import factories
from tests.support.auth import sign_in, sign_out, staff_sign_in, staff_sign_out
from tests.support.casework import act, grant
from tests.support.factories import ApplicationFactory, PersonFactory, UserFactory, member
from tests.support.fees import pay
from tests.support.pages import Page, get_page
from tests.support.residence import (
    JOB,
    PDF,
    PERSON,
    PNG,
    fill_in,
    new_draft,
    recognise,
    save,
    submit,
    upload,
    upload_required,
)

TODAY = date(2026, 11, 29)


@pytest.fixture(autouse=True)
def english_on_a_fixed_day(client, monkeypatch):
    monkeypatch.setattr(clock, "today", lambda: TODAY)
    client.get("/language/en")


def pdf_text(letter) -> str:
    reader = PdfReader(io.BytesIO(letter.pdf))
    text = "\n".join(page.extract_text() for page in reader.pages)
    # pypdf reads some fonts (a name in CJK script) as UTF-16 code units: drop the NULs.
    return text.replace("\x00", "").replace("\xa0", " ").replace("\u202f", " ")


def count(model) -> int:
    return db.session.scalar(db.select(db.func.count()).select_from(model))


def task_status(client, tasks_url: str, key: str) -> str:
    return get_page(client, tasks_url).soup.find(id=f"status-{key}").get_text(strip=True)


# --- documents ------------------------------------------------------------------------------


def test_documents_are_uploaded_per_type_listed_and_removed_on_a_draft(client):
    tasks_url, user = new_draft(client)
    assert task_status(client, tasks_url, "documents") == "Not yet started"
    page = get_page(client, f"{tasks_url}/sections/documents")
    form = page.soup.find("form", enctype="multipart/form-data")
    assert form is not None and form.find("input", attrs={"type": "file", "name": "file"})
    assert page.soup.find("label", attrs={"for": "file"}) is not None
    choices = [i["value"] for i in page.soup.find_all("input", attrs={"name": "purpose"})]
    assert choices == ["passport", "contract", "other"]

    assert upload(client, tasks_url, "passport", PDF, "pas.pdf").status_code == 302
    assert task_status(client, tasks_url, "documents") == "Incomplete"
    assert upload(client, tasks_url, "contract", PNG, "contract scan.png").status_code == 302
    assert task_status(client, tasks_url, "documents") == "Completed"

    documents = db.session.scalars(db.select(Document).order_by(Document.id)).all()
    assert [(d.purpose, d.content_type) for d in documents] == [
        ("passport", "application/pdf"),
        ("contract", "image/png"),
    ]
    assert documents[0].sha256 == hashlib.sha256(PDF).hexdigest()
    page = get_page(client, f"{tasks_url}/sections/documents")
    listed = page.soup.select_one("#documents").get_text(" ", strip=True)
    assert "Copy of the passport" in listed and "pas.pdf" in listed
    assert "contract scan.png" in listed
    download = client.get(f"{tasks_url}/documents/{documents[1].id}")
    assert download.status_code == 200 and download.data == PNG
    assert download.mimetype == "image/png"

    action = f"{tasks_url}/documents/{documents[0].id}/remove"
    remove = page.soup.find("form", action=action)
    token = remove.find("input", attrs={"name": "csrf_token"})["value"]
    response = client.post(action, data={"csrf_token": token})
    assert response.status_code == 302
    assert count(Document) == 1
    assert task_status(client, tasks_url, "documents") == "Incomplete"
    removed = db.session.scalar(
        db.select(AuditEvent).where(AuditEvent.action == "document.removed")
    )
    assert removed.actor_id == user.id


@pytest.mark.parametrize(
    ("content", "filename", "says"),
    [
        (b"GIF89a\x01\x00\x01\x00" + b"\x00" * 40, "passport.pdf", "must be a PDF, JPEG or PNG"),
        (b"MZ\x90\x00" + b"\x00" * 40, "passport.jpg", "must be a PDF, JPEG or PNG"),
        (PNG, "passport.pdf", "name says PDF, but the file is a PNG"),
        (
            b"\xff\xd8\xff\xe0" + b"\x00" * 40,
            "passport.PNG",
            "name says PNG, but the file is a JPEG",
        ),
        (b"", "passport.pdf", "The file is empty"),
        (PDF + b"0" * 3000, "big.pdf", "larger than"),
    ],
    ids=["gif-named-pdf", "exe-named-jpg", "png-named-pdf", "jpeg-named-png", "empty", "too-large"],
)
def test_a_bad_file_is_explained_next_to_the_field_and_nothing_is_stored(
    client, app, monkeypatch, content, filename, says
):
    monkeypatch.setitem(app.config, "DOCUMENT_MAX_BYTES", 2048)
    tasks_url, _user = new_draft(client)
    page = Page(upload(client, tasks_url, "passport", content, filename))
    assert page.status == 400
    assert says in page.field_error("file")
    assert page.soup.select_one(".error-summary a[href='#file']") is not None
    assert page.checked("purpose-0")  # what was chosen is kept
    assert count(Document) == 0
    assert task_status(client, tasks_url, "documents") == "Not yet started"


def test_a_file_without_a_telling_name_is_judged_by_its_content(client):
    tasks_url, _user = new_draft(client)
    assert upload(client, tasks_url, "passport", PNG, "scan from the office").status_code == 302
    assert upload(client, tasks_url, "contract", PDF, "contract.v2.PDF").status_code == 302
    types = db.session.scalars(db.select(Document.content_type).order_by(Document.id)).all()
    assert types == ["image/png", "application/pdf"]


def test_an_application_holds_a_limited_number_of_documents(client, monkeypatch):
    from portal.residence import documents

    monkeypatch.setattr(documents, "MAX_DOCUMENTS", 2)
    tasks_url, _user = new_draft(client)
    assert upload(client, tasks_url, "passport").status_code == 302
    assert upload(client, tasks_url, "passport").status_code == 302
    page = Page(upload(client, tasks_url, "contract"))
    assert page.status == 400 and "at most 2 documents" in page.field_error("file")
    assert count(Document) == 2


def test_an_upload_needs_a_file_and_a_document_type(client):
    tasks_url, _user = new_draft(client)
    url = f"{tasks_url}/sections/documents"
    token = get_page(client, url).csrf()
    page = Page(
        client.post(
            url,
            data={"csrf_token": token, "purpose": "passport"},
            content_type="multipart/form-data",
        )
    )
    assert page.status == 400 and "Choose the file" in page.field_error("file")
    page = Page(
        client.post(
            url,
            data={"csrf_token": token, "file": (io.BytesIO(PDF), "a.pdf")},
            content_type="multipart/form-data",
        )
    )
    assert page.status == 400 and "Choose which document" in page.field_error("purpose")
    assert count(Document) == 0


def test_nothing_is_submitted_without_the_required_documents(client):
    tasks_url, _user = new_draft(client)
    save(client, tasks_url, "person", PERSON)
    save(client, tasks_url, "job", JOB)
    upload(client, tasks_url, "passport")
    check = get_page(client, f"{tasks_url}/check")
    assert "Documents" in check.soup.select_one("#incomplete").text
    page = Page(submit(client, tasks_url))
    assert page.status == 400
    application = db.session.scalar(db.select(Application))
    assert application.status == ApplicationStatus.DRAFT and application.reference is None
    assert count(Letter) == 0


def test_documents_stay_with_the_case_after_submission(client):
    user = member()
    recognise(user)
    sign_in(client, user)
    tasks_url = fill_in(client)
    response = submit(client, tasks_url)
    application = db.session.scalar(db.select(Application))
    document = db.session.scalar(db.select(Document).where(Document.purpose == "passport"))
    token = get_page(client, "/dashboard").csrf()
    removal = client.post(f"{tasks_url}/documents/{document.id}/remove", data={"csrf_token": token})
    assert removal.status_code == 302
    assert db.session.get(Document, document.id) is not None
    assert client.get(f"{tasks_url}/sections/documents").status_code == 302
    case = get_page(client, response.headers["Location"])
    listed = case.soup.select_one("#documents").get_text(" ", strip=True)
    assert "passport.pdf" in listed and "contract.pdf" in listed
    sent = [d["purpose"] for d in application.snapshot["documents"]]
    assert sent == ["passport", "contract"]


def test_another_organisations_documents_are_not_found(client):
    theirs = ApplicationFactory(kind="hsm_residence", answers={})
    document = Document(
        organisation_id=theirs.organisation_id,
        application_id=theirs.id,
        purpose="passport",
        filename="secret.pdf",
        content_type="application/pdf",
        size_bytes=len(PDF),
        sha256=hashlib.sha256(PDF).hexdigest(),
        content=PDF,
    )
    db.session.add(document)
    db.session.flush()
    sign_in(client, member())
    base = f"/applications/residence/{theirs.id}"
    assert client.get(f"{base}/documents/{document.id}").status_code == 404
    assert client.get(f"{base}/sections/documents").status_code == 404
    assert client.get(f"/applications/{theirs.id}").status_code == 404
    token = get_page(client, "/dashboard").csrf()
    removal = client.post(f"{base}/documents/{document.id}/remove", data={"csrf_token": token})
    assert removal.status_code == 404
    upload_page = client.post(
        f"{base}/sections/documents",
        data={"csrf_token": token, "purpose": "passport", "file": (io.BytesIO(PDF), "x.pdf")},
        content_type="multipart/form-data",
    )
    assert upload_page.status_code == 404
    assert count(Document) == 1


# --- who may file what ------------------------------------------------------------------------


def test_a_suspension_that_has_ended_allows_filing_again_and_a_withdrawal_does_not(client):
    user = member()
    organisation = user.memberships[0].organisation
    for category, status, until in (
        (Category.LABOUR, RecognitionStatus.SUSPENDED, TODAY - timedelta(days=1)),
        (Category.STUDY, RecognitionStatus.SUSPENDED, TODAY),
        (Category.RESEARCH, RecognitionStatus.WITHDRAWN, None),
    ):
        factories.recognise(organisation, category, status, suspended_until=until)
    sign_in(client, user)
    page = get_page(client, "/applications/residence/new")

    def disabled(kind):
        return page.soup.find("input", attrs={"value": kind}).has_attr("disabled")

    assert not disabled("hsm_residence")  # suspended until yesterday: in force again
    assert disabled("student")  # suspended until today, inclusive
    assert disabled("researcher")  # withdrawn
    assert not disabled("eu_blue_card")
    token = page.csrf()
    for kind, status in (("researcher", 400), ("student", 400), ("hsm_residence", 302)):
        response = client.post(
            "/applications/residence/new", data={"csrf_token": token, "kind": kind}
        )
        assert response.status_code == status, kind
    assert count(Application) == 1


# --- bad input not tested elsewhere -------------------------------------------------------------


def test_an_impossible_start_date_is_refused_and_what_was_typed_kept(client):
    tasks_url, _user = new_draft(client)
    save(client, tasks_url, "person", PERSON)
    page = Page(save(client, tasks_url, "job", {**JOB, "start_date": "31-02-2026"}))
    assert page.status == 400
    assert "Enter a real date" in page.field_error("start_date")
    assert page.value("start_date") == "31-02-2026"
    assert page.value("monthly_salary") == "5.942,00"


@pytest.mark.parametrize("typed", ["5.688,00", "5,688.00", "5688", "€ 5.688"])
def test_a_salary_typed_the_dutch_or_the_english_way_is_read_the_same(client, typed):
    tasks_url, _user = new_draft(client)
    # Under 30 on the application date: the threshold is €4,357.00.
    save(client, tasks_url, "person", {**PERSON, "date_of_birth": "01-01-2000"})
    assert save(client, tasks_url, "job", {**JOB, "monthly_salary": typed}).status_code == 302
    upload_required(client, tasks_url, "hsm_residence")
    check = get_page(client, f"{tasks_url}/check")
    assert "€5,688.00" in check.text
    assert submit(client, tasks_url).status_code == 302
    snapshot = db.session.scalar(db.select(Application)).snapshot
    assert snapshot["answers"]["job"]["monthly_salary"] == 568800


# --- the back office --------------------------------------------------------------------------


def submitted_residence(client, **organisation):
    """A recognised sponsor's submitted highly skilled migrant application; signed out after."""
    user = member(**organisation)
    recognise(user)
    sign_in(client, user)
    tasks_url = fill_in(client, person={**PERSON, "v_number": "12 3456 7890"})
    assert submit(client, tasks_url).status_code == 302
    sign_out(client)
    application = db.session.scalar(db.select(Application))
    pay(application)
    return user, application


def test_the_back_office_shows_a_residence_case_with_answers_person_documents_and_fee(client):
    user, case = submitted_residence(client)
    reviewer = UserFactory(reviewer=True)
    staff_sign_in(client, reviewer)
    page = get_page(client, f"/backoffice/cases/{case.id}")
    text = page.text
    assert "regular fee" not in text and "reduced fee" not in text
    assert "€423.00" in text
    assert "O'Brien-Núñez" in text and "1234567890" in text
    answers = page.soup.select_one("#residence-answers").get_text(" ", strip=True)
    assert "Data engineer" in answers and "€5,942.00" in answers and "PA1234567" in answers
    assert "13 December 2026" in text  # target date: a recognised sponsor
    # The checklist is the residence type's, not recognition's.
    assert "Salary criterion met" in text and "Identity and passport checked" in text
    assert "Continuity and solvency" not in text
    links = page.soup.select("#documents a")
    assert [a.get_text() for a in links] == ["passport.pdf", "contract.pdf"]
    download = client.get(links[0]["href"])
    assert download.status_code == 200 and download.data == PDF
    actions = [
        e.action
        for e in db.session.scalars(db.select(AuditEvent).where(AuditEvent.actor_id == reviewer.id))
    ]
    assert "staff.case.viewed" in actions and "staff.document.viewed" in actions


def test_granting_a_residence_case_sends_the_decision_letter_and_no_recognition(client):
    user, case = submitted_residence(client)
    recognitions = count(Recognition)
    reviewer = UserFactory(reviewer=True)
    staff_sign_in(client, reviewer)
    # Claimed, checklist not answered: the type's items are named and nothing is granted.
    act(client, case, "/claim")
    early = get_page(client, f"/backoffice/cases/{case.id}/grant")
    blockers = early.soup.select_one("#grant-blockers").get_text(" ", strip=True)
    assert "Not checked yet: Salary criterion met" in blockers
    assert "Not checked yet: Identity and passport checked" in blockers
    assert early.soup.find("form", action=f"/backoffice/cases/{case.id}/grant") is None
    confirm = Page(grant(client, case, follow_redirects=False))
    assert confirm.status == 302
    page = get_page(client, f"/backoffice/cases/{case.id}/grant")
    case = db.session.get(Application, case.id)
    assert case.status == ApplicationStatus.GRANTED and case.decided_by_id == reviewer.id
    assert count(Recognition) == recognitions
    letter = db.session.scalar(
        db.select(Letter).where(Letter.kind == LetterKind.RESIDENCE_DECISION)
    )
    text = pdf_text(letter)
    assert "grant" in text and "Zoë 李 O'Brien-Núñez" in letter.person_name
    assert "1234567890" in text
    assert "31 January 2029" in text  # valid until the contract end
    assert "residence permit as a highly skilled migrant" in text
    assert "within 6 weeks" in text and case.reference in text
    # The grant sent again (a second tab, a double click) changes nothing.
    again = client.post(
        f"/backoffice/cases/{case.id}/grant",
        data={"csrf_token": page.csrf(), "version": case.version - 1},
        follow_redirects=True,
    )
    assert "already been decided" in Page(again).text
    assert count(Letter) == 4  # acknowledgement, fee letter, payment received and decision


def test_a_residence_refusal_needs_a_second_reviewer(client):
    user, case = submitted_residence(client, preferred_language="nl")
    first = UserFactory(reviewer=True)
    second = UserFactory(reviewer=True)
    staff_sign_in(client, first)
    reason = "Het salaris is niet marktconform."
    response = act(client, case, "/decision", **{"decision-reason": reason})
    assert response.status_code == 302
    assert db.session.get(Application, case.id).status == ApplicationStatus.SUBMITTED
    own = act(client, case, "/refusal", follow_redirects=True, **{"refusal-verdict": "approve"})
    assert "another reviewer must approve it" in Page(own).text
    assert db.session.get(Application, case.id).status == ApplicationStatus.SUBMITTED
    staff_sign_out(client)

    staff_sign_in(client, second)
    assert act(client, case, "/refusal", **{"refusal-verdict": "approve"}).status_code == 302
    case = db.session.get(Application, case.id)
    assert case.status == ApplicationStatus.REFUSED and case.decided_by_id == second.id
    letter = db.session.scalar(
        db.select(Letter).where(Letter.kind == LetterKind.RESIDENCE_DECISION)
    )
    text = pdf_text(letter)
    assert letter.language == "nl"
    assert "af te wijzen" in text and reason in text
    assert "O'Brien-Núñez" in text and "binnen 6 weken" in text and "bezwaar" in text
    assert "kennismigrant" in text


# --- the whole journey --------------------------------------------------------------------------


def test_from_the_register_to_the_decision_letter(client, app, monkeypatch):
    user = member(legal_name="Brightwave B.V.")
    organisation = recognise(user)
    person = PersonFactory(
        organisation=organisation,
        given_names="Siobhán",
        surname="D'Arcy-Ødegård",
        date_of_birth=date(1988, 4, 2),
        v_number="2345678901",
    )
    sign_in(client, user)

    # The person in the register → a residence application about them, prefilled.
    profile = get_page(client, f"/people/{person.id}")
    link = profile.soup.find("a", string=lambda s: s and "Start a residence application" in s)
    form = get_page(client, link["href"])
    response = client.post(
        "/applications/residence/new",
        data={"csrf_token": form.csrf(), "kind": "hsm_residence", "person": person.id},
    )
    tasks_url = response.headers["Location"]
    section = get_page(client, f"{tasks_url}/sections/person")
    assert section.value("surname") == "D'Arcy-Ødegård"
    assert section.value("date_of_birth") == "02-04-1988"
    typed = {**PERSON, "surname": "D'Arcy-Ødegård", "given_names": "Siobhán"}
    typed.update(date_of_birth="02-04-1988", v_number="2345678901")
    assert save(client, tasks_url, "person", typed).status_code == 302
    assert save(client, tasks_url, "job", JOB).status_code == 302
    upload_required(client, tasks_url, "hsm_residence")
    token = get_page(client, f"{tasks_url}/check").csrf()
    data = {"csrf_token": token, "declaration": "y"}
    first = client.post(f"{tasks_url}/check", data=data)
    second = client.post(f"{tasks_url}/check", data=data)  # double submit: one case
    assert first.status_code == second.status_code == 302
    assert count(Application) == 1
    case = db.session.scalar(db.select(Application))
    assert case.person_id == person.id
    case_url = first.headers["Location"]
    original_deadline = case.decision_deadline
    pay(case)  # the fee arrives by transfer

    # The IND (in its own browser) asks for information; the clock stops.
    staff = app.test_client()
    staff.get("/language/en")
    reviewer = UserFactory(reviewer=True, name="Rita Reviewer")
    staff_sign_in(staff, reviewer)
    assert act(staff, case, "/claim").status_code == 302
    respond_by = TODAY + timedelta(days=14)
    asked = act(
        staff,
        case,
        "/request-information",
        **{
            "request-message": "Send the signed employment contract.",
            "request-respond_by": respond_by.isoformat(),
        },
    )
    assert asked.status_code == 302

    # The sponsor sees what the IND waits for, and answers from the letter in the inbox.
    page = get_page(client, case_url)
    waiting = page.soup.select_one("#waiting").get_text(" ", strip=True)
    assert "Respond by 13 December 2026" in waiting
    request_letter = db.session.scalar(
        db.select(Letter).where(Letter.kind == LetterKind.REQUEST_FOR_INFORMATION)
    )
    inbox = get_page(client, "/inbox")
    assert request_letter.subject in inbox.text
    monkeypatch.setattr(clock, "today", lambda: TODAY + timedelta(days=5))
    letter_page = get_page(client, f"/inbox/{request_letter.id}")
    reply = client.post(
        f"/inbox/{request_letter.id}/reply",
        data={
            "csrf_token": letter_page.csrf(),
            "message": "Here is the signed contract.",
            "documents": (io.BytesIO(PDF), "signed contract.pdf"),
        },
        content_type="multipart/form-data",
    )
    assert reply.status_code == 302, reply.get_data(as_text=True)[-800:]
    case = db.session.get(Application, case.id)
    assert case.status == ApplicationStatus.IN_REVIEW
    assert case.decision_deadline == original_deadline + timedelta(days=5)
    page = get_page(client, case_url)
    deadline = page.soup.select_one("#deadline").get_text(" ", strip=True)
    assert "4 March 2027" in deadline and "Moved by 5 days" in deadline

    # The reviewer finds the reply and its document from the case.
    case_page = get_page(staff, f"/backoffice/cases/{case.id}")
    replies = get_page(staff, case_page.soup.select_one("#replies-link")["href"])
    assert "Here is the signed contract." in replies.text
    assert "signed contract.pdf" in replies.text

    # The IND grants; no recognition is created by it.
    recognitions = count(Recognition)
    granted = grant(staff, case)
    assert granted.status_code == 302
    assert count(Recognition) == recognitions

    # The decision letter is in the inbox; the case page tells the whole story.
    decision = db.session.scalar(
        db.select(Letter).where(Letter.kind == LetterKind.RESIDENCE_DECISION)
    )
    assert decision.subject in get_page(client, "/inbox").text
    pdf = client.get(f"/inbox/{decision.id}/pdf")
    assert pdf.status_code == 200
    text = pdf_text(decision)
    assert "Siobhán D'Arcy-Ødegård" in text and "2345678901" in text
    assert "within 6 weeks" in text and "objection" in text
    # The permit joins the sponsor's permits overview, valid until the contract's end.
    permits = get_page(client, "/permits")
    rows = [tr.get_text(" ", strip=True) for tr in permits.soup.select("tbody tr")]
    assert len(rows) == 1
    assert "Siobhán D'Arcy-Ødegård" in rows[0] and "31 January 2029" in rows[0]
    page = get_page(client, case_url)
    timeline = [li.get_text(" ", strip=True) for li in page.soup.select("#timeline li")]
    assert [t.split(" ")[0] for t in timeline] == [
        "Application",  # started
        "Submitted",
        "Review",  # started, by the IND
        "Information",  # requested
        "Reply",  # sent, by the sponsor's user
        "Granted",
    ]
    assert "by the IND" in timeline[2] and "by the IND" in timeline[-1]
    assert user.name in timeline[1] and user.name in timeline[4]
    letters = [a.get_text() for a in page.soup.select("#letters a")]
    kinds = [
        letter.subject
        for letter in db.session.scalars(db.select(Letter).order_by(Letter.issued_at, Letter.id))
    ]
    assert letters == kinds and len(letters) == 5  # with "payment received"
    assert letters[1].startswith("Fee to pay: ")
    assert "Granted" in page.soup.select_one("#case-summary").get_text(" ", strip=True)
    assert "Nothing: this application has been decided." in page.text


def test_a_request_for_information_on_a_residence_case_names_the_person(client):
    """Regression (found by the browser journey): the request for information about a
    residence case did not say which person it concerned, on the letter or in the inbox."""
    user, case = submitted_residence(client)
    reviewer = UserFactory(reviewer=True)
    staff_sign_in(client, reviewer)
    asked = act(
        client,
        case,
        "/request-information",
        **{
            "request-message": "Send the signed employment contract.",
            "request-respond_by": (TODAY + timedelta(days=14)).isoformat(),
        },
    )
    assert asked.status_code == 302
    letter = db.session.scalar(
        db.select(Letter).where(Letter.kind == LetterKind.REQUEST_FOR_INFORMATION)
    )
    assert letter.person_name == "Zoë 李 O'Brien-Núñez"
    assert letter.v_number == "1234567890"
    assert "O'Brien-Núñez" in pdf_text(letter)  # scripts: tests/services/test_letter_scripts.py
    staff_sign_out(client)
    sign_in(client, user)
    row = get_page(client, "/inbox").soup.find("a", string=letter.subject).find_parent("tr")
    assert "O'Brien-Núñez (1234567890)" in row.get_text(" ", strip=True)
