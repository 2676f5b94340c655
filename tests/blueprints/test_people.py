"""The people register: any script, validated fields, duplicates flagged with a link, search,
filters and keyset pagination, history of edits, archiving with the retention date."""

from datetime import date, timedelta

import pytest

from portal import clock, reference
from portal.extensions import db
from portal.models import (
    Application,
    ApplicationKind,
    ApplicationStatus,
    AuditEvent,
    ChangeHistory,
    OrgRole,
    Person,
)
from tests.support.auth import sign_in
from tests.support.factories import ApplicationFactory, PersonFactory, member, recognise
from tests.support.pages import Page, get_page, search

GOOD = {
    "given_names": "Zoë Ann",
    "surname": "D'Ancona-Ōtsuka",
    "date_of_birth": "1994-03-31",
    "place_of_birth": "Kyōto",
    "country_of_birth": "JP",
    "nationality": "JP",
    "sex": "female",
    "category": "labour",
    "passport_number": "tr 1234567",
    "passport_issued_on": "2022-01-10",
    "passport_expires_on": "2032-01-09",
    "v_number": "",
    "email": "zoe@example.org",
    "street_address": "Oudegracht 1",
    "postcode": "3511aa",
    "city": "Utrecht",
    "country": "NL",
}


@pytest.fixture(autouse=True)
def english(client):
    client.get("/language/en")


def add_person(client, **changes) -> Page:
    data = {k: v for k, v in {**GOOD, **changes}.items() if v is not None}
    token = get_page(client, "/people/new").csrf()
    return Page(client.post("/people/new", data={"csrf_token": token, **data}))


def test_submitter_adds_a_person_in_any_script(client):
    user = member(OrgRole.SUBMITTER)
    sign_in(client, user)
    response = add_person(client)
    assert response.status == 302, response.text[:600]
    person = db.session.scalar(db.select(Person))
    assert person.full_name == "Zoë Ann D'Ancona-Ōtsuka"
    assert person.passport_number == "TR1234567"
    assert person.postcode == "3511 AA"
    assert person.organisation_id == user.memberships[0].organisation_id
    page = get_page(client, response.response.headers["Location"])
    assert "Zoë Ann D'Ancona-Ōtsuka" in page.text
    assert "Japan" in page.soup.find(id="details").get_text()
    assert db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "person.created"))


def test_names_in_other_scripts_are_kept_exactly(client):
    sign_in(client, member())
    assert (
        add_person(
            client,
            given_names="Дмитрий",
            surname="Шостакович",
            nationality="UA",
            passport_number="FE123456",
        ).status
        == 302
    )
    assert (
        add_person(
            client, given_names="", surname="王", nationality="CN", passport_number="E12345678"
        ).status
        == 302
    )
    names = {p.full_name for p in db.session.scalars(db.select(Person))}
    assert names == {"Дмитрий Шостакович", "王"}


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"surname": " "}, "surname", "Enter the surname"),
        ({"date_of_birth": "31-04-1994"}, "date_of_birth", "real date"),
        ({"date_of_birth": "2094-03-31"}, "date_of_birth", "in the past"),
        ({"date_of_birth": "2994-03-31"}, "date_of_birth", "year from 1800 to 2199"),
        ({"date_of_birth": "31-12-1899"}, "date_of_birth", "from 1 January 1900"),
        ({"date_of_birth": ""}, "date_of_birth", "Enter the date of birth"),
        ({"nationality": "QQ"}, "nationality", "Choose a country from the list"),
        ({"nationality": ""}, "nationality", "Choose the nationality"),
        ({"country_of_birth": ""}, "country_of_birth", "Choose the country of birth"),
        ({"sex": None}, "sex", "Choose the sex"),
        ({"category": "piracy"}, "category", "Not a valid choice"),
        ({"passport_number": "AB-12/34"}, "passport_number", "letters and digits only"),
        ({"passport_expires_on": "2021-01-01"}, "passport_expires_on", "expired on 1 January 2021"),
        ({"passport_issued_on": "1990-01-01"}, "passport_issued_on", "after the date of birth"),
        (
            {"passport_issued_on": "2099-01-01", "passport_expires_on": "2109-01-01"},
            "passport_issued_on",
            "cannot be in the future",
        ),
        ({"v_number": "V12345"}, "v_number", "digits only"),
        ({"v_number": "12345678901"}, "v_number", "digits only"),
        ({"email": "zoe@"}, "email", "right format"),
        ({"postcode": "99999"}, "postcode", "Dutch postcode"),
    ],
)
def test_bad_person_input_is_explained_and_kept(client, changes, field, message):
    sign_in(client, member())
    page = add_person(client, **changes)
    assert page.status == 400
    error = page.field_error(field)
    assert error is not None and message.lower() in error.lower(), (field, error)
    assert page.soup.select_one(".error-summary")
    assert page.value("place_of_birth") == "Kyōto"
    assert page.value("given_names") == "Zoë Ann"
    assert db.session.scalar(db.select(db.func.count()).select_from(Person)) == 0


