"""The organisation profile: administrators edit, everyone reads, every change kept as history,
legal identity locked after recognition and changed only through a change report staff accept."""

import pytest

from portal import clock
from portal.extensions import db
from portal.models import (
    Application,
    ApplicationStatus,
    AuditEvent,
    ChangeHistory,
    ChangeReport,
    ChangeReportStatus,
    Organisation,
    OrgRole,
)
from tests.support import factories
from tests.support.auth import sign_in, staff_sign_in
from tests.support.factories import MembershipFactory, OrganisationFactory, UserFactory, member
from tests.support.pages import Page, get_page

GOOD = {
    "legal_name": "Ñandú Research B.V.",
    "kvk_number": "87651234",
    "rsin": "002220647",
    "legal_form": "bv",
    "trade_name": "Ñandú Labs",
    "ind_client_number": "1234567",
    "street_address": "Oudegracht 12",
    "postcode": "3511ab",
    "city": "Utrecht",
    "country": "NL",
    "postal_street_address": "",
    "postal_postcode": "",
    "postal_city": "",
    "postal_country": "",
    "phone": "+31 30 123 4567",
    "email": "Office@Nandu.example",
    "persons_employed": "12",
    "sna_registration_number": "",
    "iban": "nl91 abna 0417 1643 00",
    "preferred_language": "en",
}


@pytest.fixture(autouse=True)
def english(client):
    client.get("/language/en")


def organisation_of(user) -> Organisation:
    return user.memberships[0].organisation


def save_profile(client, **changes) -> Page:
    data = {k: v for k, v in {**GOOD, **changes}.items() if v is not None}
    token = get_page(client, "/organisation/edit").csrf()
    return Page(client.post("/organisation/edit", data={"csrf_token": token, **data}))


def recognise(organisation, category="labour"):
    factories.recognise(organisation, category, granted_on=clock.today())


def test_administrator_edits_the_whole_profile(client):
    admin = member(unverified=True)  # a verified KvK number changes only by a change report
    sign_in(client, admin)
    response = save_profile(client)
    assert response.status == 302, response.text[:800]
    organisation = db.session.get(Organisation, organisation_of(admin).id)
    assert organisation.legal_name == "Ñandú Research B.V."
    assert organisation.kvk_number == "87651234"
    assert organisation.rsin == "002220647"
    assert organisation.legal_form.value == "bv"
    assert organisation.postcode == "3511 AB"
    assert organisation.iban == "NL91ABNA0417164300"
    assert organisation.email == "office@nandu.example"
    assert organisation.persons_employed == 12
    page = get_page(client, "/organisation/")
    for shown in (
        "Ñandú Labs",
        "002220647",
        "NL91ABNA0417164300",
        "+31 30 123 4567",
        "Netherlands",
    ):
        assert shown in page.text
    assert db.session.scalar(
        db.select(AuditEvent).where(AuditEvent.action == "organisation.profile_changed")
    )


