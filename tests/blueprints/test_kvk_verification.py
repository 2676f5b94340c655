"""KvK squatting (issue 12, High): a password sign-up is unverified until its KvK number is
proven; eHerkenning never joins an unverified organisation, it freezes it; the verified
administrator may take over what the frozen account holds; the IND verifies at the recognition
review from the KvK extract. All through HTTP, eHerkenning against a real OIDC provider."""

import io
from urllib.parse import urlsplit, urlunsplit

import oidc_provider_mock
import pytest
import requests

from portal.extensions import db
from portal.models import (
    Application,
    ApplicationStatus,
    AuditEvent,
    ChangeReport,
    Document,
    ExternalIdentity,
    KvkProof,
    Membership,
    Organisation,
    OrgRole,
    Person,
    Recognition,
    User,
)
from portal.models.base import utcnow
from tests.support.auth import second_step, sign_in, sign_out, staff_sign_in, staff_sign_out
from tests.support.casework import act, grant, submit, submitted_case
from tests.support.factories import (
    ApplicationFactory,
    MembershipFactory,
    OrganisationFactory,
    PersonFactory,
    UserFactory,
    member,
)
from tests.support.fees import pay
from tests.support.pages import Page, get_page, post_form
from tests.support.sign_up import confirm_link, link_in, mail_to

KVK = "12345678"
KVK_CLAIM = "urn:etoegang:1.9:EntityConcernedID:KvKnr"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
SIGN_UP = {
    "legal_name": "Squat B.V.",
    "street_address": "Kerkstraat 1",
    "postcode": "1234 AB",
    "city": "Utrecht",
    "organisation_email": "info@squat.example",
    "persons_employed": "8",
    "kind": "employer",
    "preferred_language": "en",
    "admin_name": "Sam Squatter",
    "admin_email": "sam@squat.example",
    "password": "seven unrelated words make sense",
}


@pytest.fixture(scope="module")
def provider():
    with oidc_provider_mock.run_server_in_thread(port=0) as server:
        yield f"http://127.0.0.1:{server.server_port}"


@pytest.fixture
def eherkenning_config(app, provider):
    values = {
        "OIDC_SPONSOR_ISSUER": provider,
        "OIDC_SPONSOR_CLIENT_ID": "sponsor-portal",
        "OIDC_SPONSOR_CLIENT_SECRET": "sponsor-secret",
        "OIDC_SPONSOR_KVK_CLAIM": KVK_CLAIM,
    }
    saved = {key: app.config.get(key) for key in values}
    app.config.update(values)
    yield
    app.config.update(saved)


@pytest.fixture(autouse=True)
def english(client):
    client.get("/language/en")


@pytest.fixture
def password_sign_up(smtp_server):
    """password_sign_up(client, kvk=..., **changes): the sign-up form, then (when it is
    accepted) the link in the mail and two-step verification; the form's page when refused,
    else the confirmation's redirect."""

    def sign_up(client, kvk=KVK, **changes) -> Page:
        data = {**SIGN_UP, "kvk_number": kvk, **changes}
        sent = Page(post_form(client, "/sign-up", data))
        if sent.status != 200:
            return sent
        response = confirm_link(client, link_in(mail_to(smtp_server, data["admin_email"])))
        second_step(client, None, response)
        return Page(response)

    return sign_up


def eherkenning_sign_in(client, provider, sub, kvk=KVK, **claims) -> Page:
    values = {KVK_CLAIM: kvk, "acr": "urn:etoegang:core:assurance-class:loa3", **claims}
    assert requests.put(f"{provider}/users/{sub}", json=values, timeout=5).status_code == 204
    start = client.get("/oidc/eherkenning")
    answer = requests.post(
        start.headers["Location"], data={"sub": sub}, allow_redirects=False, timeout=5
    )
    callback = urlsplit(answer.headers["Location"])
    return Page(client.get(urlunsplit(("", "", callback.path, callback.query, ""))))


