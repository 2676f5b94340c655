"""Letters over the API (issue 18): list with filters and keyset pages, metadata, the PDF,
the structured data written at issue (older letters: metadata only), reading marks nothing
read until a POST says so, visibility as on the web (an intermediary's client sees what the
intermediary may), another organisation's letter is 404."""

from datetime import date

import pytest

from portal import clock
from portal.extensions import db
from portal.models import (
    ApplicationKind,
    Category,
    Letter,
    LetterKind,
    LetterRead,
    OrganisationKind,
)
from tests.support import factories
from tests.support.api import bearer, get_token, register_client
from tests.support.auth import sign_in, sign_out
from tests.support.factories import ApplicationFactory, MandateFactory, member
from tests.support.letters import add_letter, days
from tests.support.residence import TODAY, fill_in, submit


@pytest.fixture(autouse=True)
def fixed_day(monkeypatch):
    monkeypatch.setattr(clock, "today", lambda: TODAY)


def _client(http, user, scopes=("letters:read",)):
    http.get("/language/en")
    sign_in(http, user)
    client_id, secret = register_client(http, scopes=scopes)
    sign_out(http)
    return get_token(http, client_id, secret)


def test_letters_list_metadata_pdf_and_data(client):
    user = member()
    organisation = user.memberships[0].organisation
    factories.recognise(organisation, Category.LABOUR)
    client.get("/language/en")
    sign_in(client, user)
    assert submit(client, fill_in(client)).status_code == 302  # acknowledgement + fee letter
    sign_out(client)
    old = add_letter(organisation, subject="Before structured data", at=days(0))
    token = _client(client, user)
    url = f"/api/v1/organisations/{organisation.kvk_number}/letters"

    listed = client.get(url, headers=bearer(token))
    assert listed.status_code == 200
    items = listed.json["items"]
    assert [i["kind"] for i in items] == ["fee_letter", "acknowledgement", "general_message"]
    assert [i["has_data"] for i in items] == [True, True, False]
    assert all(i["read"] is False for i in items)
    fee_letter = items[0]

    data = client.get(f"{url}/{fee_letter['id']}/data", headers=bearer(token))
    assert data.status_code == 200
    reference = data.json["references"]["application"]
    assert reference.startswith("KM-2026-") and data.json["references"]["payment"] == reference
    assert data.json["amounts"]["amount"] == {"cents": 42300, "currency": "EUR"}
    assert date.fromisoformat(data.json["dates"]["pay_by"]) > TODAY
    assert data.json["kind"] == "fee_letter" and data.json["person"]["name"]
    stored = db.session.get(Letter, fee_letter["id"])
    assert data.json["references"]["letter"] == stored.reference
    assert data.json["dates"]["issued_on"] == clock.local_date(stored.issued_at).isoformat()

    none = client.get(f"{url}/{old.id}/data", headers=bearer(token))
    assert none.status_code == 404 and none.json["code"] == "no_structured_data"
    meta = client.get(f"{url}/{old.id}", headers=bearer(token))
    assert meta.status_code == 200 and meta.json["subject"] == "Before structured data"

    pdf = client.get(f"{url}/{fee_letter['id']}/pdf", headers=bearer(token))
    assert pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF")
    assert db.session.scalar(db.select(db.func.count()).select_from(LetterRead)) == 0

    read = client.post(f"{url}/{fee_letter['id']}/read", headers=bearer(token))
    assert read.status_code == 200 and read.json["read"] is True
    unread = client.get(f"{url}?unread=true", headers=bearer(token)).json["items"]
    assert fee_letter["id"] not in {i["id"] for i in unread} and len(unread) == 2
    # Reading the letter on the web marks it read for the user too: the same LetterRead.
    assert db.session.get(LetterRead, (fee_letter["id"], user.id)) is not None


