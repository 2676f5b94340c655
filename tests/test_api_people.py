"""People over the API (issue 18): create, update with If-Match, archive, Idempotency-Key,
RFC 9457 problems with per-field pointers and the web form's messages."""

from portal.extensions import db
from portal.models import AuditEvent, Person
from tests.support.api import bearer, get_token, register_client
from tests.support.auth import sign_in, sign_out
from tests.support.factories import PersonFactory, member

PERSON = {
    "surname": "Núñez",
    "given_names": "Zoë",
    "date_of_birth": "15-03-1990",
    "place_of_birth": "Dublin",
    "country_of_birth": "IE",
    "nationality": "IE",
    "sex": "female",
    "passport_number": "PA1234567",
    "passport_issued_on": "2022-06-01",
    "passport_expires_on": "31-12-2035",
    "category": "study",
}


def _setup(http):
    user = member()
    http.get("/language/en")
    sign_in(http, user)
    client_id, secret = register_client(http, scopes=("people:read", "people:write"))
    sign_out(http)
    organisation = user.memberships[0].organisation
    token = get_token(http, client_id, secret)
    return organisation, token, f"/api/v1/organisations/{organisation.kvk_number}/people"


def test_create_get_update_archive(client):
    organisation, token, url = _setup(client)
    created = client.post(url, json=PERSON, headers=bearer(token))
    assert created.status_code == 201, created.json
    person = db.session.get(Person, created.json["id"])
    assert person.organisation_id == organisation.id and person.surname == "Núñez"
    etag = created.headers["ETag"]
    got = client.get(f"{url}/{person.id}", headers=bearer(token))
    assert got.headers["ETag"] == etag
    no_match = client.patch(f"{url}/{person.id}", json={"surname": "Smith"}, headers=bearer(token))
    assert no_match.status_code == 428 and no_match.json["code"] == "precondition_required"
    changed = client.patch(
        f"{url}/{person.id}", json={"surname": "Smith"}, headers=bearer(token, **{"If-Match": etag})
    )
    assert changed.status_code == 200 and changed.json["surname"] == "Smith"
    stale = client.patch(
        f"{url}/{person.id}", json={"surname": "Jones"}, headers=bearer(token, **{"If-Match": etag})
    )
    assert stale.status_code == 412
    db.session.refresh(person)
    assert person.surname == "Smith"
    archived = client.post(
        f"{url}/{person.id}/archive",
        json={"sponsorship_ended_on": "2026-01-31"},
        headers=bearer(token, **{"If-Match": changed.headers["ETag"]}),
    )
    assert archived.status_code == 200 and archived.json["archived"] is True
    actions = set(db.session.scalars(db.select(AuditEvent.action)).all())
    assert {"person.created", "person.changed", "person.archived", "api.called"} <= actions


def test_invalid_person_is_422_with_pointers_and_the_forms_messages(client):
    _org, token, url = _setup(client)
    body = {**PERSON, "surname": "R2-D2", "nationality": "XX", "passport_number": ""}
    response = client.post(url, json=body, headers=bearer(token, **{"Accept-Language": "en"}))
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    errors = {e["pointer"]: e for e in response.json["errors"]}
    assert errors["/surname"]["detail"].startswith("Enter the name with letters only")
    assert errors["/nationality"]["code"] == "invalid"
    assert errors["/passport_number"]["code"] == "missing"
    dutch = client.post(url, json=body, headers=bearer(token, **{"Accept-Language": "nl"}))
    assert dutch.json["title"] == "Sommige velden zijn niet geldig."
    assert db.session.scalar(db.select(db.func.count(Person.id))) == 0


def test_malformed_and_unknown_fields_are_400(client):
    _org, token, url = _setup(client)
    broken = client.post(
        url, data="{", headers=bearer(token, **{"Content-Type": "application/json"})
    )
    assert broken.status_code == 400 and broken.json["code"] == "invalid_body"
    unknown = client.post(url, json={**PERSON, "bsn": "123", "surname": 5}, headers=bearer(token))
    assert unknown.status_code == 400
    pointers = {(e["pointer"], e["code"]) for e in unknown.json["errors"]}
    assert pointers == {("/bsn", "unknown_field"), ("/surname", "string_expected")}


def test_idempotency_key_replays_and_refuses_another_body(client):
    _org, token, url = _setup(client)
    headers = bearer(token, **{"Idempotency-Key": "abc-1"})
    first = client.post(url, json=PERSON, headers=headers)
    again = client.post(url, json=PERSON, headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.json["id"] == first.json["id"]
    assert again.headers["Idempotent-Replayed"] == "true"
    # The replay is the same answer: its ETag (for If-Match) and its headers too.
    assert first.headers["ETag"] and again.headers["ETag"] == first.headers["ETag"]
    for name in ("Location", "Content-Type"):
        assert again.headers.get(name) == first.headers.get(name)
    assert "Idempotent-Replayed" not in first.headers
    update = client.patch(
        f"{url}/{first.json['id']}",
        json={"surname": "Replayed"},
        headers=bearer(token, **{"If-Match": again.headers["ETag"]}),
    )
    assert update.status_code == 200
    assert db.session.scalar(db.select(db.func.count(Person.id))) == 1
    other = client.post(url, json={**PERSON, "surname": "Other"}, headers=headers)
    assert other.status_code == 422 and other.json["code"] == "idempotency_key_reused"


def test_duplicate_is_409_and_others_people_404(client):
    _org, token, url = _setup(client)
    client.post(url, json=PERSON, headers=bearer(token))
    duplicate = client.post(url, json=PERSON, headers=bearer(token))
    assert duplicate.status_code == 409 and duplicate.json["code"] == "duplicate_person"
    theirs = PersonFactory()
    response = client.patch(
        f"{url}/{theirs.id}", json={"surname": "X"}, headers=bearer(token, **{"If-Match": "*"})
    )
    assert response.status_code == 404


def test_read_only_client_cannot_write(client):
    user = member()
    client.get("/language/en")
    sign_in(client, user)
    client_id, secret = register_client(client, scopes=("people:read",))
    sign_out(client)
    token = get_token(client, client_id, secret)
    url = f"/api/v1/organisations/{user.memberships[0].organisation.kvk_number}/people"
    assert client.post(url, json=PERSON, headers=bearer(token)).status_code == 403


def test_search_by_personal_data_is_a_post_never_a_url(client):
    organisation, token, url = _setup(client)
    zoe = PersonFactory(organisation=organisation, surname="Núñez", passport_number="ZZ9988776")
    PersonFactory(organisation=organisation, surname="Smith")
    PersonFactory(surname="Núñez")  # someone else's
    by_name = client.post(f"{url}/search", json={"text": "nunez"}, headers=bearer(token))
    assert by_name.status_code == 200
    assert [p["id"] for p in by_name.json["items"]] == [zoe.id]
    by_passport = client.post(f"{url}/search", json={"text": "ZZ9988776"}, headers=bearer(token))
    assert [p["id"] for p in by_passport.json["items"]] == [zoe.id]
    bad = client.post(f"{url}/search", json={"surname": "x", "limit": "5"}, headers=bearer(token))
    assert bad.status_code == 400
    assert {(e["pointer"], e["code"]) for e in bad.json["errors"]} == {
        ("/surname", "unknown_field"),
        ("/limit", "type"),
    }
    # The list endpoint takes no personal data: a name in the query string is refused.
    listed = client.get(f"{url}?text=nunez", headers=bearer(token))
    assert listed.status_code == 400
    assert listed.json["errors"] == [{"pointer": "#/query/text", "code": "unknown_parameter"}]
