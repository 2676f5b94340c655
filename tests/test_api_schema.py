"""Every API answer matches the served OpenAPI description (issue 18): its status is one the
operation documents, and its body validates against that status's schema (JSON Schema 2020-12,
with the description as the root so its $refs resolve)."""

import io
import re
from datetime import timedelta

from jsonschema import Draft202012Validator

from portal import clock
from portal.models import Category
from tests.support import factories
from tests.support.api import bearer, get_token, register_client
from tests.support.auth import sign_in, sign_out
from tests.support.factories import ApplicationFactory, PersonFactory, member
from tests.support.letters import add_letter
from tests.support.residence import JOB, PDF, TODAY
from tests.support.residence import PERSON as ANSWERS

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
    if not response.is_json:
        return []  # a file (the letter's PDF): its media type is what the description says
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


RESOURCES = ("/applications", "/letters", "/reports", "/fees")


def _template(spec: dict, method: str, path: str) -> str:
    for template, operations in spec["paths"].items():
        pattern = "^" + re.sub(r"\\{\w+\\}", "[^/]+", re.escape(template)) + "$"
        if re.match(pattern, path) and method in operations:
            return template
    raise AssertionError(path)


def test_every_operation_on_applications_letters_reports_and_fees_matches(client, monkeypatch):
    monkeypatch.setattr(clock, "today", lambda: TODAY)
    spec = client.get("/api/v1/openapi.json").json
    user = member()
    organisation = user.memberships[0].organisation
    factories.recognise(organisation, Category.LABOUR)
    client.get("/language/en")
    sign_in(client, user)
    scopes = ("applications:read", "applications:write", "reports:write", "letters:read")
    client_id, secret = register_client(client, scopes=scopes)
    sign_out(client)
    token = get_token(client, client_id, secret)
    base = f"/api/v1/organisations/{organisation.kvk_number}"
    person = PersonFactory(organisation=organisation)
    other = ApplicationFactory()
    old_letter = add_letter(organisation)
    calls = []

    def call(method, target, etag=None, **kwargs):
        headers = bearer(token, **({"If-Match": etag} if etag else {}))
        response = client.open(target, method=method.upper(), headers=headers, **kwargs)
        calls.append((method, response))
        return response

    apps = f"{base}/applications"
    created = call("post", apps, json={"kind": "hsm_residence", "person_id": person.id})
    call("post", apps, json={"kind": "nope"})  # 400
    call("post", apps, json={"kind": "student", "person_id": person.id})  # 422
    case = f"{apps}/{created.json['id']}"
    call("get", f"{apps}/{other.id}")  # 404
    call("put", f"{case}/sections/person", json=ANSWERS)  # 428
    call("put", f"{case}/sections/person", etag='"stale"', json=ANSWERS)  # 412
    etag = call("put", f"{case}/sections/person", created.headers["ETag"], json=ANSWERS)
    etag = call("put", f"{case}/sections/job", etag.headers["ETag"], json=JOB).headers["ETag"]
    call("post", f"{case}/submit", etag)  # 422: documents missing
    call("get", f"{case}/check")
    bad_file = {"purpose": "passport", "file": (io.BytesIO(b"text"), "a.pdf")}
    call("post", f"{case}/documents", data=bad_file, content_type="multipart/form-data")
    for purpose in ("passport", "contract"):
        upload = {"purpose": purpose, "file": (io.BytesIO(PDF), "a.pdf")}
        call("post", f"{case}/documents", data=upload, content_type="multipart/form-data")
    extra = {"purpose": "other", "file": (io.BytesIO(PDF), "a.pdf")}
    uploaded = call("post", f"{case}/documents", data=extra, content_type="multipart/form-data")
    other_document = uploaded.json["documents"][-1]["id"]
    call("delete", f"{case}/documents/{other_document}", uploaded.headers["ETag"])
    etag = call("get", case).headers["ETag"]
    submitted = call("post", f"{case}/submit", etag)
    call("get", f"{case}/timeline")
    call("get", apps)
    call("get", f"{apps}?kind=x")  # 400
    call("post", f"{apps}/search", json={"text": person.surname})
    withdrawn = call("post", f"{case}/withdraw", submitted.headers["ETag"])
    call("post", f"{case}/withdraw", submitted.headers["ETag"])  # 412
    call("post", f"{case}/withdraw", withdrawn.headers["ETag"])  # 409
    call("get", f"{base}/fees")
    call("get", f"{base}/fees?state=x")  # 400
    reports = f"{base}/reports"
    call("post", reports, json={"kind": "merger", "event_date": "2026-11-01"})
    call("post", reports, json={"kind": "merger", "event_date": "2030-01-01"})  # 422
    call("post", reports, json={"kind": 1})  # 400
    call("get", reports)
    letters = call("get", f"{base}/letters").json["items"]
    call("get", f"{base}/letters?kind=x")  # 400
    call("post", f"{base}/letters/search", json={"person": "Núñez", "unread": True})
    call("get", f"{base}/letters/{letters[0]['id']}")
    call("get", f"{base}/letters/{letters[0]['id']}/pdf")
    call("get", f"{base}/letters/{letters[0]['id']}/data")
    call("get", f"{base}/letters/{old_letter.id}/data")  # 404
    call("post", f"{base}/letters/{letters[0]['id']}/read")
    open_case = ApplicationFactory(organisation=organisation, submitted=True)
    respond_by = TODAY + timedelta(days=14)
    asking = add_letter(organisation, application_id=open_case.id, respond_by=respond_by)
    form = "multipart/form-data"

    def answer():
        return {"message": "Here it is.", "documents": [(io.BytesIO(PDF), "a.pdf")]}

    call("post", f"{base}/letters/{asking.id}/replies", data=answer(), content_type=form)
    call("post", f"{base}/letters/{asking.id}/replies", data={}, content_type=form)  # 422
    call("post", f"{base}/letters/{old_letter.id}/replies", data=answer(), content_type=form)
    call("get", f"{base}/letters/{asking.id}/replies")
    calls.append(("get", client.get(f"{base}/letters")))  # no token: 401

    problems = [p for method, response in calls for p in _check(spec, method, response)]
    assert problems == []
    called = {(m, _template(spec, m, r.request.path)) for m, r in calls}
    declared = {
        (method, template)
        for template, operations in spec["paths"].items()
        for method in operations
        if any(part in template for part in RESOURCES)
    }
    assert declared - called == set()
    statuses = {r.status_code for _m, r in calls}
    assert statuses >= {200, 201, 400, 401, 404, 409, 412, 422, 428}