def eherkenning_sign_up(client, provider, sub="eve", kvk=KVK, name="Real Company B.V."):
    """First eHerkenning user for a KvK number: sign-up with the number fixed."""
    email = f"{sub}@real.example"
    page = eherkenning_sign_in(client, provider, sub, kvk, email=email, name=sub.title())
    assert page.response.headers["Location"] == "/sign-up"
    fields = {k: v for k, v in SIGN_UP.items() if k != "password"}
    fields.update(legal_name=name, admin_email=email, organisation_email=f"info@{sub}.example")
    response = post_form(client, "/sign-up", fields)
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return db.session.scalar(
        db.select(Organisation).where(Organisation.kvk_verified_at.is_not(None))
    )


def organisation_named(name) -> Organisation:
    return db.session.scalar(db.select(Organisation).where(Organisation.legal_name == name))


def actions(action: str) -> list[AuditEvent]:
    return db.session.scalars(db.select(AuditEvent).where(AuditEvent.action == action)).all()


# --- password sign-up: unverified, labelled -------------------------------------------------


def test_a_password_sign_up_is_unverified_and_labelled_to_its_users_and_to_staff(
    client, password_sign_up
):
    assert password_sign_up(client).status == 302
    organisation = organisation_named("Squat B.V.")
    assert organisation.kvk_verified_at is None and not organisation.is_frozen
    dashboard = get_page(client, "/dashboard")
    assert "KvK number not verified" in dashboard.soup.find(id="kvk-status").text
    assert dashboard.soup.find(id="unverified-notice") is not None
    assert "KvK number not verified" in get_page(client, "/organisation/").text
    sign_out(client)

    staff_sign_in(client, UserFactory(reviewer=True))
    found = get_page(client, f"/backoffice/organisations?q={KVK}")
    assert "KvK number not verified" in found.text
    page = get_page(client, f"/backoffice/organisations/{organisation.id}")
    assert "KvK number not verified" in page.soup.find(id="kvk-status").text


def test_a_second_password_sign_up_for_an_unverified_number_is_allowed_and_unverified(
    client, password_sign_up
):
    assert password_sign_up(client).status == 302
    sign_out(client)
    second = password_sign_up(
        client, legal_name="Also Squat B.V.", admin_email="other@squat.example"
    )
    assert second.status == 302, second.text[:300]
    both = db.session.scalars(db.select(Organisation).where(Organisation.kvk_number == KVK)).all()
    assert len(both) == 2 and not any(o.is_verified for o in both)


def test_a_password_sign_up_for_a_verified_number_is_refused(client, password_sign_up):
    OrganisationFactory(kvk_number=KVK, legal_name="Real B.V.")
    page = password_sign_up(client)
    assert page.status == 400
    assert "already has an account" in page.field_error("kvk_number")
    assert page.value("legal_name") == "Squat B.V."
    assert db.session.scalar(db.select(db.func.count()).select_from(Organisation)) == 1


# --- eHerkenning: never joins an unverified organisation; freezes it ---------------------------


