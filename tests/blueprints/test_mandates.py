"""Intermediaries act for a sponsor under a mandate: only within its categories and period,
recorded as "user of intermediary on behalf of sponsor", revoked at once."""

from datetime import timedelta

import pytest

from portal import clock
from portal.extensions import db
from portal.models import (
    AuditEvent,
    ChangeHistory,
    Mandate,
    OrganisationKind,
    OrgRole,
    Person,
)
from tests.support.auth import act_under_mandate, sign_in
from tests.support.factories import MandateFactory, OrganisationFactory, PersonFactory, member
from tests.support.pages import Page, get_page


@pytest.fixture(autouse=True)
def english(client):
    client.get("/language/en")


def grant(client, **data) -> Page:
    token = get_page(client, "/organisation/mandates").csrf()
    return Page(client.post("/organisation/mandates", data={"csrf_token": token, **data}))


def test_administrator_grants_and_revokes_a_mandate(client):
    admin = member(legal_name="Sponsor B.V.")
    agency = OrganisationFactory(
        kind=OrganisationKind.INTERMEDIARY, kvk_number="55554444", legal_name="Move Agency"
    )
    sign_in(client, admin)
    today = clock.today()
    response = grant(
        client,
        intermediary_kvk="5555 4444",
        categories=["labour", "research"],
        valid_from=today.isoformat(),
        valid_until=(today + timedelta(days=90)).isoformat(),
    )
    assert response.status == 302, response.text[:600]
    mandate = db.session.scalar(db.select(Mandate))
    assert (mandate.intermediary_id, sorted(mandate.categories)) == (
        agency.id,
        ["labour", "research"],
    )
    page = get_page(client, "/organisation/mandates")
    given = page.soup.find(id="given").get_text(" ")
    assert "Move Agency" in given and "Labour, Research" in given and "Active" in given
    response = client.post(
        f"/organisation/mandates/{mandate.id}/revoke", data={"csrf_token": page.csrf()}
    )
    assert response.status_code == 302
    assert db.session.get(Mandate, mandate.id).revoked_at is not None
    assert {e.action for e in db.session.scalars(db.select(AuditEvent))} >= {
        "mandate.granted",
        "mandate.revoked",
    }


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"intermediary_kvk": "99999999"}, "intermediary_kvk", "No organisation with this KvK"),
        ({"intermediary_kvk": "12"}, "intermediary_kvk", "8 digits"),
        ({"intermediary_kvk": "employer"}, "intermediary_kvk", "8 digits"),
        ({"intermediary_kvk": "own"}, "intermediary_kvk", "your own KvK number"),
        ({"intermediary_kvk": "plain"}, "intermediary_kvk", "not registered as an intermediary"),
        ({"categories": []}, "categories", "Choose at least one category"),
        ({"categories": ["piracy"]}, "categories", "not a valid choice"),
        ({"valid_from": "2000-01-01"}, "valid_from", "cannot be in the past"),
        ({"valid_from": "tomorrow"}, "valid_from", "day-month-year"),
        ({"valid_until": "yesterday"}, "valid_until", "day-month-year"),
        ({"valid_until": "past"}, "valid_until", "on or after the start date"),
    ],
)
def test_bad_mandates_are_explained_and_kept(client, changes, field, message):
    admin = member(kvk_number="11110000")
    OrganisationFactory(kind=OrganisationKind.INTERMEDIARY, kvk_number="55554444")
    OrganisationFactory(kind=OrganisationKind.EMPLOYER, kvk_number="66665555")
    sign_in(client, admin)
    today = clock.today()
    data = {
        "intermediary_kvk": "55554444",
        "categories": ["labour"],
        "valid_from": today.isoformat(),
        "valid_until": "",
        **changes,
    }
    data["intermediary_kvk"] = {"own": "11110000", "plain": "66665555"}.get(
        data["intermediary_kvk"], data["intermediary_kvk"]
    )
    if data["valid_until"] == "past":
        data["valid_until"] = (today - timedelta(days=1)).isoformat()
    page = grant(client, **data)
    assert page.status == 400
    error = page.field_error(field)
    assert error is not None and message.lower() in error.lower(), (field, error)
    assert page.value("intermediary_kvk") == data["intermediary_kvk"]
    assert db.session.scalar(db.select(db.func.count()).select_from(Mandate)) == 0


def intermediary_user(mandate, role=OrgRole.SUBMITTER):
    from tests.support.factories import MembershipFactory

    membership = MembershipFactory(organisation=mandate.intermediary, role=role)
    db.session.refresh(membership.user)
    return membership.user


