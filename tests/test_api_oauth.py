"""OAuth2 client credentials and the organisation named in every path (issue 18): short-lived
hashed tokens, scopes, 401/403/404 problem documents, mandates, audit of every call."""

from datetime import timedelta

import pytest

from portal import clock
from portal.extensions import db
from portal.models import ApiClient, ApiToken, AuditEvent, Category, OrganisationKind
from portal.models.base import utcnow
from tests.support.api import basic, bearer, get_token, register_client
from tests.support.auth import sign_in, sign_out
from tests.support.factories import MandateFactory, PersonFactory, member
from tests.support.pages import post_form


def _client_of(http, **organisation):
    """An administrator registers a client; returns (organisation, client id, secret)."""
    user = member(**organisation)
    http.get("/language/en")
    sign_in(http, user)
    client_id, secret = register_client(http, scopes=("people:read", "letters:read"))
    sign_out(http)
    return user.memberships[0].organisation, client_id, secret


def test_token_is_short_lived_and_stored_only_as_hash(client):
    _org, client_id, secret = _client_of(client)
    response = client.post(
        "/api/v1/oauth/token",
        data={"grant_type": "client_credentials"},
        headers=basic(client_id, secret),
    )
    assert response.status_code == 200
    body = response.json
    assert body["token_type"].lower() == "bearer" and body["expires_in"] == 900
    assert set(body["scope"].split()) == {"people:read", "letters:read"}
    stored = db.session.scalar(db.select(ApiToken))
    assert stored.token_hash != body["access_token"] and len(stored.token_hash) == 64


def test_wrong_secret_revoked_client_and_unknown_scope_get_no_token(client):
    _org, client_id, secret = _client_of(client)
    wrong = client.post(
        "/api/v1/oauth/token",
        data={"grant_type": "client_credentials"},
        headers=basic(client_id, secret + "x"),
    )
    assert wrong.status_code == 401
    narrowed = get_token(client, client_id, secret, scope="people:read people:write")
    token = db.session.scalar(db.select(ApiToken))
    assert narrowed and token.scopes == ["people:read"]
    db.session.scalar(db.select(ApiClient)).revoked_at = utcnow()
    db.session.flush()
    revoked = client.post(
        "/api/v1/oauth/token",
        data={"grant_type": "client_credentials"},
        headers=basic(client_id, secret),
    )
    assert revoked.status_code in (400, 401)


def test_client_reads_its_own_people_and_every_call_is_audited(client):
    organisation, client_id, secret = _client_of(client)
    people = [PersonFactory(organisation=organisation) for _ in range(3)]
    PersonFactory()  # someone else's
    token = get_token(client, client_id, secret)
    url = f"/api/v1/organisations/{organisation.kvk_number}/people"
    first = client.get(url + "?limit=2", headers=bearer(token))
    assert first.status_code == 200
    assert [p["id"] for p in first.json["items"]] == [people[0].id, people[1].id]
    second = client.get(f"{url}?limit=2&after={first.json['next_after']}", headers=bearer(token))
    assert [p["id"] for p in second.json["items"]] == [people[2].id]
    assert second.json["next_after"] is None
    one = client.get(f"{url}/{people[0].id}", headers=bearer(token))
    assert one.status_code == 200 and one.json["surname"] == people[0].surname
    assert one.headers["ETag"]
    calls = db.session.scalars(db.select(AuditEvent).where(AuditEvent.action == "api.called")).all()
    assert len(calls) == 3
    assert {c.target_type for c in calls} == {"api_client"}
    assert db.session.scalar(db.select(ApiClient)).last_used_at is not None


def test_other_organisations_are_404_and_missing_or_expired_tokens_401(client):
    organisation, client_id, secret = _client_of(client)
    other = PersonFactory()
    token = get_token(client, client_id, secret)
    theirs = client.get(
        f"/api/v1/organisations/{other.organisation.kvk_number}/people", headers=bearer(token)
    )
    assert theirs.status_code == 404 and theirs.mimetype == "application/problem+json"
    mine = f"/api/v1/organisations/{organisation.kvk_number}/people"
    assert client.get(f"{mine}/{other.id}", headers=bearer(token)).status_code == 404
    anonymous = client.get(mine)
    assert anonymous.status_code == 401 and anonymous.json["code"] == "unauthorized"
    stored = db.session.scalar(db.select(ApiToken))
    stored.expires_at = utcnow() - timedelta(seconds=1)
    db.session.flush()
    assert client.get(mine, headers=bearer(token)).status_code == 401