def test_eherkenning_never_joins_an_unverified_organisation_it_freezes_it(
    client, provider, eherkenning_config, password_sign_up
):
    # The squatter signs up first, with a password, and enters a person and a draft.
    assert password_sign_up(client).status == 302
    squat = organisation_named("Squat B.V.")
    squatter = db.session.scalar(db.select(User).where(User.email == "sam@squat.example"))
    person = PersonFactory(organisation=squat, surname="Passport-Holder")
    draft = ApplicationFactory(organisation=squat, created_by=squatter)
    sign_out(client)

    # The real company's employee signs in with eHerkenning: sign-up, never the squatter's team.
    real = eherkenning_sign_up(client, provider, "eve")
    eve = db.session.scalar(db.select(User).where(User.email == "eve@real.example"))
    assert [m.organisation_id for m in eve.memberships] == [real.id]
    assert real.kvk_verified_via == KvkProof.EHERKENNING
    assert not db.session.scalar(
        db.select(Membership).where(
            Membership.organisation_id == squat.id, Membership.user_id == eve.id
        )
    )
    db.session.refresh(squat)
    assert squat.is_frozen and not squat.is_verified
    assert [e.organisation_id for e in actions("organisation.frozen")] == [squat.id]
    # A second eHerkenning user of the company joins the verified organisation.
    sign_out(client)
    assert eherkenning_sign_in(client, provider, "fred", email="fred@real.example").status == 302
    fred = db.session.scalar(db.select(User).where(User.email == "fred@real.example"))
    assert [(m.organisation_id, m.role) for m in fred.memberships] == [(real.id, OrgRole.SUBMITTER)]
    assert "Real Company B.V." in get_page(client, "/dashboard").text
    sign_out(client)

    # The squatter is told, keeps reading, and can add nothing.
    sign_in(client, squatter, password=SIGN_UP["password"])
    dashboard = get_page(client, "/dashboard")
    assert "frozen" in dashboard.soup.find(id="frozen-notice").text
    assert f"/applications/{draft.id}/check" in dashboard.html  # drafts are kept and listed
    assert "Apply for recognition" not in dashboard.text
    assert get_page(client, f"/people/{person.id}").status == 200
    for url in ("/people/new", "/applications/recognition/new", "/organisation/edit"):
        refused = client.get(url)
        assert refused.status_code == 403, url
        assert "frozen" in Page(refused).text
    token = dashboard.csrf()
    response = client.post(
        "/people/new",
        data={"csrf_token": token, "surname": "New", "given_names": "Someone"},
    )
    assert response.status_code == 403
    assert (
        client.post(
            "/organisation/team/invite",
            data={"csrf_token": token, "email": "x@squat.example", "role": "reader"},
        ).status_code
        == 403
    )
    assert (
        db.session.scalar(
            db.select(db.func.count()).select_from(Person).where(Person.organisation_id == squat.id)
        )
        == 1
    )
    sign_out(client)

    # Staff see the flag on the account.
    staff_sign_in(client, UserFactory(reviewer=True))
    page = get_page(client, f"/backoffice/organisations/{squat.id}")
    assert page.soup.find(id="frozen-flag") is not None
    assert "Real Company B.V." in page.soup.find(id="same-kvk").text


def test_an_eherkenning_session_never_acts_for_an_unverified_organisation_with_its_number(
    client, provider, eherkenning_config
):
    real = OrganisationFactory(kvk_number=KVK, legal_name="Real B.V.")
    squat = OrganisationFactory(kvk_number=KVK, legal_name="Squat B.V.", unverified=True)
    user = UserFactory(email="gina@both.example")
    MembershipFactory(user=user, organisation=squat, role=OrgRole.ADMINISTRATOR)
    MembershipFactory(user=user, organisation=real, role=OrgRole.SUBMITTER)
    db.session.add(
        ExternalIdentity(user_id=user.id, kind="sponsor", issuer=provider, subject="gina")
    )
    db.session.flush()
    assert eherkenning_sign_in(client, provider, "gina", email="gina@both.example").status == 302
    assert "Real B.V." in get_page(client, "/dashboard").text
    switch = get_page(client, "/organisation/switch")
    assert "Squat B.V." not in switch.text


# --- taking over a frozen account ----------------------------------------------------------


def test_the_verified_administrator_takes_over_a_frozen_accounts_people_drafts_and_cases(
    client, provider, eherkenning_config, password_sign_up
):
    assert password_sign_up(client).status == 302
    squat = organisation_named("Squat B.V.")
    sam = db.session.scalar(db.select(User).where(User.email == "sam@squat.example"))
    person = PersonFactory(organisation=squat, surname="Moved")
    draft = ApplicationFactory(organisation=squat, created_by=sam)
    open_case = ApplicationFactory(
        organisation=squat,
        created_by=sam,
        status=ApplicationStatus.SUBMITTED,
        reference="ER-2026-000777-A",
        submitted_at=utcnow(),
        submitted_by=sam,
        snapshot={"organisation": squat.snapshot(), "category": "labour"},
    )
    decided = ApplicationFactory(
        organisation=squat, created_by=sam, status=ApplicationStatus.REFUSED, category="study"
    )
    sign_out(client)

    real = eherkenning_sign_up(client, provider, "eve")
    dashboard = get_page(client, "/dashboard")
    assert dashboard.soup.find(id="frozen-peers-notice") is not None
    listing = get_page(client, "/organisation/frozen-accounts")
    row = listing.soup.find(id="frozen-accounts").find("tbody").find("tr")
    assert [td.get_text(strip=True) for td in row.find_all("td")][2:5] == ["1", "1", "1"]

    # Nothing moves without the step; then one POST moves it all.
    assert db.session.get(Person, person.id).organisation_id == squat.id
    url = f"/organisation/frozen-accounts/{squat.id}/take-over"
    assert "1 open case" in get_page(client, url).text
    response = post_form(client, url, {})
    assert response.status_code == 302
    assert db.session.get(Person, person.id).organisation_id == real.id
    assert db.session.get(Application, draft.id).organisation_id == real.id
    assert db.session.get(Application, open_case.id).organisation_id == real.id
    assert db.session.get(Application, decided.id).organisation_id == squat.id
    (event,) = actions("organisation.taken_over")
    assert (event.organisation_id, event.details["people"], event.details["open_cases"]) == (
        real.id,
        1,
        1,
    )
    assert "Moved" in get_page(client, "/people/").text
    assert get_page(client, f"/applications/{open_case.id}").status == 200
    sign_out(client)
    sign_in(client, sam, password=SIGN_UP["password"])
    assert client.get(f"/people/{person.id}").status_code == 404