def test_foreign_address_takes_any_postcode(client):
    sign_in(client, member())
    assert add_person(client, postcode="100-0001", city="Tokyo", country="JP").status == 302


def test_same_passport_and_nationality_is_flagged_with_a_link(client):
    user = member()
    existing = PersonFactory(
        organisation=user.memberships[0].organisation,
        passport_number="TR1234567",
        nationality="JP",
        surname="Tanaka",
    )
    sign_in(client, user)
    page = add_person(client)
    assert page.status == 400
    assert "already in the register" in page.field_error("passport_number")
    link = page.soup.find(id="duplicate").find("a")
    assert link["href"] == f"/people/{existing.id}"
    assert page.value("surname") == GOOD["surname"]
    assert db.session.scalar(db.select(db.func.count()).select_from(Person)) == 1
    # Same number, other nationality: a different passport, so a different person.
    assert add_person(client, nationality="KR").status == 302


def test_another_organisation_may_register_the_same_person(client):
    PersonFactory(passport_number="TR1234567", nationality="JP")
    sign_in(client, member())
    assert add_person(client).status == 302


def test_edits_are_kept_as_history_and_shown(client):
    user = member(OrgRole.SUBMITTER)
    sign_in(client, user)
    location = add_person(client).response.headers["Location"]
    person = db.session.scalar(db.select(Person))
    token = get_page(client, f"/people/{person.id}/edit").csrf()
    response = client.post(
        f"/people/{person.id}/edit",
        data={"csrf_token": token, **GOOD, "v_number": "1234567890", "surname": "Ōtsuka"},
    )
    assert response.status_code == 302
    rows = db.session.scalars(db.select(ChangeHistory).order_by(ChangeHistory.field)).all()
    assert [(r.field, r.old_value, r.new_value) for r in rows] == [
        ("surname", "D'Ancona-Ōtsuka", "Ōtsuka"),
        ("v_number", None, "1234567890"),
    ]
    assert rows[0].actor_id == user.id
    history = get_page(client, location).soup.find(id="history").get_text(" ")
    assert "V-number" in history and "1234567890" in history and user.name in history


def test_editing_a_person_whose_passport_expired_asks_for_the_new_passport(client):
    """Changed verdict: the register used to keep an expired passport (it only checked that
    expiry came after issue); an expired passport is now refused everywhere."""
    user = member()
    person = PersonFactory(
        organisation=user.memberships[0].organisation,
        passport_number="OLD12345",
        passport_issued_on=date(2014, 5, 1),
        passport_expires_on=date(2024, 4, 30),
    )
    sign_in(client, user)
    page = get_page(client, f"/people/{person.id}/edit")
    assert "This passport expired on 30 April 2024" in page.soup.find(id="passport-expired").text
    assert "Enter the details of the new passport" in page.text
    # Saving another change without the new passport: refused, next to the date of expiry.
    data = {
        name: page.value(name) or ""
        for name in ("given_names", "surname", "place_of_birth", "passport_number", "v_number")
    }
    data.update(
        date_of_birth=person.date_of_birth.isoformat(),
        country_of_birth=person.country_of_birth,
        nationality=person.nationality,
        sex=person.sex.value,
        category=person.category.value,
        passport_issued_on="2014-05-01",
        passport_expires_on="2024-04-30",
        email="new@example.org",
    )
    refused = Page(
        client.post(f"/people/{person.id}/edit", data={"csrf_token": page.csrf(), **data})
    )
    assert refused.status == 400
    assert "This passport expired on 30 April 2024" in refused.field_error("passport_expires_on")
    assert db.session.get(Person, person.id).email != "new@example.org"
    # With the new passport: saved.
    data.update(
        passport_number="NEW54321",
        passport_issued_on="2024-04-01",
        passport_expires_on="2034-03-31",
    )
    saved = client.post(f"/people/{person.id}/edit", data={"csrf_token": page.csrf(), **data})
    assert saved.status_code == 302
    person = db.session.get(Person, person.id)
    assert (person.passport_number, person.passport_expires_on) == ("NEW54321", date(2034, 3, 31))
    assert get_page(client, f"/people/{person.id}/edit").soup.find(id="passport-expired") is None


