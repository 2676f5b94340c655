"""The back-office case page (issue 19): summary and actions beside the details, and its
letters listed once each, linked to the letter as issued (a staff view, audited)."""

import pytest

from portal.extensions import db
from portal.models import AuditEvent, LetterKind
from tests.support.auth import sign_in, staff_sign_in
from tests.support.casework import submitted_case
from tests.support.factories import UserFactory, member
from tests.support.letters import add_letter
from tests.support.pages import get_page


@pytest.fixture(autouse=True)
def english(client):
    client.get("/language/en")


def test_the_summary_and_the_actions_sit_beside_the_details(client):
    case = submitted_case(legal_name="Layout B.V.")
    staff_sign_in(client, UserFactory(reviewer=True))
    page = get_page(client, f"/backoffice/cases/{case.id}")
    layout = page.soup.select_one(".case-layout")
    columns = [child.get("class")[0] for child in layout.find_all(recursive=False)]
    # Reading order (and one column under 60em): summary, details, then the work on the case.
    assert columns == ["case-summary", "case-details", "case-actions"]
    assert "Statutory decision deadline" in layout.select_one(".case-summary").get_text()
    assert layout.select_one(".case-details h2").get_text() == "As submitted"
    assert layout.select_one(".case-actions #work-title")


def test_each_letter_is_listed_once_and_opens_as_issued(client):
    case = submitted_case(legal_name="Letters B.V.")
    letter = add_letter(
        case.organisation,
        application=case,
        kind=LetterKind.ACKNOWLEDGEMENT,
        subject="Acknowledgement of receipt: application for recognition as a sponsor (labour)",
        body="Dear Letters B.V.,\nWe received your application.",
    )
    dutch = add_letter(
        case.organisation, application=case, subject="Verzoek om informatie", language="nl"
    )
    reviewer = UserFactory(reviewer=True)
    staff_sign_in(client, reviewer)
    page = get_page(client, f"/backoffice/cases/{case.id}")
    items = page.soup.select("#case-letters li")
    assert [item.get_text(" ", strip=True).split(" – ")[0] for item in items] == [
        letter.subject,
        dutch.subject,
    ]
    assert "Acknowledgement of receipt: Acknowledgement" not in page.text
    link = items[0].find("a")
    assert link["href"] == f"/backoffice/letters/{letter.id}"
    assert items[1].find("a")["lang"] == "nl" and not link.has_attr("lang")

    shown = get_page(client, link["href"])
    assert shown.soup.h1.get_text() == letter.subject
    assert "We received your application." in shown.soup.select_one("#letter-text").get_text()
    assert shown.soup.find("a", href=f"/backoffice/cases/{case.id}")
    pdf = client.get(f"/backoffice/letters/{letter.id}/pdf")
    assert pdf.status_code == 200 and pdf.data == letter.pdf
    assert pdf.headers["X-Letter-SHA256"] == letter.sha256
    viewed = db.session.scalars(
        db.select(AuditEvent).where(AuditEvent.action == "staff.letter.viewed")
    ).all()
    assert [(e.actor_id, e.target_type, e.target_id) for e in viewed] == [
        (reviewer.id, "letter", letter.id)
    ] * 2
    assert client.get("/backoffice/letters/999999").status_code == 404


def test_only_case_handlers_open_letters_in_the_back_office(client):
    case = submitted_case()
    letter = add_letter(case.organisation, application=case)
    staff_sign_in(client, UserFactory(staff_administrator=True))
    assert client.get(f"/backoffice/letters/{letter.id}").status_code == 403
    assert client.get(f"/backoffice/letters/{letter.id}/pdf").status_code == 403
    client.post(
        "/backoffice/sign-out", data={"csrf_token": get_page(client, "/backoffice/").csrf()}
    )
    sign_in(client, member())
    assert client.get(f"/backoffice/letters/{letter.id}").status_code == 404