def test_wrong_scope_is_403_with_a_dutch_title(client):
    user = member()
    client.get("/language/en")
    sign_in(client, user)
    client_id, secret = register_client(client, scopes=("letters:read",))
    sign_out(client)
    token = get_token(client, client_id, secret)
    kvk = user.memberships[0].organisation.kvk_number
    response = client.get(
        f"/api/v1/organisations/{kvk}/people", headers=bearer(token, **{"Accept-Language": "nl"})
    )
    assert response.status_code == 403
    assert response.json["code"] == "insufficient_scope"
    assert response.json["title"] == "Het toegangstoken staat dit niet toe."


def test_intermediary_client_acts_within_its_mandate_only(client):
    agency, client_id, secret = _client_of(client, kind=OrganisationKind.INTERMEDIARY)
    mandate = MandateFactory(intermediary=agency, categories=["labour"])
    worker = PersonFactory(organisation=mandate.sponsor, category=Category.LABOUR)
    student = PersonFactory(organisation=mandate.sponsor, category=Category.STUDY)
    token = get_token(client, client_id, secret)
    url = f"/api/v1/organisations/{mandate.sponsor.kvk_number}/people"
    listed = client.get(url, headers=bearer(token))
    assert [p["id"] for p in listed.json["items"]] == [worker.id]
    assert client.get(f"{url}/{student.id}", headers=bearer(token)).status_code == 404
    mandate.valid_until = clock.today() - timedelta(days=1)
    mandate.valid_from = clock.today() - timedelta(days=10)
    db.session.flush()
    assert client.get(url, headers=bearer(token)).status_code == 404


def test_ip_allow_list_refuses_other_addresses(client):
    user = member()
    client.get("/language/en")
    sign_in(client, user)
    client_id, secret = register_client(client, ips="192.0.2.0/24")
    sign_out(client)
    token = client.post(
        "/api/v1/oauth/token",
        data={"grant_type": "client_credentials"},
        headers=basic(client_id, secret),
        environ_base={"REMOTE_ADDR": "192.0.2.7"},
    ).json["access_token"]
    kvk = user.memberships[0].organisation.kvk_number
    response = client.get(f"/api/v1/organisations/{kvk}/people", headers=bearer(token))
    assert response.status_code == 403 and response.json["code"] == "forbidden_address"
    allowed = client.get(
        f"/api/v1/organisations/{kvk}/people",
        headers=bearer(token),
        environ_base={"REMOTE_ADDR": "192.0.2.7"},
    )
    assert allowed.status_code == 200


def test_openapi_and_docs_describe_the_same_operations(client):
    spec = client.get("/api/v1/openapi.json").json
    assert spec["openapi"].startswith("3.1")
    assert "/api/v1/organisations/{kvk}/people" in spec["paths"]
    flows = spec["components"]["securitySchemes"]["oauth2"]["flows"]
    assert flows["clientCredentials"]["tokenUrl"] == "/api/v1/oauth/token"
    docs = client.get("/api/v1/docs")
    assert docs.status_code == 200
    html = docs.get_data(as_text=True)
    for path, operations in spec["paths"].items():
        for method in operations:
            assert f"{method.upper()} {path}" in html


def test_token_endpoint_needs_no_csrf_but_web_forms_still_do(client):
    user = member()
    sign_in(client, user)
    refused = client.post(
        "/organisation/api-clients", data={"name": "x", "scopes": ["people:read"]}
    )
    assert refused.status_code == 400
    assert db.session.scalar(db.select(db.func.count(ApiClient.id))) == 0
    response = post_form(
        client, "/organisation/api-clients", {"name": "x", "scopes": ["people:read"]}
    )
    assert response.status_code == 200


