"""A request for information end to end, through HTTP: the reviewer asks, the sponsor answers
with a document from the letter; then every page tells the same, true story."""

import io
from datetime import timedelta

import pytest

from portal import clock
from portal.extensions import db
from portal.models import ApplicationStatus, ClockSuspension, Letter, LetterKind
from tests.support.auth import sign_in, sign_out, staff_sign_in, staff_sign_out
from tests.support.casework import act, submitted_case
from tests.support.factories import UserFactory
from tests.support.pages import get_page

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def english(client):
    client.get("/language/en")


def ask(client, case, days=14):
    respond_by = clock.today() + timedelta(days=days)
    response = act(
        client,
        case,
        "/request-information",
        **{
            "request-message": "Send the trade register extract.",
            "request-respond_by": str(respond_by),
        },
    )
    assert response.status_code == 302
    return respond_by


def answer(client, letter, message="Here is the extract.", files=(("extract.pdf", PDF),)):
    page = get_page(client, f"/inbox/{letter.id}")
    data = {
        "csrf_token": page.soup.find(id="csrf-reply")["value"],
        "message": message,
        "documents": [(io.BytesIO(content), name) for name, content in files],
    }
    return client.post(f"/inbox/{letter.id}/reply", data=data, content_type="multipart/form-data")


def test_the_answer_closes_the_request_everywhere_and_its_document_joins_the_case(client):
    case = submitted_case(days_left=30)
    sponsor = case.created_by
    reviewer = UserFactory(reviewer=True)
    staff_sign_in(client, reviewer)
    respond_by = ask(client, case)
    staff_sign_out(client)
    letter = db.session.scalar(
        db.select(Letter).where(Letter.kind == LetterKind.REQUEST_FOR_INFORMATION)
    )

    sign_in(client, sponsor)
    before = get_page(client, f"/applications/{case.id}")
    stopped = before.soup.find(id="deadline").get_text(" ", strip=True)
    assert "Clock stopped since" in stopped and "days left" not in stopped
    assert f"/inbox/{letter.id}" in {
        a["href"] for a in get_page(client, "/inbox?needs_action=y").soup.select("table a")
    }
    assert "1 letter needs action" in get_page(client, "/dashboard").text

    assert answer(client, letter).status_code == 302

    today = clock.today()
    letter_page = get_page(client, f"/inbox/{letter.id}")
    shown = letter_page.soup.find(id="letter-action").get_text(" ", strip=True)
    assert respond_by.strftime("%-d %B %Y") in shown
    assert f"Answered on {today.strftime('%-d %B %Y')}" in shown
    assert get_page(client, "/inbox?needs_action=y").soup.select("table.inbox") == []
    assert get_page(client, "/dashboard").soup.find(id="needs-action-count") is None

    after = get_page(client, f"/applications/{case.id}")
    deadline = after.soup.find(id="deadline").get_text(" ", strip=True)
    assert "Clock stopped" not in deadline and "days left" in deadline
    reply_step = after.soup.select("#timeline li")[-1].get_text(" ", strip=True)
    assert reply_step.startswith("Reply sent") and f"by {sponsor.name}" in reply_step
    documents = after.soup.find(id="documents")
    assert "extract.pdf" in documents.text and f"Reply by {sponsor.name}" in documents.text
    download = client.get(documents.find("a", string="extract.pdf")["href"])
    assert download.status_code == 200 and download.get_data() == PDF
    sign_out(client)

    staff_sign_in(client, reviewer)
    queue = get_page(client, "/backoffice/?reply=received")
    row = queue.soup.find("a", href=f"/backoffice/cases/{case.id}").find_parent("tr")
    assert "Reply received on" in row.select_one(".reply-received").text
    staff_case = get_page(client, f"/backoffice/cases/{case.id}")
    assert "Reply received on" in staff_case.soup.find(id="reply-received").text
    staff_documents = staff_case.soup.find(id="documents")
    assert f"Reply by {sponsor.name}" in staff_documents.text
    link = staff_documents.find("a", string="extract.pdf")["href"]
    assert client.get(link).get_data() == PDF
    steps = [li.get_text(" ", strip=True) for li in staff_case.soup.select(".timeline li")]
    assert any("Reply sent" in s and sponsor.name in s for s in steps)
    assert not any("Reply sent" in s and reviewer.name in s for s in steps)


def test_a_document_of_another_case_is_not_found(client):
    mine = submitted_case()
    theirs = submitted_case()
    reviewer = UserFactory(reviewer=True)
    staff_sign_in(client, reviewer)
    ask(client, theirs)
    staff_sign_out(client)
    letter = db.session.scalar(db.select(Letter).where(Letter.application_id == theirs.id))
    sign_in(client, theirs.created_by)
    answer(client, letter)
    document = get_page(client, f"/applications/{theirs.id}").soup.find(id="documents").a
    document_id = document["href"].rsplit("/", 1)[-1]
    sign_out(client)
    sign_in(client, mine.created_by)
    assert client.get(f"/applications/{mine.id}/documents/{document_id}").status_code == 404
    assert client.get(f"/applications/{theirs.id}/documents/{document_id}").status_code == 404


def test_the_queue_flags_filters_and_orders_by_reply_received(client):
    reviewer = UserFactory(reviewer=True)
    today = clock.today()

    def case(days_left, status, reply_days_ago=None, answered=True):
        found = submitted_case(days_left=days_left)
        found.status = ApplicationStatus(status)
        if reply_days_ago is not None or status == "information_requested":
            db.session.add(
                ClockSuspension(
                    application_id=found.id,
                    started_on=today - timedelta(days=30),
                    respond_by=today - timedelta(days=1 if not answered else -5),
                    request_text="Send the accounts",
                    requested_by_id=reviewer.id,
                    ended_on=today - timedelta(days=reply_days_ago)
                    if reply_days_ago is not None
                    else None,
                    ended_by_id=reviewer.id if reply_days_ago is not None else None,
                )
            )
        db.session.flush()
        return found

    newer = case(10, "in_review", reply_days_ago=1)
    older = case(60, "in_review", reply_days_ago=4)
    no_reply = case(5, "in_review")
    waiting = case(20, "information_requested")
    ran_out = case(15, "in_review", reply_days_ago=0, answered=False)  # resumed after the term
    staff_sign_in(client, reviewer)

    def listed(url):
        page = get_page(client, url)
        return [
            a["href"].rsplit("/", 1)[-1]
            for a in page.soup.select("table a[href^='/backoffice/cases/']")
        ], page

    everything, page = listed("/backoffice/")
    assert everything == [str(c.id) for c in (no_reply, newer, ran_out, waiting, older)]
    flagged = {
        a["href"].rsplit("/", 1)[-1]
        for a in page.soup.select("table a[href^='/backoffice/cases/']")
        if a.find_parent("tr").select_one(".reply-received")
    }
    assert flagged == {str(newer.id), str(older.id)}
    received, _page = listed("/backoffice/?reply=received")
    assert received == [str(newer.id), str(older.id)]  # nearest deadline first
    by_reply, _page = listed("/backoffice/?order=reply")
    assert by_reply == [str(c.id) for c in (older, newer, no_reply, ran_out, waiting)]
    assert client.get("/backoffice/?reply=nonsense").status_code == 400