def test_changed_verdicts_of_the_one_person_specification(client):
    """Where the register and the residence form disagreed, the register now follows the one
    specification (portal/people/fields.py; tests/test_person_fields.py compares them all)."""
    sign_in(client, member())
    refused = {
        "surname": "D'Ancona 2",  # digits in a name (the register took any text)
        "passport_number": "TR.1234567",  # only white space is dropped now, not dots
        "date_of_birth": "1850-01-01",  # before 1900 (the message said "in the past")
    }
    for field, value in refused.items():
        page = add_person(client, **{field: value})
        assert page.status == 400, field
        assert page.field_error(field), field
    accepted = [
        {"v_number": "12345"},
        {"v_number": "12-345", "passport_number": "TR2234567"},  # hyphens dropped too
        {"date_of_birth": "31-03-1994", "passport_number": "TR3234567"},  # day-month-year
        {"given_names": "علی\u200cرضا", "passport_number": "TR4234567"},  # ZWNJ in a name
        {"passport_expires_on": "2027-01-01", "passport_number": "TR5234567"},  # expiring soon
    ]
    for changes in accepted:
        assert add_person(client, **changes).status == 302, changes
    v_numbers = set(db.session.scalars(db.select(Person.v_number)))
    assert {"12345"} <= v_numbers


def test_editing_into_a_duplicate_is_refused(client):
    user = member()
    organisation = user.memberships[0].organisation
    PersonFactory(organisation=organisation, passport_number="X1234567", nationality="DE")
    other = PersonFactory(organisation=organisation, passport_number="Y7654321", nationality="DE")
    sign_in(client, user)
    token = get_page(client, f"/people/{other.id}/edit").csrf()
    page = Page(
        client.post(
            f"/people/{other.id}/edit",
            data={"csrf_token": token, **GOOD, "passport_number": "X1234567", "nationality": "DE"},
        )
    )
    assert page.status == 400
    assert page.soup.find(id="duplicate")
    assert db.session.get(Person, other.id).passport_number == "Y7654321"


def test_search_ignores_case_and_accents_and_filters(client):
    user = member()
    organisation = user.memberships[0].organisation
    PersonFactory(
        organisation=organisation, given_names="Zoë", surname="Ångström", nationality="SE"
    )
    PersonFactory(
        organisation=organisation,
        given_names="Ana",
        surname="Silva",
        nationality="BR",
        v_number="1234567890",
    )
    archived = PersonFactory(organisation=organisation, surname="Gone", nationality="SE")
    archived.archived_at = db.func.now()
    PersonFactory(surname="Angstrom-Elsewhere")  # another organisation
    db.session.flush()
    sign_in(client, user)

    def names(url, **terms):
        page = search(client, url, **terms) if terms else get_page(client, url)
        table = page.soup.find(id="people")
        return [a.get_text(strip=True) for a in table.select("tbody a")] if table else []

    assert names("/people/", q="zoe angstrom") == ["Ångström, Zoë"]
    assert names("/people/", q="1234567890") == ["Silva, Ana"]
    assert names("/people/?nationality=SE") == ["Ångström, Zoë"]
    assert names("/people/?nationality=SE&state=archived") == ["Gone, Test Person"]
    assert len(names("/people/?state=all")) == 3
    assert names("/people/", q="%") == []  # wildcards are searched literally
    for bad in ("/people/?state=nonsense", "/people/?nationality=ZZZ", "/people/?after=abc"):
        assert get_page(client, bad).status == 200


def test_register_pages_with_a_keyset(client):
    user = member()
    organisation = user.memberships[0].organisation
    for n in range(30):
        PersonFactory(organisation=organisation, surname=f"Person {n:02d}")
    sign_in(client, user)
    first = get_page(client, "/people/")
    rows = first.soup.select("#people tbody tr")
    assert len(rows) == 25
    next_link = first.soup.find("a", rel="next")["href"]
    second = get_page(client, next_link)
    second_names = [a.get_text(strip=True) for a in second.soup.select("#people tbody a")]
    assert len(second_names) == 5 and second_names[-1].startswith("Person 29")
    assert second.soup.find("a", rel="next") is None


def test_archiving_keeps_the_record_with_a_keep_until_date(client):
    user = member()
    person = PersonFactory(organisation=user.memberships[0].organisation, surname="Leaves")
    sign_in(client, user)
    ended = clock.today() - timedelta(days=3)
    token = get_page(client, f"/people/{person.id}/archive").csrf()
    response = client.post(
        f"/people/{person.id}/archive",
        data={"csrf_token": token, "sponsorship_ended_on": ended.isoformat()},
    )
    assert response.status_code == 302
    person = db.session.get(Person, person.id)
    assert person.is_archived
    assert person.keep_until == reference.keep_records_until(ended)
    assert person.keep_until == ended.replace(year=ended.year + 5)
    page = get_page(client, f"/people/{person.id}")
    assert "Keep the file until" in page.soup.find(id="archived").get_text()
    assert "Leaves" not in get_page(client, "/people/").text
    # Restore puts the person back.
    response = client.post(f"/people/{person.id}/restore", data={"csrf_token": page.csrf()})
    assert response.status_code == 302
    assert not db.session.get(Person, person.id).is_archived
    assert db.session.get(Person, person.id).keep_until is None