def test_a_foreign_visiting_address_and_a_postal_address(client):
    admin = member()
    sign_in(client, admin)
    response = save_profile(
        client,
        street_address="10 Downing Street",
        postcode="SW1A 2AA",
        city="London",
        country="GB",
        postal_street_address="Postbus 17",
        postal_postcode="2500 AA",
        postal_city="Den Haag",
        postal_country="NL",
    )
    assert response.status == 302, response.text[:800]
    organisation = db.session.get(Organisation, organisation_of(admin).id)
    assert (organisation.country, organisation.postcode) == ("GB", "SW1A 2AA")
    assert organisation.postal_postcode == "2500 AA"
    page = get_page(client, "/organisation/")
    assert "United Kingdom" in page.text and "Postbus 17" in page.text


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"rsin": "123456789"}, "rsin", "Enter a valid RSIN"),
        ({"rsin": "12345"}, "rsin", "Enter a valid RSIN"),
        ({"iban": "NL91ABNA0417164301"}, "iban", "Enter a valid IBAN"),
        ({"postcode": "12345"}, "postcode", "Enter a Dutch postcode, like 1234 AB"),
        ({"postcode": ""}, "postcode", "Enter the postcode"),
        ({"country": "XX"}, "country", "Not a valid choice"),
        ({"country": "GB", "postcode": "A" * 11}, "postcode", "at most 10 characters"),
        ({"email": "office@"}, "email", "right format"),
        ({"phone": "call me"}, "phone", "Enter a telephone number"),
        ({"kvk_number": "1234"}, "kvk_number", "8 digits"),
        ({"legal_form": "pirate"}, "legal_form", "Not a valid choice"),
        ({"ind_client_number": "A12"}, "ind_client_number", "digits only"),
        ({"persons_employed": "lots"}, "persons_employed", "as a whole number"),
        ({"postal_city": "Den Haag"}, "postal_street_address", "Enter the street"),
        (
            {
                "postal_street_address": "Postbus 1",
                "postal_city": "Den Haag",
                "postal_country": "NL",
                "postal_postcode": "x",
            },
            "postal_postcode",
            "Dutch postcode",
        ),
    ],
)
def test_bad_profile_input_is_explained_and_kept(client, changes, field, message):
    admin = member(legal_name="Before B.V.", unverified=True)
    sign_in(client, admin)
    page = save_profile(client, **changes)
    assert page.status == 400
    error = page.field_error(field)
    assert error is not None and message.lower() in error.lower(), (field, error)
    assert page.soup.select_one(f".error-summary a[href='#{field}']")
    assert page.value("trade_name") == "Ñandú Labs"
    assert page.value("street_address") == changes.get("street_address", GOOD["street_address"])
    assert db.session.get(Organisation, organisation_of(admin).id).legal_name == "Before B.V."
    assert db.session.scalar(db.select(db.func.count()).select_from(ChangeHistory)) == 0


def test_every_change_is_kept_as_history_and_shown(client):
    admin = member(city="Utrecht", persons_employed=120)
    sign_in(client, admin)
    organisation = organisation_of(admin)
    assert (
        save_profile(
            client, **{"legal_name": organisation.legal_name, "kvk_number": organisation.kvk_number}
        ).status
        == 302
    )
    rows = db.session.scalars(
        db.select(ChangeHistory).where(ChangeHistory.organisation_id == organisation.id)
    ).all()
    changed = {row.field: (row.old_value, row.new_value) for row in rows}
    assert changed["persons_employed"] == ("120", "12")
    assert changed["iban"] == (None, "NL91ABNA0417164300")
    assert "city" not in changed  # unchanged values are not history
    assert {row.actor_id for row in rows} == {admin.id}
    page = get_page(client, "/organisation/history")
    table = page.soup.find(id="history").get_text(" ")
    assert admin.name in table
    assert "Number of persons employed" in table and "120" in table
    # Saving the same again adds nothing.
    assert (
        save_profile(
            client, **{"legal_name": organisation.legal_name, "kvk_number": organisation.kvk_number}
        ).status
        == 302
    )
    assert db.session.scalar(db.select(db.func.count()).select_from(ChangeHistory)) == len(rows)


@pytest.mark.parametrize("role", [OrgRole.SUBMITTER, OrgRole.READER])
def test_only_administrators_change_the_profile(client, role):
    user = member(role)
    sign_in(client, user)
    assert get_page(client, "/organisation/").status == 200
    assert "Change the profile" not in get_page(client, "/organisation/").text
    assert client.get("/organisation/edit").status_code == 403
    token = get_page(client, "/organisation/").csrf()
    response = client.post("/organisation/edit", data={"csrf_token": token, **GOOD})
    assert response.status_code == 403
    assert db.session.get(Organisation, organisation_of(user).id).trade_name is None


def test_legal_identity_is_locked_once_recognised(client):
    admin = member(legal_name="Locked B.V.", kvk_number="11112222")
    organisation = organisation_of(admin)
    recognise(organisation)
    sign_in(client, admin)
    page = get_page(client, "/organisation/edit")
    assert page.soup.find(id="kvk_number") is None
    assert page.soup.find(id="legal_name") is None
    assert page.soup.find(id="locked-notice")
    # A crafted POST with the locked fields changes the rest, never the legal identity.
    response = save_profile(client, legal_name="Sneaky B.V.", kvk_number="99998888", rsin="")
    assert response.status == 302
    organisation = db.session.get(Organisation, organisation.id)
    assert (organisation.legal_name, organisation.kvk_number) == ("Locked B.V.", "11112222")
    assert organisation.trade_name == "Ñandú Labs"