def test_only_a_frozen_account_with_the_same_number_can_be_taken_over(client):
    admin = member(kvk_number=KVK)
    elsewhere = OrganisationFactory(kvk_number="87654321", unverified=True, frozen_at=utcnow())
    unfrozen = OrganisationFactory(kvk_number=KVK, unverified=True)
    PersonFactory(organisation=unfrozen)
    sign_in(client, admin)
    for other in (elsewhere, unfrozen):
        url = f"/organisation/frozen-accounts/{other.id}/take-over"
        assert client.get(url).status_code == 404
        assert post_form(client, url, {}, form_url="/dashboard").status_code == 404
    assert (
        db.session.scalar(
            db.select(db.func.count())
            .select_from(Person)
            .where(Person.organisation_id == admin.memberships[0].organisation_id)
        )
        == 0
    )


def test_a_take_over_with_a_person_in_both_registers_moves_nothing(client):
    admin = member(kvk_number=KVK)
    mine = admin.memberships[0].organisation
    frozen = OrganisationFactory(kvk_number=KVK, unverified=True, frozen_at=utcnow())
    PersonFactory(organisation=mine, nationality="IN", passport_number="Z1234567")
    theirs = PersonFactory(organisation=frozen, nationality="IN", passport_number="Z1234567")
    other = PersonFactory(organisation=frozen)
    sign_in(client, admin)
    url = f"/organisation/frozen-accounts/{frozen.id}/take-over"
    page = Page(post_form(client, url, {}))
    assert page.status == 400
    assert "both registers" in page.soup.find(id="take-over-error").text
    assert {db.session.get(Person, p.id).organisation_id for p in (theirs, other)} == {frozen.id}


# --- the KvK number of a verified organisation --------------------------------------------


