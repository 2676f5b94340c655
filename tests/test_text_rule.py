"""Names and free text refuse bidi overrides/isolates (U+202A–U+202E, U+2066–U+2069) and C0/C1
control characters with a clear message, and keep ZWNJ/ZWJ (issue 15). One rule
(portal/validators.py), applied to every text field of every form, the person fields (register,
residence form, bulk import: tests/test_person_fields.py) and the residence answers."""

import pytest

from portal.extensions import db
from portal.models import Organisation, Report
from portal.validators import control_characters_message
from tests.support.auth import sign_in
from tests.support.duties import employer
from tests.support.factories import PersonFactory, member
from tests.support.pages import Page, get_page
from tests.support.residence import JOB, PERSON, new_draft, save

PERSIAN_WITH_ZWNJ = "علی\u200cرضا"  # Alireza: the zero-width non-joiner is part of the spelling
HINDI_WITH_ZWJ = "क्\u200dष"


@pytest.fixture(autouse=True)
def english(client):
    client.get("/language/en")


@pytest.mark.parametrize(
    "character",
    ["\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069"]
    + ["\x01", "\x1b", "\x7f", "\x80", "\x9f", "\t", "\n", "\r"],
)
def test_the_rule_refuses_overrides_isolates_and_controls(character):
    assert control_characters_message(f"Ann{character}a") is not None


@pytest.mark.parametrize(
    "text", [PERSIAN_WITH_ZWNJ, HINDI_WITH_ZWJ, "שלום\u200f", "Zoë O'Brien-Núñez", "a\u00a0b"]
)
def test_the_rule_keeps_joiners_marks_and_letters(text):
    assert control_characters_message(text) is None


def test_text_areas_keep_lines_and_tabs_but_not_overrides():
    assert control_characters_message("one\r\ntwo\tthree", multiline=True) is None
    assert control_characters_message("one\n\u202etwo", multiline=True) is not None


PROFILE = {
    "legal_name": "Ñandú Research B.V.",
    "kvk_number": "87651234",
    "legal_form": "bv",
    "trade_name": "Ñandú Labs",
    "street_address": "Oudegracht 12",
    "postcode": "3511ab",
    "city": "Utrecht",
    "country": "NL",
    "postal_country": "",
    "phone": "+31 30 123 4567",
    "email": "office@nandu.example",
    "persons_employed": "12",
    "preferred_language": "en",
}


def profile(client, **changes) -> Page:
    token = get_page(client, "/organisation/edit").csrf()
    data = {"csrf_token": token, **PROFILE, **changes}
    return Page(client.post("/organisation/edit", data=data))


def test_a_profile_field_with_an_override_is_refused_next_to_the_field_and_kept(client):
    admin = member(legal_name="Before B.V.", unverified=True)
    sign_in(client, admin)
    spoofed = "Acme\u202eVB"  # shows as "AcmeBV"-ish, stored otherwise
    page = profile(client, trade_name=spoofed)
    assert page.status == 400, page.text[:500]
    assert "Remove the hidden control characters" in page.field_error("trade_name")
    assert page.value("trade_name") == spoofed
    assert page.soup.select_one(".error-summary a[href='#trade_name']")
    organisation = db.session.get(Organisation, admin.memberships[0].organisation_id)
    assert organisation.trade_name != spoofed


def test_a_profile_name_with_a_joiner_is_kept(client):
    admin = member(legal_name="Before B.V.", unverified=True)
    sign_in(client, admin)
    page = profile(client, trade_name=f"{PERSIAN_WITH_ZWNJ} {HINDI_WITH_ZWJ}")
    assert page.status == 302, page.text[:800]
    organisation = db.session.get(Organisation, admin.memberships[0].organisation_id)
    assert organisation.trade_name == f"{PERSIAN_WITH_ZWNJ} {HINDI_WITH_ZWJ}"


def report(client, person, details) -> Page:
    token = get_page(client, "/reports/new").csrf()
    data = {
        "csrf_token": token,
        "kind": "job_changed",
        "person": str(person.id),
        "event_date": "2026-01-15",
        "details": details,
    }
    return Page(client.post("/reports/new", data=data))


def test_a_text_area_keeps_line_breaks_and_refuses_an_isolate(client, move_today):
    from datetime import date

    move_today(date(2026, 2, 1))
    user, organisation = employer()
    person = PersonFactory(organisation=organisation)
    sign_in(client, user)
    page = report(client, person, "New role:\r\n\u2067lead engineer\u2069")
    assert page.status == 400
    assert "Remove the hidden control characters" in page.field_error("details")
    assert "lead engineer" in page.soup.find(id="details").get_text()
    assert db.session.scalar(db.select(db.func.count()).select_from(Report)) == 0
    assert report(client, person, "New role:\r\nlead engineer").status == 302
    assert db.session.scalar(db.select(Report.details)) == "New role:\r\nlead engineer"


def test_a_residence_answer_with_an_override_is_refused(client):
    tasks_url, _user = new_draft(client)
    save(client, tasks_url, "person", PERSON)
    page = Page(save(client, tasks_url, "job", {**JOB, "job_title": "Data \u202eengineer"}))
    assert page.status == 400
    assert "Remove the hidden control characters" in page.field_error("job_title")
    assert page.value("job_title") == "Data \u202eengineer"
