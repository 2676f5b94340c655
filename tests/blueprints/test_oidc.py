"""OpenID Connect sign-in against a real provider process (oidc-provider-mock on 127.0.0.1).

eHerkenning for sponsor users: the KvK number and assurance level come from the ID token.
Staff single sign-on: the role comes from a claim. Every refusal is a clear page, never an error.
"""

from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

import oidc_provider_mock
import pytest
import requests

from portal.extensions import db
from portal.models import (
    AuditEvent,
    ExternalIdentity,
    Letter,
    LetterKind,
    Membership,
    Organisation,
    OrgRole,
    StaffRole,
    User,
)
from tests.support.auth import second_step
from tests.support.factories import MembershipFactory, OrganisationFactory, UserFactory
from tests.support.pages import Page, get_page

KVK = "12345678"
OIDC_KEYS = (
    "OIDC_SPONSOR_ISSUER",
    "OIDC_SPONSOR_CLIENT_ID",
    "OIDC_SPONSOR_CLIENT_SECRET",
    "OIDC_SPONSOR_KVK_CLAIM",
    "OIDC_SPONSOR_MIN_ACR",
    "OIDC_STAFF_ISSUER",
    "OIDC_STAFF_CLIENT_ID",
    "OIDC_STAFF_CLIENT_SECRET",
    "OIDC_STAFF_ROLE_CLAIM",
    "OIDC_STAFF_ROLE_MAP",
    "OIDC_STAFF_MFA_ACR",
)


@pytest.fixture(scope="module")
def provider():
    with oidc_provider_mock.run_server_in_thread(port=0) as server:
        yield f"http://127.0.0.1:{server.server_port}"


@pytest.fixture
def oidc_config(app, provider):
    saved = {key: app.config.get(key) for key in OIDC_KEYS}
    app.config.update(
        OIDC_SPONSOR_ISSUER=provider,
        OIDC_SPONSOR_CLIENT_ID="sponsor-portal",
        OIDC_SPONSOR_CLIENT_SECRET="sponsor-secret",
        OIDC_SPONSOR_KVK_CLAIM="urn:etoegang:1.9:EntityConcernedID:KvKnr",
        OIDC_SPONSOR_MIN_ACR="substantial",
        OIDC_STAFF_ISSUER=provider,
        OIDC_STAFF_CLIENT_ID="sponsor-portal-staff",
        OIDC_STAFF_CLIENT_SECRET="staff-secret",
        OIDC_STAFF_ROLE_CLAIM="groups",
        OIDC_STAFF_ROLE_MAP="ind-reviewer=reviewer,ind-supervisor=supervisor",
    )
    yield app.config
    app.config.update(saved)


@pytest.fixture(autouse=True)
def english(client):
    client.get("/language/en")


def claims(provider, sub, **values):
    response = requests.put(f"{provider}/users/{sub}", json=values, timeout=5)
    assert response.status_code == 204


def eherkenning(provider, sub, kvk=KVK, acr="urn:etoegang:core:assurance-class:loa3", **more):
    values = {"urn:etoegang:1.9:EntityConcernedID:KvKnr": kvk, "acr": acr, **more}
    claims(provider, sub, **{k: v for k, v in values.items() if v is not None})


def authorize(client, provider, start="/oidc/eherkenning", sub="alice", action=None) -> str:
    """Start at the portal, log in at the provider; the callback path the browser would open."""
    response = client.get(start)
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    authorization_url = response.headers["Location"]
    assert authorization_url.startswith(provider + "/oauth2/authorize?")
    form = {"action": action} if action else {"sub": sub}
    answer = requests.post(authorization_url, data=form, allow_redirects=False, timeout=5)
    assert answer.status_code == 302, answer.text[:300]
    callback = urlsplit(answer.headers["Location"])
    return urlunsplit(("", "", callback.path, callback.query, ""))


def sign_in_with(client, provider, sub="alice", start="/oidc/eherkenning") -> Page:
    return Page(client.get(authorize(client, provider, start, sub)))


def with_query(path, **changes) -> str:
    parts = urlsplit(path)
    query = {k: v[0] for k, v in parse_qs(parts.query).items()} | changes
    return urlunsplit(("", "", parts.path, urlencode(query), ""))


# --- the good paths ----------------------------------------------------------------------


