"""The letter page reads like the letter (issue 19, item 3): its header rows as a definition
list, its paragraphs, the request's questions as a highlighted list and the respond-by date
prominent, from the same rendered template as the PDF; the answer form after the text. A letter
issued before the page had this structure still shows its words."""

from datetime import timedelta

import pytest

from portal import clock
from portal.extensions import db
from portal.models import Letter, LetterKind
from tests.support.auth import sign_in, staff_sign_in, staff_sign_out
from tests.support.casework import act, submitted_case
from tests.support.factories import UserFactory
from tests.support.letters import add_letter, pdf_text
from tests.support.pages import get_page


@pytest.fixture(autouse=True)
def english(client):
    client.get("/language/en")


def _request_letter(client, message):
    case = submitted_case(days_left=30)
    staff_sign_in(client, UserFactory(reviewer=True))
    respond_by = clock.today() + timedelta(days=14)
    response = act(
        client,
        case,
        "/request-information",
        **{
            "request-message": message,
            "request-respond_by-day": str(respond_by.day),
            "request-respond_by-month": str(respond_by.month),
            "request-respond_by-year": str(respond_by.year),
        },
    )
    assert response.status_code == 302
    staff_sign_out(client)
    letter = db.session.scalar(
        db.select(Letter).where(Letter.kind == LetterKind.REQUEST_FOR_INFORMATION)
    )
    return case, letter, respond_by


def test_a_request_reads_like_the_letter_and_agrees_with_its_pdf(client):
    questions = ["Send the trade register extract.", "Send the signed employment contract."]
    case, letter, respond_by = _request_letter(client, "\n".join(questions))
    sign_in(client, case.created_by)
    page = get_page(client, f"/inbox/{letter.id}")
    text = page.soup.find(id="letter-text")

    rows = {
        dt.get_text(strip=True): dt.find_next_sibling("dd").get_text(strip=True)
        for dt in text.select("dl.letter__meta dt")
    }
    assert rows["Date"] == clock.today().strftime("%-d %B %Y")
    assert rows["Letter reference"] == letter.reference
    assert rows["Our reference"] == case.reference
    assert rows["Respond by"] == respond_by.strftime("%-d %B %Y")
    # The questions: a list in a highlighted box, each one item.
    items = [li.get_text(strip=True) for li in text.select(".letter__box ul.letter__questions li")]
    assert items == questions
    paragraphs = [p.get_text(" ", strip=True) for p in text.find_all("p", class_=False)]
    assert paragraphs[:2] == [
        f"{case.organisation.legal_name} {case.organisation.street_address} "
        f"{case.organisation.postcode} {case.organisation.city}",
        "Dear Sir or Madam,",
    ]
    # The respond-by date stands out above the letter.
    assert respond_by.strftime("%-d %B %Y") in page.soup.find(id="respond-by").strong.get_text()
    # The PDF says the same: every header row and question.
    pdf = pdf_text(letter)
    for label, value in rows.items():
        assert label in pdf and value in pdf
    for question in questions:
        assert question in pdf
    # The answer form comes after the text of the letter.
    form = page.soup.find("form", action=f"/inbox/{letter.id}/reply")
    assert form is not None
    assert str(page.soup).index('id="letter-text"') < str(page.soup).index(form["action"])


def test_a_single_question_is_one_highlighted_paragraph(client):
    case, letter, _respond_by = _request_letter(client, "Send the trade register extract.")
    sign_in(client, case.created_by)
    box = get_page(client, f"/inbox/{letter.id}").soup.select_one("#letter-text .letter__box")
    assert box.get_text(strip=True) == "Send the trade register extract."


def test_a_letter_issued_before_still_shows_its_words(client):
    case = submitted_case(days_left=30)
    old = add_letter(
        case.organisation,
        subject="An older letter",
        body="Date4 December 2026 Our referenceER-2026-000001 Dear Sir or Madam, words.",
    )
    sign_in(client, case.created_by)
    text = get_page(client, f"/inbox/{old.id}").soup.find(id="letter-text")
    assert "Dear Sir or Madam, words." in text.get_text()
    assert text.find("dl") is None