def test_filters_and_keyset_pages(client):
    user = member()
    organisation = user.memberships[0].organisation
    for n in range(30):
        add_letter(organisation, at=days(n), kind=LetterKind.GENERAL_MESSAGE)
    add_letter(organisation, at=days(3), kind=LetterKind.WARNING)
    token = _client(client, user)
    url = f"/api/v1/organisations/{organisation.kvk_number}/letters"
    first = client.get(url, headers=bearer(token)).json
    second = client.get(f"{url}?after={first['next_after']}", headers=bearer(token)).json
    ids = [i["id"] for i in first["items"] + second["items"]]
    assert len(ids) == len(set(ids)) == 31 and second["next_after"] is None
    warnings = client.get(f"{url}?kind=warning", headers=bearer(token)).json["items"]
    assert [i["kind"] for i in warnings] == ["warning"]
    period = client.get(
        f"{url}?issued_from={days(2).date()}&issued_to={days(4).date()}", headers=bearer(token)
    ).json["items"]
    assert len(period) == 4
    add_letter(organisation, at=days(40), person_name="Zoë Núñez", v_number="1234567890")
    found = client.post(f"{url}/search", json={"person": "núñez"}, headers=bearer(token)).json
    assert [i["person_name"] for i in found["items"]] == ["Zoë Núñez"]
    by_v = client.post(f"{url}/search", json={"person": "1234567890"}, headers=bearer(token))
    assert len(by_v.json["items"]) == 1
    bad = client.post(f"{url}/search", json={"person": 5, "name": "x"}, headers=bearer(token))
    assert {(e["pointer"], e["code"]) for e in bad.json["errors"]} == {
        ("/person", "type"),
        ("/name", "unknown_field"),
    }
    # A name in the list's URL is refused: personal data never goes in a URL.
    named = client.get(f"{url}?person=nunez", headers=bearer(token))
    assert named.status_code == 400
    assert named.json["errors"] == [{"pointer": "#/query/person", "code": "unknown_parameter"}]
    for query in ("kind=nope", "issued_from=31-12-2026", "unread=yes"):
        bad = client.get(f"{url}?{query}", headers=bearer(token))
        assert bad.status_code == 400 and bad.json["errors"][0]["pointer"].startswith("#/query/")
    # A cursor is opaque: any string is well-formed, one the API did not hand out is 422.
    garbled = client.get(f"{url}?after=garbled", headers=bearer(token))
    assert garbled.status_code == 422 and garbled.json["errors"][0]["code"] == "cursor"


def test_an_intermediarys_client_sees_what_the_intermediary_may(client):
    agent = member(kind=OrganisationKind.INTERMEDIARY)
    agency = agent.memberships[0].organisation
    mandate = MandateFactory(intermediary=agency, categories=["labour"])
    sponsor = mandate.sponsor
    work = ApplicationFactory(organisation=sponsor, kind=ApplicationKind.HSM_RESIDENCE)
    study = ApplicationFactory(
        organisation=sponsor, kind=ApplicationKind.STUDENT, category=Category.STUDY
    )
    work.category = Category.LABOUR
    db.session.commit()
    visible = add_letter(sponsor, application_id=work.id, kind=LetterKind.ACKNOWLEDGEMENT)
    hidden = add_letter(sponsor, application_id=study.id, kind=LetterKind.ACKNOWLEDGEMENT)
    own = add_letter(sponsor, kind=LetterKind.WARNING)  # about the sponsor itself
    theirs = add_letter(factories.OrganisationFactory())
    token = _client(client, agent)
    url = f"/api/v1/organisations/{sponsor.kvk_number}/letters"
    listed = {i["id"] for i in client.get(url, headers=bearer(token)).json["items"]}
    assert listed == {visible.id}
    for letter in (hidden, own, theirs):
        for path in ("", "/pdf", "/data"):
            response = client.get(f"{url}/{letter.id}{path}", headers=bearer(token))
            assert response.status_code == 404, (letter.subject, path)
    assert client.get(f"{url}/{visible.id}", headers=bearer(token)).status_code == 200