def test_the_eherkenning_button_shows_only_when_configured(app, client, provider):
    assert "Sign in with eHerkenning" not in get_page(client, "/sign-in").text
    assert client.get("/oidc/eherkenning").status_code == 404
    app.config.update(OIDC_SPONSOR_ISSUER=provider, OIDC_SPONSOR_CLIENT_ID="x")
    try:
        page = get_page(client, "/sign-in")
        assert page.soup.find("a", href="/oidc/eherkenning?next=")
    finally:
        app.config.update(OIDC_SPONSOR_ISSUER=None, OIDC_SPONSOR_CLIENT_ID=None)


def test_first_sign_in_links_the_user_to_the_organisation_with_that_kvk_number(
    client, provider, oidc_config
):
    organisation = OrganisationFactory(kvk_number=KVK, legal_name="Asserted B.V.")
    eherkenning(provider, "alice", email="alice@asserted.example", name="Alice Jansen")
    page = sign_in_with(client, provider, "alice")
    assert page.status == 302 and page.response.headers["Location"] == "/dashboard"
    assert "Asserted B.V." in get_page(client, "/dashboard").text

    user = db.session.scalar(db.select(User).where(User.email == "alice@asserted.example"))
    assert user.name == "Alice Jansen"
    (membership,) = user.memberships
    assert (membership.organisation_id, membership.role) == (organisation.id, OrgRole.SUBMITTER)
    link = db.session.scalar(db.select(ExternalIdentity))
    assert (link.user_id, link.subject, link.issuer) == (user.id, "alice", provider)
    assert not user.password_hash.startswith("$argon2")  # no password to guess

    # The next sign-in finds the same user; nothing is duplicated.
    client.post("/sign-out", data={"csrf_token": get_page(client, "/dashboard").csrf()})
    assert sign_in_with(client, provider, "alice").status == 302
    assert db.session.scalar(db.select(db.func.count()).select_from(User)) == 1
    assert db.session.scalar(db.select(db.func.count()).select_from(Membership)) == 1