def test_calls_are_rate_limited_with_ratelimit_headers(monkeypatch, database_url):
    from config import TestConfig
    from portal import create_app

    monkeypatch.setattr(TestConfig, "RATELIMIT_ENABLED", True)
    monkeypatch.setattr(TestConfig, "API_RATE_LIMIT", "2 per minute")
    app = create_app("test")
    http = app.test_client()
    responses = [http.get("/api/v1/openapi.json") for _ in range(3)]
    assert [r.status_code for r in responses] == [200, 200, 429]
    assert responses[0].headers["RateLimit-Limit"] == "2"
    assert responses[0].headers["RateLimit-Remaining"] == "1"
    assert 0 < int(responses[0].headers["RateLimit-Reset"]) <= 61
    assert responses[2].mimetype == "application/problem+json"
    # Counted per client or address: another address still gets through.
    other = http.get("/api/v1/openapi.json", environ_base={"REMOTE_ADDR": "10.9.9.9"})
    assert other.status_code == 200


def test_revoking_a_client_ends_its_tokens_at_once_and_issuing_is_audited(client):
    organisation, client_id, secret = _client_of(client)
    token = get_token(client, client_id, secret)
    url = f"/api/v1/organisations/{organisation.kvk_number}/people"
    assert client.get(url, headers=bearer(token)).status_code == 200
    issued = db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "api.token_issued"))
    assert issued.target_type == "api_client" and issued.organisation_id == organisation.id
    db.session.scalar(db.select(ApiClient)).revoked_at = utcnow()
    db.session.flush()
    assert client.get(url, headers=bearer(token)).status_code == 401


def test_no_token_from_an_address_off_the_allow_list(client):
    user = member()
    client.get("/language/en")
    sign_in(client, user)
    client_id, secret = register_client(client, ips="192.0.2.0/24")
    sign_out(client)
    refused = client.post(
        "/api/v1/oauth/token",
        data={"grant_type": "client_credentials"},
        headers=basic(client_id, secret),
    )
    assert refused.status_code == 401
    allowed = client.post(
        "/api/v1/oauth/token",
        data={"grant_type": "client_credentials"},
        headers=basic(client_id, secret),
        environ_base={"REMOTE_ADDR": "192.0.2.9"},
    )
    assert allowed.status_code == 200


@pytest.mark.parametrize("change", ["unverified", "frozen"])
def test_tokens_stop_working_when_the_organisation_loses_verification_or_is_frozen(client, change):
    organisation, client_id, secret = _client_of(client)
    token = get_token(client, client_id, secret)
    url = f"/api/v1/organisations/{organisation.kvk_number}/people"
    assert client.get(url, headers=bearer(token)).status_code == 200
    organisation.kvk_verified_at = organisation.kvk_verified_via = None
    if change == "frozen":  # only an unverified organisation is ever frozen
        organisation.frozen_at = utcnow()
    db.session.flush()
    assert client.get(url, headers=bearer(token)).status_code == 401
    again = client.post(
        "/api/v1/oauth/token",
        data={"grant_type": "client_credentials"},
        headers=basic(client_id, secret),
    )
    assert again.status_code in (400, 401)


@pytest.mark.parametrize("change", ["unverified", "frozen"])
def test_an_intermediary_cannot_act_for_an_unverified_or_frozen_sponsor(client, change):
    agency, client_id, secret = _client_of(client, kind=OrganisationKind.INTERMEDIARY)
    mandate = MandateFactory(intermediary=agency, categories=["labour"])
    token = get_token(client, client_id, secret)
    url = f"/api/v1/organisations/{mandate.sponsor.kvk_number}/people"
    assert client.get(url, headers=bearer(token)).status_code == 200
    mandate.sponsor.kvk_verified_at = mandate.sponsor.kvk_verified_via = None
    if change == "frozen":
        mandate.sponsor.frozen_at = utcnow()
    db.session.flush()
    assert client.get(url, headers=bearer(token)).status_code == 404


def test_refused_calls_of_a_known_client_are_audited_too(client):
    organisation, client_id, secret = _client_of(client)
    token = get_token(client, client_id, secret)
    other = PersonFactory()
    url = f"/api/v1/organisations/{other.organisation.kvk_number}/people"
    assert client.get(url, headers=bearer(token)).status_code == 404
    refused = db.session.scalar(
        db.select(AuditEvent).where(AuditEvent.action == "api.call_refused")
    )
    assert refused.organisation_id == organisation.id and refused.target_type == "api_client"
    assert refused.details["reason"] == "not_acting_for"
