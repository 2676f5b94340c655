"""Answering a letter: documents (type by content, size limit, SHA-256) and a message join the
case; a decided case refuses with a reason; staff see the reply."""

import hashlib
import io
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.models import ApplicationStatus, CaseReply, Document
from tests.support.auth import sign_in, staff_sign_in
from tests.support.factories import ApplicationFactory, OrgRole, UserFactory, member
from tests.support.letters import add_letter, days
from tests.support.pages import Page, get_page, search

PDF = b"%PDF-1.7\n1 0 obj << >> endobj\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64


@pytest.fixture(autouse=True)
def english(client):
    client.get("/language/en")


@pytest.fixture
def request_letter(client):
    user = member()
    organisation = user.memberships[0].organisation
    case = ApplicationFactory(
        organisation=organisation,
        reference="ER-2026-000077-P",
        status=ApplicationStatus.INFORMATION_REQUESTED,
        submitted_at=days(0),
        decision_deadline=date(2027, 3, 1),
    )
    letter = add_letter(
        organisation,
        subject="Please send the code of conduct registration",
        application_id=case.id,
        category="labour",
        respond_by=date.today() + timedelta(days=14),
        at=days(1),
    )
    sign_in(client, user)
    return letter


def send_reply(client, letter, message="", files=()):
    page = get_page(client, f"/inbox/{letter.id}")
    data = {"csrf_token": page.csrf(), "message": message}
    data["documents"] = [(io.BytesIO(content), name) for name, content in files]
    return client.post(f"/inbox/{letter.id}/reply", data=data, content_type="multipart/form-data")


def test_reply_with_documents_joins_the_case(client, request_letter):
    response = send_reply(
        client,
        request_letter,
        "Here is the registration.",
        [("registration.pdf", PDF), ("scan.JPG", JPEG), ("photo.png", PNG)],
    )
    assert response.status_code == 302
    (reply,) = db.session.scalars(select(CaseReply)).all()
    assert reply.message == "Here is the registration."
    assert reply.application_id == request_letter.application_id
    documents = {d.filename: d for d in reply.documents}
    assert set(documents) == {"registration.pdf", "scan.JPG", "photo.png"}
    assert documents["registration.pdf"].content_type == "application/pdf"
    assert documents["scan.JPG"].content_type == "image/jpeg"
    assert documents["photo.png"].sha256 == hashlib.sha256(PNG).hexdigest()
    assert all(d.application_id == request_letter.application_id for d in reply.documents)
    page = get_page(client, f"/inbox/{request_letter.id}")
    assert "registration.pdf" in page.soup.find(id="replies").get_text()
    link = page.soup.find("a", string="registration.pdf")["href"]
    assert client.get(link).get_data() == PDF


@pytest.mark.parametrize(
    ("name", "content", "error"),
    [
        ("evil.pdf", b"MZ\x90\x00 this is an executable", "must be a PDF, JPEG or PNG"),
        ("letter.pdf", b"<html><script>alert(1)</script>", "must be a PDF, JPEG or PNG"),
        ("empty.pdf", b"", "empty"),
    ],
)
def test_upload_rules_type_by_content(client, request_letter, name, content, error):
    response = send_reply(client, request_letter, "See attached", [(name, content)])
    page = Page(response)
    assert page.status == 400
    assert error in page.field_error("documents")
    assert page.value("message").strip() == "See attached"
    assert db.session.scalars(select(Document)).all() == []
    assert db.session.scalars(select(CaseReply)).all() == []


def test_upload_size_limit(app, client, request_letter):
    app.config["DOCUMENT_MAX_BYTES"] = 1000
    try:
        response = send_reply(client, request_letter, "Big", [("big.pdf", PDF + b"x" * 1000)])
    finally:
        app.config.pop("DOCUMENT_MAX_BYTES")
    page = Page(response)
    assert page.status == 400
    assert "larger than" in page.field_error("documents")


def test_an_empty_reply_is_refused(client, request_letter):
    page = Page(send_reply(client, request_letter, "   "))
    assert page.status == 400
    assert "Write a message or choose at least one document" in page.text


def test_reply_after_the_case_is_decided_is_refused_with_a_reason(client, request_letter):
    request_letter.application.status = ApplicationStatus.REFUSED
    db.session.flush()
    page = Page(send_reply(client, request_letter, "Too late?", [("a.pdf", PDF)]))
    assert page.status == 400
    refusal = page.soup.find(id="reply-closed").get_text()
    assert "Case ER-2026-000077-P has been decided" in refusal
    assert "objection" in refusal
    assert db.session.scalars(select(CaseReply)).all() == []
    assert get_page(client, f"/inbox/{request_letter.id}").soup.find(id="reply-closed")


def test_a_reader_cannot_reply(app, request_letter):
    from tests.support.factories import MembershipFactory

    reader = MembershipFactory(organisation=request_letter.organisation, role=OrgRole.READER).user
    other = app.test_client()
    sign_in(other, reader)
    page = get_page(other, f"/inbox/{request_letter.id}")
    response = other.post(
        f"/inbox/{request_letter.id}/reply", data={"csrf_token": page.csrf(), "message": "Hi"}
    )
    assert response.status_code == 403