def test_first_sign_in_for_an_unknown_kvk_number_starts_sign_up_with_it_fixed(
    client, provider, oidc_config
):
    eherkenning(provider, "bob", kvk="87654321", email="bob@new.example", name="Bob de Boer")
    page = sign_in_with(client, provider, "bob")
    assert page.response.headers["Location"] == "/sign-up"
    form = get_page(client, "/sign-up")
    assert form.soup.find(id="kvk_number").get_text(strip=True) == "87654321"
    assert form.value("admin_email") == "bob@new.example"
    assert form.value("admin_name") == "Bob de Boer"
    assert form.soup.find("input", attrs={"name": "password"}) is None
    response = client.post(
        "/sign-up",
        data={
            "csrf_token": form.csrf(),
            "kvk_number": "11111111",  # tampering with the number is ignored
            "legal_name": "Nieuw B.V.",
            "street_address": "Kerkstraat 1",
            "postcode": "1234 AB",
            "city": "Utrecht",
            "organisation_email": "info@new.example",
            "persons_employed": "8",
            "kind": "employer",
            "preferred_language": "nl",
            "admin_name": "Bob de Boer",
            "admin_email": "bob@new.example",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    organisation = db.session.scalar(db.select(Organisation))
    assert organisation.kvk_number == "87654321"
    user = db.session.scalar(db.select(User))
    assert user.memberships[0].role == OrgRole.ADMINISTRATOR
    assert db.session.scalar(db.select(ExternalIdentity)).user_id == user.id
    assert "Nieuw B.V." in get_page(client, "/dashboard").text
    # Next time eHerkenning signs the administrator straight in (EH3 is already two factors).
    client.post("/sign-out", data={"csrf_token": get_page(client, "/dashboard").csrf()})
    assert sign_in_with(client, provider, "bob").response.headers["Location"] == "/dashboard"


def test_a_user_asserted_for_one_kvk_number_never_sees_another_organisation(
    client, provider, oidc_config
):
    mine = OrganisationFactory(kvk_number=KVK, legal_name="Mine B.V.")
    theirs = OrganisationFactory(kvk_number="23456789", legal_name="Theirs B.V.")
    user = UserFactory(email="carol@both.example")
    MembershipFactory(user=user, organisation=mine, role=OrgRole.SUBMITTER)
    MembershipFactory(user=user, organisation=theirs, role=OrgRole.SUBMITTER)
    db.session.add(
        ExternalIdentity(
            user_id=user.id,
            kind="sponsor",
            issuer=oidc_config["OIDC_SPONSOR_ISSUER"],
            subject="carol",
        )
    )
    letter = Letter(
        organisation_id=theirs.id,
        kind=LetterKind.ACKNOWLEDGEMENT,
        subject="Theirs only",
        language="en",
        body_text="",
        pdf=b"%PDF",
    )
    db.session.add(letter)
    db.session.flush()
    eherkenning(provider, "carol", email="carol@both.example")
    sign_in_with(client, provider, "carol")
    with client.session_transaction() as session:
        session["organisation_id"] = theirs.id  # as if an organisation switcher chose the other
    dashboard = get_page(client, "/dashboard")
    assert "Mine B.V." in dashboard.text and "Theirs B.V." not in dashboard.text
    assert client.get(f"/inbox/{letter.id}").status_code == 404
    assert "Theirs only" not in get_page(client, "/inbox").text


def test_staff_sign_in_through_the_ind_identity_provider(client, provider, oidc_config):
    claims(
        provider,
        "dana",
        email="dana@ind.example",
        name="Dana",
        groups=["ind-supervisor"],
        amr=["pwd", "mfa"],
    )
    assert "Sign in with your IND account" in get_page(client, "/backoffice/sign-in").text
    page = sign_in_with(client, provider, "dana", start="/oidc/staff")
    assert page.response.headers["Location"] == "/backoffice/"
    assert client.get("/backoffice/").status_code == 200
    user = db.session.scalar(db.select(User).where(User.email == "dana@ind.example"))
    assert user.staff_role == StaffRole.SUPERVISOR
    # The provider is the source of truth for the role, at every sign-in.
    claims(provider, "dana", email="dana@ind.example", groups="other ind-reviewer", amr=["mfa"])
    sign_in_with(client, provider, "dana", start="/oidc/staff")
    assert db.session.get(User, user.id).staff_role == StaffRole.REVIEWER


def test_staff_sso_links_an_existing_staff_account_by_email(client, provider, oidc_config):
    staff = UserFactory(reviewer=True, email="erik@ind.example")
    claims(provider, "erik", email="erik@ind.example", groups=["ind-reviewer"], amr=["pwd", "mfa"])
    sign_in_with(client, provider, "erik", start="/oidc/staff")
    assert client.get("/backoffice/").status_code == 200
    assert db.session.scalar(db.select(ExternalIdentity)).user_id == staff.id


def test_staff_sso_without_evidence_of_a_second_factor_asks_for_the_portals_code(
    client, provider, oidc_config
):
    staff = UserFactory(reviewer=True, email="gus@ind.example")
    claims(provider, "gus", email="gus@ind.example", groups=["ind-reviewer"], amr=["pwd"])
    page = sign_in_with(client, provider, "gus", start="/oidc/staff")
    assert page.response.headers["Location"] == "/backoffice/sign-in/code"
    assert client.get("/backoffice/").status_code == 302  # not signed in yet
    second_step(client, staff, page.response)
    assert client.get("/backoffice/").status_code == 200


def test_staff_sso_without_a_second_factor_anywhere_sets_one_up_first(
    client, provider, oidc_config
):
    claims(provider, "hal", email="hal@ind.example", groups=["ind-reviewer"])  # no amr
    page = sign_in_with(client, provider, "hal", start="/oidc/staff")
    assert page.response.headers["Location"] == "/sign-in/set-up-code"
    assert client.get("/backoffice/").status_code == 302
    second_step(client, None, page.response)
    assert client.get("/backoffice/").status_code == 200
    assert db.session.scalar(db.select(User).where(User.email == "hal@ind.example")).totp_secret


def test_staff_sso_accepts_a_configured_acr_as_evidence(client, provider, oidc_config):
    oidc_config["OIDC_STAFF_MFA_ACR"] = "urn:ind:acr:mfa"
    claims(provider, "ivy", email="ivy@ind.example", groups=["ind-reviewer"], acr="urn:ind:acr:mfa")
    page = sign_in_with(client, provider, "ivy", start="/oidc/staff")
    assert page.response.headers["Location"] == "/backoffice/"
    assert client.get("/backoffice/").status_code == 200
    claims(provider, "ivy", email="ivy@ind.example", groups=["ind-reviewer"], acr="urn:ind:acr:pwd")
    page = sign_in_with(client, provider, "ivy", start="/oidc/staff")
    assert page.response.headers["Location"] == "/sign-in/set-up-code"


def test_oidc_sign_in_starts_a_new_session(client, provider, oidc_config):
    OrganisationFactory(kvk_number=KVK)
    eherkenning(provider, "fay", email="fay@x.example")
    get_page(client, "/sign-in")
    with client.session_transaction() as session:
        session["planted"] = "by an attacker"
    sign_in_with(client, provider, "fay")
    with client.session_transaction() as session:
        assert "planted" not in session and session["asserted_kvk"] == KVK


# --- refusals ----------------------------------------------------------------------------


def refusal(page: Page, status: int, title: str):
    assert page.status == status, page.text[:300]
    assert page.soup.find("h1").get_text(strip=True) == title
    assert page.soup.find("a", class_="button")["href"] in ("/sign-in", "/backoffice/sign-in")


def assert_not_signed_in(client):
    assert client.get("/dashboard").status_code == 302


def test_a_tampered_state_is_refused(client, provider, oidc_config):
    OrganisationFactory(kvk_number=KVK)
    eherkenning(provider, "gus", email="gus@x.example")
    callback = authorize(client, provider, sub="gus")
    page = Page(client.get(with_query(callback, state="forged-state")))
    refusal(page, 400, "The sign-in could not be completed")
    assert_not_signed_in(client)


def test_a_callback_from_another_browser_is_refused(app, client, provider, oidc_config):
    """Login CSRF: a code and state made in the attacker's browser do not work in the victim's."""
    OrganisationFactory(kvk_number=KVK)
    eherkenning(provider, "attacker", email="attacker@x.example")
    attacker = app.test_client()
    callback = authorize(attacker, provider, sub="attacker")
    refusal(Page(client.get(callback)), 400, "The sign-in could not be completed")
    assert_not_signed_in(client)


def test_a_replayed_code_is_refused(app, client, provider, oidc_config):
    OrganisationFactory(kvk_number=KVK)
    eherkenning(provider, "hans", email="hans@x.example")
    callback = authorize(client, provider, sub="hans")
    assert client.get(callback).status_code == 302  # used once
    code = parse_qs(urlsplit(callback).query)["code"][0]
    # Someone who saw the URL starts their own sign-in and slips the old code in.
    thief = app.test_client()
    thief.get("/language/en")
    fresh = authorize(thief, provider, sub="someone-else")
    page = Page(thief.get(with_query(fresh, code=code)))
    refusal(page, 400, "The sign-in could not be completed")
    assert "did not accept the one-time sign-in code" in page.text
    assert_not_signed_in(thief)
    # Replaying the whole callback is refused too (its state was used).
    refusal(Page(thief.get(callback)), 400, "The sign-in could not be completed")


def test_a_token_for_another_audience_is_refused(client, provider, oidc_config):
    OrganisationFactory(kvk_number=KVK)
    eherkenning(provider, "ida", email="ida@x.example", aud="some-other-application")
    page = sign_in_with(client, provider, "ida")
    refusal(page, 400, "The sign-in was not meant for this portal")
    assert_not_signed_in(client)


def test_a_token_from_another_issuer_is_refused(client, provider, oidc_config):
    OrganisationFactory(kvk_number=KVK)
    eherkenning(provider, "jan", email="jan@x.example", iss="http://evil.example")
    page = sign_in_with(client, provider, "jan")
    refusal(page, 400, "The sign-in came from an unknown source")
    assert_not_signed_in(client)


def test_a_missing_kvk_number_is_refused(client, provider, oidc_config):
    OrganisationFactory(kvk_number=KVK)
    eherkenning(provider, "kim", kvk=None, email="kim@x.example")
    page = sign_in_with(client, provider, "kim")
    refusal(page, 400, "eHerkenning did not say which organisation you act for")
    assert_not_signed_in(client)
    assert db.session.scalar(db.select(db.func.count()).select_from(User)) == 0
    event = db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "oidc.refused"))
    assert event.details["reason"] == "kvk"