def test_intermediary_acts_for_the_sponsor_within_scope_and_is_recorded(client):
    sponsor = OrganisationFactory(legal_name="Sponsor B.V.")
    mandate = MandateFactory(sponsor=sponsor, categories=["labour"])
    mandate.intermediary.legal_name = "Move Agency"
    in_scope = PersonFactory(organisation=sponsor, surname="Worker", category="labour")
    out_of_scope = PersonFactory(organisation=sponsor, surname="Student", category="study")
    user = intermediary_user(mandate)
    sign_in(client, user)
    act_under_mandate(client, mandate)
    acting = get_page(client, "/dashboard").soup.find(id="acting-for").get_text(" ")
    assert "Sponsor B.V." in acting and "via Move Agency" in acting
    listing = get_page(client, "/people/").text
    assert "Worker" in listing and "Student" not in listing
    assert client.get(f"/people/{in_scope.id}").status_code == 200
    assert client.get(f"/people/{out_of_scope.id}").status_code == 404
    assert client.get(f"/people/{out_of_scope.id}/edit").status_code == 404
    # The form offers only categories within the mandate.
    form = get_page(client, "/people/new")
    assert [i["value"] for i in form.soup.select("input[name=category]")] == ["labour"]
    # An edit is recorded as the intermediary's user, on behalf of the sponsor.
    page = get_page(client, f"/people/{in_scope.id}/edit")
    data = {
        "csrf_token": page.csrf(),
        "given_names": "Test Person",
        "surname": "Worker",
        "date_of_birth": "1990-05-17",
        "place_of_birth": "Mumbai",
        "country_of_birth": "IN",
        "nationality": "IN",
        "sex": "unspecified",
        "category": "labour",
        "passport_number": in_scope.passport_number,
        "passport_issued_on": "2020-01-01",
        "passport_expires_on": "2030-01-01",
        "v_number": "1234567",
    }
    assert client.post(f"/people/{in_scope.id}/edit", data=data).status_code == 302
    row = db.session.scalar(db.select(ChangeHistory).where(ChangeHistory.field == "v_number"))
    assert (row.actor_id, row.acting_organisation_id, row.organisation_id) == (
        user.id,
        mandate.intermediary_id,
        sponsor.id,
    )
    event = db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "person.changed"))
    assert event.organisation_id == sponsor.id and event.actor_id == user.id
    assert event.details["on_behalf_of"] == sponsor.id
    assert event.details["intermediary"] == mandate.intermediary_id
    assert event.details["mandate"] == mandate.id
    history = get_page(client, f"/people/{in_scope.id}").soup.find(id="history").get_text(" ")
    assert "for Move Agency, on your behalf" in history
    # Creating a person in another category is refused.
    data.update(csrf_token=form.csrf(), category="study", passport_number="NEW12345")
    assert client.post("/people/new", data=data).status_code == 400
    assert db.session.scalar(db.select(Person).where(Person.passport_number == "NEW12345")) is None


def test_intermediary_never_gets_the_sponsors_administration(client):
    mandate = MandateFactory(categories=["labour", "research", "study", "exchange"])
    user = intermediary_user(mandate, role=OrgRole.ADMINISTRATOR)
    sign_in(client, user)
    act_under_mandate(client, mandate)
    for url in (
        "/organisation/edit",
        "/organisation/team",
        "/organisation/mandates",
    ):
        assert client.get(url).status_code == 403, url
    # The inbox, yes: filtered to the letters about the mandate's cases and people
    # (tests/test_letter_visibility.py).
    assert get_page(client, "/inbox").status == 200
    assert get_page(client, "/organisation/").status == 200


def test_a_revoked_mandate_ends_at_once(client, app):
    admin = member(legal_name="Sponsor B.V.")
    sponsor = admin.memberships[0].organisation
    mandate = MandateFactory(sponsor=sponsor)
    person = PersonFactory(organisation=sponsor)
    agent_client = app.test_client()
    agent_client.get("/language/en")
    sign_in(agent_client, intermediary_user(mandate))
    act_under_mandate(agent_client, mandate)
    assert agent_client.get(f"/people/{person.id}").status_code == 200

    sign_in(client, admin)
    token = get_page(client, "/organisation/mandates").csrf()
    client.post(f"/organisation/mandates/{mandate.id}/revoke", data={"csrf_token": token})

    assert agent_client.get(f"/people/{person.id}").status_code == 404
    # Back to the intermediary's own organisation; the sponsor is no longer offered.
    acting = get_page(agent_client, "/dashboard").soup.find(id="acting-for").get_text()
    assert "Sponsor B.V." not in acting
    switch = get_page(agent_client, "/organisation/switch")
    assert f"mandate-{mandate.id}" not in switch.html
    response = agent_client.post(
        "/organisation/switch",
        data={"csrf_token": switch.csrf(), "context": f"mandate-{mandate.id}"},
    )
    assert response.status_code == 400


