"""The demo tells the truth (issue 14): its history happened on the dates it shows — nothing
is decided before it was submitted or stamped later than now — its documents and letters are
real PDFs and images, and what the portal says about it holds (no overdue duty that was done,
a request for information with its clock stopped since the day it was asked)."""

import io
from datetime import timedelta

import pytest
from pypdf import PdfReader

from portal import clock
from portal.demo import DEMO_PASSWORD, INFORMATION_REQUESTED_DAYS_AGO
from portal.demo import load as load_demo
from portal.extensions import db
from portal.identity import accounts
from portal.models import Application, Document, Letter, LetterKind
from portal.models.base import utcnow
from tests.support.auth import sign_in
from tests.support.pages import get_page


@pytest.fixture
def demo(app, client):
    with app.test_request_context():
        load_demo()
    db.session.commit()
    client.get("/language/en")


def test_every_step_happened_before_now_and_in_order(demo):
    now = utcnow()
    applications = db.session.scalars(db.select(Application)).all()
    assert applications
    for application in applications:
        assert application.created_at <= now
        if application.submitted_at is not None:
            assert application.created_at <= application.submitted_at <= now
        if application.decided_at is not None:
            assert application.submitted_at < application.decided_at <= now
    letters = db.session.scalars(db.select(Letter)).all()
    assert all(letter.issued_at <= now for letter in letters)
    # Recognitions were granted long ago, not on the day the demo was loaded.
    granted = [x for x in letters if x.kind == LetterKind.RECOGNITION_GRANTED]
    assert granted and all(
        clock.local_date(x.issued_at) < clock.today() - timedelta(days=90) for x in granted
    )
    days = {clock.local_date(x.issued_at) for x in letters}
    assert len(days) >= 8  # spread over past months, not stamped today


def test_documents_and_letters_are_real_pdfs_and_images(demo):
    documents = db.session.scalars(db.select(Document)).all()
    assert {d.content_type for d in documents} == {"application/pdf", "image/png"}
    for document in documents:
        if document.content_type == "application/pdf":
            assert PdfReader(io.BytesIO(document.content), strict=True).pages[0].extract_text()
        else:
            assert document.content.startswith(b"\x89PNG\r\n\x1a\n")
            assert document.content[12:16] == b"IHDR"
    for letter in db.session.scalars(db.select(Letter)).all():
        assert len(PdfReader(io.BytesIO(letter.pdf), strict=True).pages) >= 1


@pytest.mark.parametrize(
    "email", ["employer@demo.example", "university@demo.example", "starter@demo.example"]
)
def test_no_demo_duty_is_overdue_and_nothing_contradicts_itself(demo, client, email):
    sign_in(client, accounts.find_user_by_email(email), DEMO_PASSWORD)
    page = get_page(client, "/todo")
    assert page.soup.select(".todo-item--overdue") == []
    if email == "university@demo.example":
        duty = get_page(client, "/duties").soup.find(id="study-progress").get_text(" ")
        assert "overdue" not in duty


def test_the_open_request_stopped_the_clock_on_the_day_it_was_asked(demo, client):
    sign_in(client, accounts.find_user_by_email("starter@demo.example"), DEMO_PASSWORD)
    request = db.session.scalar(
        db.select(Letter).where(Letter.kind == LetterKind.REQUEST_FOR_INFORMATION)
    )
    asked = clock.today() - timedelta(days=INFORMATION_REQUESTED_DAYS_AGO)
    assert clock.local_date(request.issued_at) == asked
    assert request.respond_by > clock.today()
    deadline = get_page(client, f"/applications/{request.application_id}").soup.find(id="deadline")
    text = deadline.get_text(" ", strip=True)
    assert f"Clock stopped since {asked.strftime('%-d %B %Y')}" in text
    assert "days left" not in text
    todo = get_page(client, "/todo").soup.select("#todo-list li[data-kind=letter]")
    assert len(todo) == 1


def test_the_demo_has_a_paid_and_an_unpaid_fee_and_the_sample_statement_pays_the_unpaid(demo):
    """Issue 17: one paid and one unpaid fee; `flask fees sample-statement` matches the open."""
    from portal.fees.sample import sample_statement
    from portal.models import Fee

    fees = db.session.scalars(db.select(Fee)).all()
    paid = [fee for fee in fees if fee.paid_on is not None]
    open_fees = [fee for fee in fees if fee.paid_on is None]
    assert paid and open_fees
    assert all(fee.amount_cents for fee in open_fees)  # payable: an amount and a date to pay by
    statement = sample_statement()
    for fee in open_fees:
        assert fee.application.reference in statement
    for fee in paid:
        assert fee.application.reference not in statement