def test_a_verified_kvk_number_changes_only_through_an_accepted_change_report(client):
    admin = member(kvk_number=KVK, legal_name="Verified B.V.")
    organisation = admin.memberships[0].organisation
    squat = OrganisationFactory(kvk_number="87654321", unverified=True, legal_name="Old Squat")
    sign_in(client, admin)
    edit = get_page(client, "/organisation/edit")
    assert edit.soup.find(id="kvk_number") is None
    assert edit.soup.find(id="kvk-locked-notice") is not None
    assert submit(client, edit, "/organisation/edit", kvk_number="87654321").status_code == 302
    assert db.session.get(Organisation, organisation.id).kvk_number == KVK

    response = post_form(
        client,
        "/organisation/change-report",
        {"legal_name": "Verified B.V.", "kvk_number": "87654321", "explanation": "merger"},
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    assert db.session.get(Organisation, organisation.id).kvk_number == KVK
    report = db.session.scalar(db.select(ChangeReport))
    sign_out(client)

    staff_sign_in(client, UserFactory(reviewer=True))
    response = post_form(
        client,
        f"/backoffice/change-reports/{report.id}",
        {"decision": "accept", "note": "KvK extract seen"},
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    organisation = db.session.get(Organisation, organisation.id)
    assert organisation.kvk_number == "87654321" and organisation.is_verified
    # The unverified account that claimed the new number is frozen now.
    assert db.session.get(Organisation, squat.id).is_frozen


def test_an_unverified_organisation_cannot_take_a_verified_number_on_its_profile(client):
    OrganisationFactory(kvk_number="87654321")
    admin = member(kvk_number=KVK, unverified=True, legal_name="Unverified B.V.")
    sign_in(client, admin)
    edit = get_page(client, "/organisation/edit")
    page = Page(submit(client, edit, "/organisation/edit", kvk_number="87654321"))
    assert page.status == 400
    assert "already has an account" in page.field_error("kvk_number")
    assert db.session.get(Organisation, admin.memberships[0].organisation_id).kvk_number == KVK


# --- the IND verifies at the recognition review ----------------------------------------------


def start_recognition(client) -> str:
    response = post_form(client, "/applications/recognition/new", {"category": "labour"})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return response.headers["Location"]


def test_an_unverified_organisation_sends_its_kvk_extract_and_the_ind_verifies_it(client):
    admin = member(kvk_number=KVK, unverified=True, legal_name="Applicant B.V.")
    organisation = admin.memberships[0].organisation
    sign_in(client, admin)
    check_url = start_recognition(client)
    page = get_page(client, check_url)
    assert page.soup.find(id="kvk-extract-needed") is not None
    # Without the extract: an error next to the field, nothing submitted.
    refused = Page(post_form(client, check_url, {"declaration": "y"}))
    assert refused.status == 400
    assert "KvK extract" in refused.field_error("kvk_extract")
    application = db.session.scalar(db.select(Application))
    assert application.status == ApplicationStatus.DRAFT
    # A file that is not a PDF, JPEG or PNG: refused, nothing stored.
    token = page.csrf()
    bad = Page(
        client.post(
            check_url,
            data={
                "csrf_token": token,
                "declaration": "y",
                "kvk_extract": (io.BytesIO(b"hello"), "extract.pdf"),
            },
        )
    )
    assert bad.status == 400 and bad.field_error("kvk_extract")
    assert db.session.scalar(db.select(db.func.count()).select_from(Document)) == 0
    response = client.post(
        check_url,
        data={
            "csrf_token": token,
            "declaration": "y",
            "kvk_extract": (io.BytesIO(PDF), "uittreksel.pdf"),
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    application = db.session.get(Application, application.id)
    assert application.status == ApplicationStatus.SUBMITTED
    extract = db.session.scalar(db.select(Document))
    assert (extract.application_id, extract.purpose) == (application.id, "kvk_extract")
    sign_out(client)
    pay(application)

    reviewer = UserFactory(reviewer=True)
    staff_sign_in(client, reviewer)
    case_page = get_page(client, f"/backoffice/cases/{application.id}")
    assert "KvK number not verified" in case_page.soup.find(id="organisation-kvk").text
    assert case_page.soup.find("a", href=f"/backoffice/documents/{extract.id}") is not None
    # The grant needs every checklist item met, the KvK extract included: meeting it verifies
    # the organisation (by the IND), and the grant goes through.
    response = grant(client, application, reason="ok")
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    organisation = db.session.get(Organisation, organisation.id)
    assert organisation.kvk_verified_via == KvkProof.IND_REVIEW
    assert db.session.get(Application, application.id).status == ApplicationStatus.GRANTED
    assert db.session.scalar(
        db.select(Recognition).where(Recognition.organisation_id == organisation.id)
    )
    staff_sign_out(client)
    assert "Applicant B.V." in get_page(client, "/register/labour").text


def test_the_ind_cannot_verify_a_number_another_organisation_proved_first(client):
    case = submitted_case(kvk_number=KVK, unverified=True, legal_name="Late B.V.")
    OrganisationFactory(kvk_number=KVK, legal_name="First B.V.")
    staff_sign_in(client, UserFactory(reviewer=True))
    response = act(
        client,
        case,
        "/checklist",
        follow_redirects=True,
        **{"checklist-kvk_extract_outcome": "met"},
    )
    assert "Another organisation has already proved this KvK number" in Page(response).text
    assert not db.session.get(Organisation, case.organisation_id).is_verified
    assert db.session.scalar(db.select(db.func.count()).select_from(Recognition)) == 0


def test_verified_organisations_need_no_kvk_extract(client):
    admin = member(kvk_number=KVK)
    sign_in(client, admin)
    check_url = start_recognition(client)
    assert get_page(client, check_url).soup.find(id="kvk_extract") is None
    assert post_form(client, check_url, {"declaration": "y"}).status_code == 302
    assert db.session.scalar(db.select(Application)).status == ApplicationStatus.SUBMITTED