def test_outside_the_period_the_mandate_does_not_work(client):
    today = clock.today()
    future = MandateFactory(valid_from=today + timedelta(days=5))
    expired = MandateFactory(
        intermediary=future.intermediary,
        valid_from=today - timedelta(days=30),
        valid_until=today - timedelta(days=1),
    )
    current = MandateFactory(intermediary=future.intermediary, valid_until=today)
    user = intermediary_user(future)
    sign_in(client, user)
    options = {o["value"] for o in get_page(client, "/organisation/switch").soup.select("input")}
    assert f"mandate-{current.id}" in options
    assert f"mandate-{future.id}" not in options and f"mandate-{expired.id}" not in options
    person = PersonFactory(organisation=current.sponsor)
    act_under_mandate(client, current)
    assert client.get(f"/people/{person.id}").status_code == 200
    # The period ends while the user is acting: the next request is a 404.
    current.valid_from = today - timedelta(days=10)
    current.valid_until = today - timedelta(days=1)
    db.session.flush()
    assert client.get(f"/people/{person.id}").status_code == 404
    assert client.get("/people/").status_code == 200  # back in their own organisation
    assert "Test Person" not in get_page(client, "/people/").text


def test_intermediary_cannot_start_cases_outside_its_categories(client):
    mandate = MandateFactory(categories=["study"])
    sign_in(client, intermediary_user(mandate))
    act_under_mandate(client, mandate)
    page = get_page(client, "/applications/recognition/new")
    response = Page(
        client.post(
            "/applications/recognition/new",
            data={"csrf_token": page.csrf(), "category": "labour"},
        )
    )
    assert response.status == 400
    assert "does not cover this category" in response.field_error("category")


def test_a_duplicate_outside_the_mandate_is_not_named_or_linked(client):
    sponsor = OrganisationFactory(legal_name="Sponsor B.V.")
    mandate = MandateFactory(sponsor=sponsor, categories=["labour"])
    student = PersonFactory(
        organisation=sponsor,
        given_names="Secret",
        surname="Studentname",
        category="study",
        nationality="IN",
        passport_number="ST1234567",
    )
    worker = PersonFactory(
        organisation=sponsor,
        given_names="Known",
        surname="Workername",
        category="labour",
        nationality="IN",
        passport_number="WK1234567",
    )
    sign_in(client, intermediary_user(mandate))
    act_under_mandate(client, mandate)
    data = {
        "given_names": "Test Person",
        "surname": "Newcomer",
        "date_of_birth": "1990-05-17",
        "place_of_birth": "Mumbai",
        "country_of_birth": "IN",
        "nationality": "IN",
        "sex": "unspecified",
        "category": "labour",
        "passport_issued_on": "2020-01-01",
        "passport_expires_on": "2030-01-01",
    }

    def add(passport_number) -> Page:
        token = get_page(client, "/people/new").csrf()
        return Page(
            client.post(
                "/people/new",
                data={"csrf_token": token, **data, "passport_number": passport_number},
            )
        )

    hidden = add(student.passport_number)
    assert hidden.status == 400
    assert "outside the categories of your mandate" in hidden.field_error("passport_number")
    assert "Studentname" not in hidden.text and "Secret" not in hidden.text
    assert hidden.soup.find(id="duplicate") is None
    assert f"/people/{student.id}" not in hidden.text
    # Within the mandate the duplicate is named and linked, as for the sponsor's own users.
    shown = add(worker.passport_number)
    assert shown.status == 400
    assert "Known Workername" in shown.field_error("passport_number")
    assert shown.soup.find(id="duplicate").find("a")["href"] == f"/people/{worker.id}"
    # Editing an in-scope person into the out-of-scope passport says as little.
    token = get_page(client, f"/people/{worker.id}/edit").csrf()
    edited = Page(
        client.post(
            f"/people/{worker.id}/edit",
            data={
                "csrf_token": token,
                **data,
                "surname": "Workername",
                "passport_number": student.passport_number,
            },
        )
    )
    assert edited.status == 400
    assert "Studentname" not in edited.text and edited.soup.find(id="duplicate") is None