def test_change_report_is_applied_only_when_staff_accept(client, app):
    admin = member(legal_name="Old Name B.V.", kvk_number="11112222")
    organisation = organisation_of(admin)
    recognise(organisation)
    sign_in(client, admin)
    token = get_page(client, "/organisation/change-report").csrf()
    response = client.post(
        "/organisation/change-report",
        data={
            "csrf_token": token,
            "legal_name": "New Name B.V.",
            "kvk_number": "11112222",
            "rsin": "",
            "legal_form": "",
            "explanation": "Renamed on 1 November",
        },
    )
    assert response.status_code == 302
    assert db.session.get(Organisation, organisation.id).legal_name == "Old Name B.V."
    page = get_page(client, "/organisation/")
    assert "New Name B.V." in page.soup.find(id="pending-report").get_text()
    assert "the IND checks the reported change" in page.soup.find(id="change-report-next").text
    # A second report while one waits is not possible.
    assert "is waiting for the IND" in get_page(client, "/organisation/change-report").text

    report = db.session.scalar(db.select(ChangeReport))
    assert report.changes == {"legal_name": {"old": "Old Name B.V.", "new": "New Name B.V."}}
    staff_client = app.test_client()
    staff_client.get("/language/en")
    reviewer = UserFactory(reviewer=True)
    staff_sign_in(staff_client, reviewer)
    queue = get_page(staff_client, "/backoffice/change-reports")
    assert "Old Name B.V." in queue.soup.find(id="pending").get_text()
    detail = get_page(staff_client, f"/backoffice/change-reports/{report.id}")
    assert "New Name B.V." in detail.text and "Renamed on 1 November" in detail.text
    response = staff_client.post(
        f"/backoffice/change-reports/{report.id}",
        data={"csrf_token": detail.csrf(), "decision": "accept", "note": "Checked the KvK"},
    )
    assert response.status_code == 302
    organisation = db.session.get(Organisation, organisation.id)
    assert organisation.legal_name == "New Name B.V."
    assert db.session.get(ChangeReport, report.id).status == ChangeReportStatus.ACCEPTED
    row = db.session.scalar(db.select(ChangeHistory).where(ChangeHistory.field == "legal_name"))
    assert (row.old_value, row.new_value, row.actor_id) == (
        "Old Name B.V.",
        "New Name B.V.",
        reviewer.id,
    )
    history = get_page(client, "/organisation/history").soup.find(id="history").get_text(" ")
    assert "the IND" in history and "change report accepted" in history
    # Deciding twice changes nothing.
    response = staff_client.post(
        f"/backoffice/change-reports/{report.id}",
        data={"csrf_token": detail.csrf(), "decision": "reject", "note": ""},
    )
    assert response.status_code == 400
    assert db.session.get(ChangeReport, report.id).status == ChangeReportStatus.ACCEPTED


def test_rejected_change_report_changes_nothing(client, app):
    admin = member(legal_name="Stays B.V.")
    organisation = organisation_of(admin)
    recognise(organisation)
    report = ChangeReport(
        organisation_id=organisation.id,
        changes={"legal_name": {"old": "Stays B.V.", "new": "Other B.V."}},
        explanation="x",
        submitted_by_id=admin.id,
    )
    db.session.add(report)
    db.session.flush()
    staff_client = app.test_client()
    staff_sign_in(staff_client, UserFactory(reviewer=True))
    token = get_page(staff_client, f"/backoffice/change-reports/{report.id}").csrf()
    response = staff_client.post(
        f"/backoffice/change-reports/{report.id}",
        data={"csrf_token": token, "decision": "reject", "note": "Not in the KvK"},
    )
    assert response.status_code == 302
    assert db.session.get(Organisation, organisation.id).legal_name == "Stays B.V."
    assert db.session.get(ChangeReport, report.id).status == ChangeReportStatus.REJECTED
    assert db.session.scalar(db.select(db.func.count()).select_from(ChangeHistory)) == 0


