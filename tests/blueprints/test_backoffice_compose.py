"""Staff compose a letter from a template, preview it, then send it to the organisation."""

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.models import AuditEvent, Letter, LetterKind, StaffRole
from tests.support.auth import sign_in, staff_sign_in
from tests.support.factories import TOTP_SECRET, ApplicationFactory, UserFactory, member
from tests.support.letters import pdf_text
from tests.support.pages import Page, get_page


@pytest.fixture
def staff(app):
    client = app.test_client()
    client.get("/language/en")
    staff_sign_in(client, UserFactory(reviewer=True))
    return client


@pytest.fixture
def sponsor():
    return member(legal_name="Delta Lab B.V.", kvk_number="87654321")


def preview(staff, data):
    token = get_page(staff, "/backoffice/letters/new").csrf()
    return Page(
        staff.post(
            "/backoffice/letters/new", data={"csrf_token": token, "action": "preview", **data}
        )
    )


GENERAL = {
    "kvk_number": "87654321",
    "template": "general_message",
    "title": "Your contact details",
    "message": "Please check your contact details.\n\nThank you.",
    "person_name": "Aiko Tanaka",
    "v_number": "1234567890",
    "respond_by": "2026-12-31",
}


def test_preview_then_send_a_general_letter(app, staff, sponsor):
    page = preview(staff, GENERAL)
    assert page.status == 200
    text = page.soup.find(id="preview").get_text()
    assert "Please check your contact details." in text
    assert "Delta Lab B.V." in text and "1234567890" in text
    assert db.session.scalars(select(Letter)).all() == []  # a preview sends nothing

    fields = {i["name"]: i.get("value", "") for i in page.soup.select("form input[type=hidden]")}
    assert fields["message"] == GENERAL["message"]
    response = staff.post("/backoffice/letters/new", data={**fields, "action": "send"})
    assert response.status_code == 302
    (letter,) = db.session.scalars(select(Letter)).all()
    assert letter.kind == LetterKind.GENERAL_MESSAGE
    assert letter.subject == "Your contact details"
    assert letter.organisation_id == sponsor.memberships[0].organisation_id
    assert letter.v_number == "1234567890"
    assert str(letter.respond_by) == "2026-12-31"
    assert "Thank you." in pdf_text(letter)
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "staff.letter.sent"))

    client = app.test_client()
    client.get("/language/en")
    sign_in(client, sponsor)
    assert "Your contact details" in get_page(client, "/inbox").text


def test_extension_reminder_with_a_case(staff, sponsor):
    ApplicationFactory(
        organisation=sponsor.memberships[0].organisation, reference="ER-2026-000009-A"
    )
    page = preview(
        staff,
        {
            "kvk_number": "87654321",
            "template": "extension_reminder",
            "case_reference": "er-2026-000009-a",
            "expires_on": "2027-05-31",
            "person_name": "Aiko Tanaka",
        },
    )
    assert page.status == 200, page.text[:500]
    assert "28 February 2027" in page.soup.find(id="preview").get_text()


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"kvk_number": "123"}, "kvk_number", "8 digits"),
        ({"kvk_number": "11112222"}, "kvk_number", "No organisation has this KvK number"),
        ({"title": ""}, "title", "Enter the subject"),
        ({"case_reference": "ER-2099-000001-A"}, "case_reference", "no case with this reference"),
        ({"respond_by": "31-04-2026"}, "respond_by", "Enter a real date"),
        ({"template": "reminder_overdue_report"}, "report_subject", "Enter what must be reported"),
        ({"template": "warning"}, "template", "Not a valid choice"),
    ],
)
def test_bad_input_keeps_values_and_says_what_to_do(staff, sponsor, change, field, message):
    page = preview(staff, {**GENERAL, **change})
    assert page.status == 400
    error = page.field_error(field) or page.text
    assert message in error
    assert page.value("message").strip() == GENERAL["message"]


def test_sponsors_and_staff_without_the_permission_cannot_compose(app, sponsor):
    client = app.test_client()
    sign_in(client, sponsor)
    assert client.get("/backoffice/letters/new").status_code == 404
    admin = app.test_client()
    staff_sign_in(admin, UserFactory(staff_role=StaffRole.ADMINISTRATOR, totp_secret=TOTP_SECRET))
    assert admin.get("/backoffice/letters/new").status_code == 403