@pytest.mark.parametrize(
    "acr", ["urn:etoegang:core:assurance-class:loa2plus", "low", "EH2", None, "made-up"]
)
def test_a_too_low_assurance_level_is_refused(client, provider, oidc_config, acr):
    OrganisationFactory(kvk_number=KVK)
    eherkenning(provider, "lea", acr=acr, email="lea@x.example")
    page = sign_in_with(client, provider, "lea")
    refusal(page, 403, "Your eHerkenning level is too low")
    assert_not_signed_in(client)


@pytest.mark.parametrize("acr", ["urn:etoegang:core:assurance-class:loa4", "high", "EH3"])
def test_higher_or_equal_assurance_levels_are_accepted(client, provider, oidc_config, acr):
    OrganisationFactory(kvk_number=KVK)
    eherkenning(provider, "max", acr=acr, email="max@x.example")
    assert sign_in_with(client, provider, "max").status == 302


def test_the_minimum_level_is_configurable(client, provider, oidc_config):
    oidc_config["OIDC_SPONSOR_MIN_ACR"] = "high"
    OrganisationFactory(kvk_number=KVK)
    eherkenning(provider, "ned", acr="substantial", email="ned@x.example")
    refusal(sign_in_with(client, provider, "ned"), 403, "Your eHerkenning level is too low")