def test_archive_date_must_make_sense(client):
    user = member()
    person = PersonFactory(organisation=user.memberships[0].organisation)
    sign_in(client, user)
    token = get_page(client, f"/people/{person.id}/archive").csrf()
    for value, message in (
        ((clock.today() + timedelta(days=1)).isoformat(), "cannot be in the future"),
        ("yesterday", "day-month-year"),
        ("", "Enter the date"),
    ):
        page = Page(
            client.post(
                f"/people/{person.id}/archive",
                data={"csrf_token": token, "sponsorship_ended_on": value},
            )
        )
        assert page.status == 400
        assert message.lower() in page.field_error("sponsorship_ended_on").lower()
    assert not db.session.get(Person, person.id).is_archived


def test_retention_period_is_reference_data():
    assert reference.keep_records_until(date(2024, 2, 29)) == date(2029, 2, 28)


def test_person_page_lists_their_applications(client):
    user = member()
    organisation = user.memberships[0].organisation
    person = PersonFactory(organisation=organisation)
    ApplicationFactory(
        organisation=organisation,
        created_by=user,
        person_id=person.id,
        kind=ApplicationKind.RECOGNITION,
        status=ApplicationStatus.SUBMITTED,
        reference="ER-2026-000001-X",
    )
    sign_in(client, user)
    page = get_page(client, f"/people/{person.id}")
    assert "ER-2026-000001-X" in page.soup.find(id="applications").get_text()
    assert db.session.scalar(db.select(db.func.count()).select_from(Application)) == 1


def test_reader_sees_but_cannot_change_people(client):
    user = member(OrgRole.READER)
    person = PersonFactory(organisation=user.memberships[0].organisation)
    sign_in(client, user)
    assert get_page(client, f"/people/{person.id}").status == 200
    assert "Change the details" not in get_page(client, f"/people/{person.id}").text
    for url in ("/people/new", f"/people/{person.id}/edit", f"/people/{person.id}/archive"):
        assert client.get(url).status_code == 403
    token = get_page(client, "/dashboard").csrf()
    response = client.post("/people/new", data={"csrf_token": token, **GOOD})
    assert response.status_code == 403
    response = client.post(f"/people/{person.id}/restore", data={"csrf_token": token})
    assert response.status_code == 403
    assert db.session.scalar(db.select(db.func.count()).select_from(Person)) == 1


def test_another_organisations_person_is_a_404(client):
    person = PersonFactory()
    sign_in(client, member())
    assert client.get(f"/people/{person.id}").status_code == 404
    assert client.get(f"/people/{person.id}/edit").status_code == 404


def test_a_residence_application_starts_from_the_person_and_is_prefilled(client):

    user = member()
    organisation = user.memberships[0].organisation
    recognise(organisation, "labour")
    person = PersonFactory(
        organisation=organisation,
        given_names="Zoë",
        surname="O'Brien-Núñez",
        nationality="IE",
        passport_number="PA1234567",
        v_number="1234567890",
    )
    sign_in(client, user)
    page = get_page(client, f"/people/{person.id}")
    link = page.soup.find("a", string=lambda s: s and "Start a residence application" in s)
    start = get_page(client, link["href"])
    assert "O'Brien-Núñez" in start.soup.find(id="about-person").get_text()
    response = client.post(
        "/applications/residence/new",
        data={"csrf_token": start.csrf(), "kind": "hsm_residence", "person": str(person.id)},
    )
    assert response.status_code == 302, response.get_data(as_text=True)[-800:]
    application = db.session.scalar(db.select(Application))
    assert application.person_id == person.id
    section = get_page(client, f"/applications/residence/{application.id}/sections/person")
    assert section.value("surname") == "O'Brien-Núñez"
    assert section.value("given_names") == "Zoë"
    assert section.value("passport_number") == "PA1234567"
    assert section.value("v_number") == "1234567890"
    listed = get_page(client, f"/people/{person.id}").soup.find(id="applications").get_text()
    assert "Draft" in listed
    # Another organisation's person cannot be attached.
    stranger = PersonFactory()
    response = client.post(
        "/applications/residence/new",
        data={"csrf_token": start.csrf(), "kind": "hsm_residence", "person": str(stranger.id)},
    )
    assert response.status_code == 302
    latest = db.session.scalar(db.select(Application).order_by(Application.id.desc()))
    assert latest.person_id is None