def test_a_letter_that_asks_nothing_cannot_be_answered(client, request_letter):
    plain = add_letter(request_letter.organisation, subject="Just news", at=days(2))
    assert get_page(client, f"/inbox/{plain.id}").soup.find(id="reply") is None
    page = get_page(client, f"/inbox/{plain.id}")
    response = client.post(
        f"/inbox/{plain.id}/reply", data={"csrf_token": page.csrf(), "message": "Hi"}
    )
    assert response.status_code == 404


def test_another_organisations_letter_and_documents_are_not_found(app, client, request_letter):
    send_reply(client, request_letter, "Mine", [("mine.pdf", PDF)])
    document = db.session.scalars(select(Document)).one()
    stranger = member()
    other = app.test_client()
    sign_in(other, stranger)
    assert other.get(f"/inbox/{request_letter.id}").status_code == 404
    assert other.get(f"/inbox/documents/{document.id}").status_code == 404
    page = get_page(other, "/inbox")
    response = other.post(
        f"/inbox/{request_letter.id}/reply", data={"csrf_token": page.csrf(), "message": "x"}
    )
    assert response.status_code == 404


def test_the_reviewer_sees_the_reply_in_the_back_office(app, client, request_letter):
    send_reply(client, request_letter, "Here it is.", [("registration.pdf", PDF)])
    reviewer = UserFactory(reviewer=True)
    staff = app.test_client()
    staff.get("/language/en")
    staff_sign_in(staff, reviewer)
    page = get_page(staff, f"/backoffice/cases/{request_letter.application_id}/replies")
    assert "Here it is." in page.text
    link = page.soup.find("a", string="registration.pdf")["href"]
    assert staff.get(link).get_data() == PDF


def test_answering_a_request_for_information_restarts_the_clock(app, client):
    """End to end: staff ask (back office), the sponsor answers from the letter, the clock runs."""
    from portal import clock
    from portal.models import Application, ClockSuspension, Letter, LetterKind
    from tests.support.casework import act, submitted_case

    case = submitted_case(days_left=30)
    sponsor = case.organisation.memberships[0].user
    deadline_before = case.decision_deadline
    staff = app.test_client()
    staff.get("/language/en")
    staff_sign_in(staff, UserFactory(reviewer=True))
    respond_by = clock.today() + timedelta(days=14)
    response = act(
        staff,
        case,
        "/request-information",
        **{
            "request-message": "Send the annual accounts for 2025.",
            "request-respond_by": respond_by.isoformat(),
        },
    )
    assert response.status_code == 302
    letter = db.session.scalar(
        select(Letter).where(Letter.kind == LetterKind.REQUEST_FOR_INFORMATION)
    )

    sign_in(client, sponsor)
    assert search(client, "/inbox", q="annual accounts").soup.find("a", string=letter.subject)
    response = send_reply(client, letter, "Accounts attached.", [("accounts-2025.pdf", PDF)])
    assert response.status_code == 302

    case = db.session.get(Application, case.id)
    assert case.status == ApplicationStatus.IN_REVIEW
    assert case.decision_deadline == deadline_before  # answered the same day: no days stood still
    suspension = db.session.scalar(select(ClockSuspension))
    assert suspension.ended_on == clock.today()
    assert "Accounts attached." in suspension.reply_text
    assert "accounts-2025.pdf" in suspension.reply_text
    (document,) = db.session.scalars(select(Document)).all()
    assert document.application_id == case.id

    # The reviewer sees the reply on the case page and the document on the replies page.
    assert "Accounts attached." in get_page(staff, f"/backoffice/cases/{case.id}").text
    replies = get_page(staff, f"/backoffice/cases/{case.id}/replies")
    assert replies.soup.find("a", string="accounts-2025.pdf")

    # A second answer to the same (answered) request changes nothing.
    page = get_page(client, f"/inbox/{letter.id}")
    assert page.soup.find(id="reply-answered")
    response = client.post(
        f"/inbox/{letter.id}/reply", data={"csrf_token": page.csrf(), "message": "Again"}
    )
    assert response.status_code == 302
    assert len(db.session.scalars(select(CaseReply)).all()) == 1


def test_the_letter_page_with_its_reply_form_has_unique_ids(client, request_letter):
    """Regression (found by the browser journey): the reply form and the "Mark as unread"
    form both had id="csrf_token" on a letter that can be answered: invalid HTML."""
    page = get_page(client, f"/inbox/{request_letter.id}")
    forms = [f for f in page.soup.find_all("form", method="post") if "/inbox/" in f["action"]]
    assert len(forms) == 2  # mark as unread, and the reply
    ids = [element["id"] for element in page.soup.find_all(id=True)]
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)
    # Both forms still carry their token and the reply is accepted with it.
    assert all(form.find("input", attrs={"name": "csrf_token"}) for form in forms)
    assert send_reply(client, request_letter, "Here it is.").status_code == 302