def test_refusals_are_explained_in_dutch_too(client, provider, oidc_config):
    client.get("/language/nl")
    OrganisationFactory(kvk_number=KVK)
    eherkenning(provider, "olga", acr="low", email="olga@x.example")
    page = sign_in_with(client, provider, "olga")
    assert page.status == 403
    assert page.soup.find("h1").get_text(strip=True) == "Uw eHerkenningsniveau is te laag"
    assert page.soup.html["lang"] == "nl"


def test_cancelling_at_the_provider_is_explained(client, provider, oidc_config):
    callback = authorize(client, provider, action="deny")
    refusal(Page(client.get(callback)), 400, "You cancelled signing in")


def test_an_unreachable_provider_is_explained(app, client, oidc_config):
    oidc_config["OIDC_SPONSOR_ISSUER"] = "http://127.0.0.1:9"  # nothing listens there
    refusal(Page(client.get("/oidc/eherkenning")), 400, "The sign-in service cannot be reached")


def test_staff_without_a_mapped_role_are_refused(client, provider, oidc_config):
    claims(provider, "pia", email="pia@ind.example", groups=["ind-canteen"])
    page = sign_in_with(client, provider, "pia", start="/oidc/staff")
    refusal(page, 403, "You have no role in the Sponsor Portal")
    assert client.get("/backoffice/").status_code == 302
    assert db.session.scalar(db.select(db.func.count()).select_from(User)) == 0


def test_staff_sso_cannot_take_over_a_sponsor_account(client, provider, oidc_config):
    sponsor = UserFactory(email="quinn@x.example")
    claims(provider, "quinn", email="quinn@x.example", groups=["ind-reviewer"])
    page = sign_in_with(client, provider, "quinn", start="/oidc/staff")
    refusal(page, 403, "This account cannot sign in here")
    assert db.session.get(User, sponsor.id).staff_role is None


def test_a_switched_off_staff_account_cannot_sign_in_through_sso(client, provider, oidc_config):
    staff = UserFactory(reviewer=True, email="rita@ind.example", active=False)
    claims(provider, "rita", email="rita@ind.example", groups=["ind-reviewer"])
    page = sign_in_with(client, provider, "rita", start="/oidc/staff")
    refusal(page, 403, "This account cannot sign in here")
    assert "switched off" in page.text
    assert client.get("/backoffice/").status_code == 302
    assert db.session.get(User, staff.id).active is False


def test_an_asserted_session_neither_switches_nor_acts_under_a_mandate(
    client, provider, oidc_config
):
    from datetime import date

    from portal.models import Category, Mandate

    agency = OrganisationFactory(kvk_number=KVK, legal_name="Agency B.V.")
    other = OrganisationFactory(kvk_number="34567890", legal_name="Other Own B.V.")
    sponsor = OrganisationFactory(kvk_number="45678901", legal_name="Mandating Sponsor B.V.")
    user = UserFactory(email="sam@agency.example")
    MembershipFactory(user=user, organisation=agency, role=OrgRole.SUBMITTER)
    MembershipFactory(user=user, organisation=other, role=OrgRole.SUBMITTER)
    mandate = Mandate(
        sponsor_id=sponsor.id,
        intermediary_id=agency.id,
        categories=[Category.LABOUR.value],
        valid_from=date(2020, 1, 1),
        granted_by_id=user.id,
    )
    db.session.add(mandate)
    db.session.add(
        ExternalIdentity(
            user_id=user.id,
            kind="sponsor",
            issuer=oidc_config["OIDC_SPONSOR_ISSUER"],
            subject="sam",
        )
    )
    db.session.flush()
    eherkenning(provider, "sam", email="sam@agency.example")
    sign_in_with(client, provider, "sam")
    switch = get_page(client, "/organisation/switch")
    assert "Agency B.V." in switch.text
    assert "Other Own B.V." not in switch.text and "Mandating Sponsor B.V." not in switch.text
    response = client.post(
        "/organisation/switch",
        data={"csrf_token": switch.csrf(), "context": f"mandate-{mandate.id}"},
    )
    assert response.status_code == 400
    with client.session_transaction() as session:
        session["mandate_id"] = mandate.id
        session["organisation_id"] = agency.id
    assert client.get("/dashboard").status_code == 404
    assert "Mandating Sponsor B.V." not in get_page(client, "/dashboard").text
