"""Every API answer matches the served OpenAPI description (issue 18): its status is one the
operation documents, and its body validates against that status's schema (JSON Schema 2020-12,
with the description as the root so its $refs resolve)."""

import re

from jsonschema import Draft202012Validator

from tests.support.api import bearer, get_token, register_client
from tests.support.auth import sign_in, sign_out
from tests.support.factories import PersonFactory, member

PERSON = {
    "surname": "Núñez",
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


def _operation(spec: dict, method: str, path: str) -> dict:
    for template, operations in spec["paths"].items():
        pattern = "^" + re.sub(r"\\{\w+\\}", "[^/]+", re.escape(template)) + "$"
        if re.match(pattern, path) and method in operations:
            return operations[method]
    raise AssertionError(f"{method.upper()} {path} is not in the OpenAPI description")


def _check(spec: dict, method: str, response) -> list[str]:
    path = response.request.path
    documented = _operation(spec, method, path)["responses"]
    status = str(response.status_code)
    if status not in documented:
        return [f"{method.upper()} {path}: {status} not documented"]
    content = documented[status].get("content", {})
    if response.mimetype not in content:
        return [f"{method.upper()} {path}: {status} {response.mimetype} not documented"]
    root = {**spec, "allOf": [content[response.mimetype]["schema"]]}
    validator = Draft202012Validator(root)
    return [
        f"{method.upper()} {path} {status}: {e.message}"
        for e in validator.iter_errors(response.json)
    ]


def test_every_answer_matches_the_description(client):
    spec = client.get("/api/v1/openapi.json").json
    Draft202012Validator.check_schema({"$defs": spec["components"]["schemas"]})
    user = member()
    client.get("/language/en")
    sign_in(client, user)
    client_id, secret = register_client(client, scopes=("people:read", "people:write"))
    reader_id, reader_secret = register_client(client, name="Reader", scopes=("letters:read",))
    sign_out(client)
    token = get_token(client, client_id, secret)
    weak = get_token(client, reader_id, reader_secret)
    kvk = user.memberships[0].organisation.kvk_number
    url = f"/api/v1/organisations/{kvk}/people"
    other = PersonFactory()
    calls = []

    def call(method, target, **kwargs):
        response = client.open(target, method=method.upper(), **kwargs)
        calls.append((method, response))
        return response

    created = call("post", url, json=PERSON, headers=bearer(token))
    person = f"{url}/{created.json['id']}"
    call("post", url, json=PERSON, headers=bearer(token))  # 409
    call("post", url, json={**PERSON, "surname": "R2-D2"}, headers=bearer(token))  # 422
    call("post", url, json={**PERSON, "bsn": "1"}, headers=bearer(token))  # 400
    call("post", url, json=PERSON, headers=bearer(weak))  # 403
    call("get", url, headers=bearer(token))
    call("get", url + "?limit=x", headers=bearer(token))  # 400
    call("post", url + "/search", json={"text": "nunez"}, headers=bearer(token))
    call("post", url + "/search", json={"text": 5}, headers=bearer(token))  # 400
    call("get", url)  # 401
    call("get", person, headers=bearer(token))
    call("get", f"{url}/{other.id}", headers=bearer(token))  # 404
    call("patch", person, json={"surname": "Smith"}, headers=bearer(token))  # 428
    call("patch", person, json={"surname": "Smith"}, headers=bearer(token, **{"If-Match": '"x"'}))
    fresh = client.get(person, headers=bearer(token)).headers["ETag"]
    changed = call(
        "patch", person, json={"surname": "Smith"}, headers=bearer(token, **{"If-Match": fresh})
    )
    call(
        "post",
        person + "/archive",
        json={"sponsorship_ended_on": "2026-01-31"},
        headers=bearer(token, **{"If-Match": changed.headers["ETag"]}),
    )
    statuses = {response.status_code for _m, response in calls}
    assert statuses >= {200, 201, 400, 401, 403, 404, 409, 412, 422, 428}
    problems = [problem for method, response in calls for problem in _check(spec, method, response)]
    assert problems == []
