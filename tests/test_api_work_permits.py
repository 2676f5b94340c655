"""Issue 22's types over the API: the same sections, rules and messages as the web form — an
intra-corporate transfer from inside the EU refused with its reason, then filed and submitted;
the OpenAPI description names every type with its sections."""

import pytest

from portal import clock
from tests.blueprints.test_work_permits import TRANSFER
from tests.support.api import bearer
from tests.support.factories import PersonFactory
from tests.support.residence import PERSON, TODAY
from tests.test_api_applications import _put, _setup, _upload


@pytest.fixture(autouse=True)
def fixed_day(monkeypatch):
    monkeypatch.setattr(clock, "today", lambda: TODAY)


def test_an_ict_application_through_the_api(client):
    organisation, token, url = _setup(client)
    person = PersonFactory(organisation=organisation)
    created = client.post(url, json={"kind": "ict", "person_id": person.id}, headers=bearer(token))
    assert created.status_code == 201, created.json
    case = f"{url}/{created.json['id']}"
    saved = _put(
        client, case, "person", {**PERSON, "procedure": "residence"}, token, created.headers["ETag"]
    )
    assert saved.json["errors"] == []
    inside = _put(
        client,
        case,
        "transfer",
        {**TRANSFER, "group_company_country": "DE"},
        token,
        saved.headers["ETag"],
    )
    [error] = inside.json["errors"]
    assert error["pointer"] == "/group_company_country"
    assert "outside the EU" in error["detail"]
    transfer = _put(client, case, "transfer", TRANSFER, token, inside.headers["ETag"])
    assert transfer.json["errors"] == []
    mobility = _put(
        client,
        case,
        "mobility",
        {"mobility": "short_term", "mobility_country": "BE", "mobility_days": "91"},
        token,
        transfer.headers["ETag"],
    )
    assert [e["pointer"] for e in mobility.json["errors"]] == ["/mobility_days"]
    mobility = _put(client, case, "mobility", {"mobility": "none"}, token, mobility.headers["ETag"])
    assert mobility.json["errors"] == []
    for purpose in ("passport", "contract", "group_proof"):
        assert _upload(client, case, token, purpose).status_code == 201
    current = client.get(case, headers=bearer(token))
    submitted = client.post(
        f"{case}/submit", headers=bearer(token, **{"If-Match": current.headers["ETag"]})
    )
    assert submitted.status_code == 200, submitted.json
    assert submitted.json["reference"].startswith("IC-2026-")
    assert submitted.json["fee_cents"] is None  # no ICT fee in the reference data: to be set


def test_the_openapi_description_names_every_type_with_its_sections(client):
    spec = client.get("/api/v1/openapi.json").json
    body = spec["paths"]["/api/v1/organisations/{kvk}/applications"]["post"]["requestBody"]
    kind = body["content"]["application/json"]["schema"]["properties"]["kind"]
    for value in ("ict", "gvva", "seasonal_work", "hsm_change_purpose"):
        assert value in kind["enum"] and f"{value}: sections (" in kind["description"]
    assert "ict: sections (person, transfer, mobility, travel)" in kind["description"]
    assert "gvva: sections (person, job, labour_market, travel)" in kind["description"]