def test_change_report_needs_a_change_and_an_explanation(client):
    admin = member(legal_name="Same B.V.", kvk_number="11112222")
    recognise(organisation_of(admin))
    sign_in(client, admin)
    token = get_page(client, "/organisation/change-report").csrf()
    page = Page(
        client.post(
            "/organisation/change-report",
            data={
                "csrf_token": token,
                "legal_name": "Same B.V.",
                "kvk_number": "11112222",
                "explanation": "nothing",
            },
        )
    )
    assert page.status == 400
    assert "Change at least one" in page.field_error("legal_name")
    page = Page(
        client.post(
            "/organisation/change-report",
            data={
                "csrf_token": token,
                "legal_name": "Other B.V.",
                "kvk_number": "11112222",
                "explanation": "",
            },
        )
    )
    assert page.status == 400
    assert "Explain what changed" in page.field_error("explanation")
    assert page.value("legal_name") == "Other B.V."
    assert db.session.scalar(db.select(db.func.count()).select_from(ChangeReport)) == 0


def test_before_recognition_there_is_no_change_report(client):
    sign_in(client, member(unverified=True))
    response = client.get("/organisation/change-report")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/organisation/edit")


def test_a_submitted_applications_snapshot_does_not_follow_the_profile(client):
    admin = member(legal_name="Snapshot B.V.", persons_employed=120)
    organisation = organisation_of(admin)
    sign_in(client, admin)
    token = get_page(client, "/applications/recognition/new").csrf()
    response = client.post(
        "/applications/recognition/new", data={"csrf_token": token, "category": "labour"}
    )
    check_url = response.headers["Location"]
    token = get_page(client, check_url).csrf()
    response = client.post(check_url, data={"csrf_token": token, "declaration": "y"})
    assert response.status_code == 302
    application = db.session.scalar(db.select(Application))
    assert application.status == ApplicationStatus.SUBMITTED
    # A draft for another category shows the profile as it is now.
    assert (
        save_profile(
            client,
            legal_name="Renamed B.V.",
            kvk_number=organisation.kvk_number,
            persons_employed="7",
        ).status
        == 302
    )
    page = get_page(client, f"/applications/{application.id}")
    sent = page.text.split("Data as sent", 1)[1]
    assert "Snapshot B.V." in sent and "Renamed B.V." not in sent
    assert (
        db.session.get(Application, application.id).snapshot["organisation"]["persons_employed"]
        == 120
    )
    token = get_page(client, "/applications/recognition/new").csrf()
    response = client.post(
        "/applications/recognition/new", data={"csrf_token": token, "category": "research"}
    )
    draft = get_page(client, response.headers["Location"])
    assert "Renamed B.V." in draft.text and "reduced fee" in draft.text


def test_another_organisations_profile_is_never_shown(client):
    other = OrganisationFactory(legal_name="Secret Other B.V.")
    admin = member()
    sign_in(client, admin)
    assert "Secret Other B.V." not in get_page(client, "/organisation/").text
    assert other.id != organisation_of(admin).id


def test_profile_in_dutch_shows_dutch_country_names(client):
    admin = member(country="DE", postcode="10115", city="Berlin")
    sign_in(client, admin)
    client.get("/language/nl")
    page = get_page(client, "/organisation/")
    assert "Duitsland" in page.text
    edit = get_page(client, "/organisation/edit")
    option = edit.soup.find("select", id="country").find("option", value="DE")
    assert option.get_text() == "Duitsland" and option.has_attr("selected")


def test_a_user_of_two_organisations_switches_between_them(client):
    user = member(legal_name="First B.V.")
    second = OrganisationFactory(legal_name="Second B.V.")
    db.session.add(MembershipFactory.build(user=user, organisation=second, role=OrgRole.READER))
    db.session.flush()
    sign_in(client, user)
    assert "First B.V." in get_page(client, "/dashboard").soup.find(id="acting-for").get_text()
    page = get_page(client, "/organisation/switch")
    options = {o["value"] for o in page.soup.select("input[name=context]")}
    assert options == {f"org-{user.memberships[0].organisation_id}", f"org-{second.id}"}
    response = client.post(
        "/organisation/switch", data={"csrf_token": page.csrf(), "context": f"org-{second.id}"}
    )
    assert response.status_code == 302
    assert "Second B.V." in get_page(client, "/dashboard").soup.find(id="acting-for").get_text()
    # As a reader there, the profile cannot be changed.
    assert client.get("/organisation/edit").status_code == 403
    # Someone else's organisation cannot be chosen.
    other = OrganisationFactory()
    response = client.post(
        "/organisation/switch", data={"csrf_token": page.csrf(), "context": f"org-{other.id}"}
    )
    assert response.status_code == 400
    assert "Second B.V." in get_page(client, "/dashboard").soup.find(id="acting-for").get_text()
