"""Batches of student registrations over the API (issue 18): submitted as JSON lines, CSV or
XLSX → 202, run as one job outside the request (`flask batches work` without a queue, RQ with
one), polled for progress and per-row problems; all or nothing; a revoked client cancels the
batch as a whole; bad bodies → problem documents with the offending path."""

import io
import json
from datetime import datetime

import pytest
from jsonschema import Draft202012Validator
from openpyxl import Workbook
from sqlalchemy import select, text

from portal.api import events
from portal.api.batches import XLSX
from portal.bulk.student_rows import COLUMNS
from portal.extensions import db
from portal.models import Application, AuditEvent, ImportBatch, ImportStatus, Person
from tests.support.api import bearer, get_token, register_client
from tests.support.auth import sign_in, sign_out
from tests.support.pages import get_page
from tests.support.student_import import TODAY, count, csv_bytes, student, university


@pytest.fixture(autouse=True)
def fixed_day(move_today):
    move_today(TODAY)


def _setup(http, scopes=("people:read", "people:write")):
    user, org = university()
    http.get("/language/en")
    sign_in(http, user)
    client_id, secret = register_client(http, scopes=scopes)
    sign_out(http)
    token = get_token(http, client_id, secret)
    return user, org, token, f"/api/v1/organisations/{org.kvk_number}/batches"


def jsonl(rows) -> bytes:
    return "\n".join(json.dumps(row, ensure_ascii=False) for row in rows).encode()


def submit(http, url, token, body, media="application/jsonl", **headers):
    return http.post(url, data=body, headers=bearer(token, **{"Content-Type": media, **headers}))


def work(app) -> str:
    result = app.test_cli_runner().invoke(args=["batches", "work"])
    assert result.exit_code == 0, result.output
    return result.output


def test_json_lines_batch_is_queued_then_the_worker_stores_it_all(app, client, monkeypatch):
    _user, org, token, url = _setup(client)
    heard = []
    publish = events.publish

    def spy(organisation, event_type, payload, category=None):  # webhooks hear it through this
        heard.append((organisation.id, event_type))
        return publish(organisation, event_type, payload, category)

    monkeypatch.setattr(events, "publish", spy)
    response = submit(client, url, token, jsonl([student(n) for n in range(1, 31)]))
    assert response.status_code == 202, response.json
    assert response.json["status"] == "queued" and response.json["total_rows"] == 30
    assert count(Person, organisation_id=org.id) == 0  # never inside the request
    poll = client.get(response.headers["Location"], headers=bearer(token))
    assert poll.status_code == 200 and poll.json["status"] == "queued"
    assert "Ran 1 batch(es)." in work(app)
    done = client.get(response.headers["Location"], headers=bearer(token)).json
    assert done["status"] == "succeeded" and done["done_rows"] == 30
    assert done["result"] == {"created": 30, "linked": 0, "applications": 30}
    assert count(Person, organisation_id=org.id) == 30
    assert count(Application, organisation_id=org.id) == 30
    assert (org.id, "batch.finished") in heard
    assert "Ran 0 batch(es)." in work(app)  # claimed once


def test_a_batch_with_problems_stores_nothing_and_names_row_student_field_code(app, client):
    _user, org, token, url = _setup(client)
    rows = [student(n) for n in range(1, 11)]
    rows[2]["date_of_birth"] = "31-02-2006"
    rows[5]["surname"] = ""
    rows[9] = dict(rows[0])  # the same student twice
    response = submit(client, url, token, jsonl(rows))
    work(app)
    body = client.get(
        response.headers["Location"], headers=bearer(token, **{"Accept-Language": "nl"})
    ).json
    assert body["status"] == "rejected" and body["error_rows"] == 3
    found = {(p["row"], p["field"], p["code"]) for p in body["problems"]}
    assert found == {
        (3, "date_of_birth", "invalid"),
        (6, "surname", "missing"),
        (10, "passport_number", "duplicate"),
    }
    third = next(p for p in body["problems"] if p["row"] == 3)
    assert third["student"] == "Ana Ørsted-D" and "datum" in third["message"]  # Dutch
    assert count(Person, organisation_id=org.id) == 0


def test_csv_as_exported_and_xlsx_with_date_cells_are_accepted(app, client):
    _user, org, token, url = _setup(client)
    dutch = {"surname": "Achternaam", "given_names": "Voornaam", "date_of_birth": "Geboortedatum"}
    columns = [dutch.get(c, c) for c in reversed(COLUMNS)]
    rows = [{dutch.get(k, k): v for k, v in student(n).items()} for n in range(1, 6)]
    sent = submit(client, url, token, csv_bytes(rows, ";", columns=columns), "text/csv")
    assert sent.status_code == 202, sent.json
    book = Workbook()
    sheet = book.active
    sheet.append(["Last name", *COLUMNS[1:]])
    for n in range(6, 9):
        values = student(n)
        values["date_of_birth"] = datetime(2006, 3, 27)  # a date cell
        sheet.append([values[c] for c in COLUMNS])
    buffer = io.BytesIO()
    book.save(buffer)
    xlsx = XLSX
    sent_xlsx = submit(client, url, token, buffer.getvalue(), xlsx)
    assert sent_xlsx.status_code == 202, sent_xlsx.json
    work(app)
    for response in (sent, sent_xlsx):
        assert client.get(response.headers["Location"], headers=bearer(token)).json["status"] == (
            "succeeded"
        )
    assert count(Person, organisation_id=org.id) == 8
    people = {p.passport_number: p for p in Person.query.filter_by(organisation_id=org.id)}
    assert str(people["NP000007"].date_of_birth) == "2006-03-27"


def test_bad_bodies_get_problems_with_the_offending_path(app, client):
    _user, _org, token, url = _setup(client)
    good = json.dumps(student(1))
    for body, media, status, code, pointer in (
        (
            f'{good}\n{{"surname": 12}}\nnot json'.encode(),
            "application/jsonl",
            400,
            None,
            "/2/surname",
        ),
        (f'{good}\n{{"shoe": "42"}}'.encode(), "application/jsonl", 400, None, "/2/shoe"),
        (b"[1, 2]", "application/jsonl", 400, "invalid_body", "/1"),
        (b"PK\x03\x04rest", "text/csv", 415, "content_mismatch", "/headers/Content-Type"),
        (csv_bytes([student(1)]), "application/xml", 415, "unsupported_media_type", None),
        (
            csv_bytes([student(1)], columns=[*COLUMNS, "Shoe size"]),
            "text/csv",
            422,
            "unknown_columns",
            f"/columns/{len(COLUMNS)}",
        ),
    ):
        response = submit(client, url, token, body, media)
        assert response.status_code == status, (body[:40], response.json)
        assert response.mimetype == "application/problem+json"
        if code:
            assert response.json["code"] == code
        if pointer:
            assert pointer in {e.get("pointer") for e in response.json["errors"]}
    assert count(ImportBatch) == 0


def test_a_batch_over_the_row_limit_is_refused(app, client, monkeypatch):
    _user, _org, token, url = _setup(client)
    monkeypatch.setitem(app.config, "IMPORT_MAX_ROWS", 3)
    for body, media in (
        (jsonl([student(n) for n in range(1, 5)]), "application/jsonl"),
        (csv_bytes([student(n) for n in range(1, 5)]), "text/csv"),
    ):
        response = submit(client, url, token, body, media)
        assert response.status_code == 413 and response.json["code"] == "too_many_rows"
    assert count(ImportBatch) == 0


def test_a_client_revoked_before_the_batch_is_stored_cancels_it_as_a_whole(app, client):
    user, org, token, url = _setup(client)
    response = submit(client, url, token, jsonl([student(n) for n in range(1, 6)]))
    assert response.status_code == 202
    sign_in(client, user)
    page = get_page(client, "/organisation/api-clients")
    form = page.soup.find("form", action=lambda a: a and a.endswith("/revoke"))
    assert client.post(form["action"], data={"csrf_token": page.csrf()}).status_code == 200
    work(app)
    batch = ImportBatch.query.one()
    assert (batch.status.value, batch.failure) == ("failed", "cancelled")
    assert count(Person, organisation_id=org.id) == 0


def test_scope_idempotency_and_other_organisations(app, client):
    _user, _org, read_token, url = _setup(client, scopes=("people:read",))
    body = jsonl([student(1)])
    assert submit(client, url, read_token, body).status_code == 403
    _user2, _org2, token, url2 = _setup(client)
    first = submit(client, url2, token, body, **{"Idempotency-Key": "k1"})
    again = submit(client, url2, token, body, **{"Idempotency-Key": "k1"})
    assert first.status_code == again.status_code == 202
    assert again.json["id"] == first.json["id"] and count(ImportBatch) == 1
    assert again.headers["Location"] == first.headers["Location"]
    other = submit(client, url2, token, jsonl([student(2)]), **{"Idempotency-Key": "k1"})
    assert other.status_code == 422
    assert submit(client, url, token, body).status_code == 404  # another organisation's KvK
    assert client.get(f"{url}/{first.json['id']}", headers=bearer(token)).status_code == 404


def test_with_a_queue_the_batch_runs_in_the_worker(app, client, rq_queue):
    queue, run_jobs = rq_queue
    _user, org, token, url = _setup(client)
    response = submit(client, url, token, jsonl([student(n) for n in range(1, 4)]))
    assert response.status_code == 202 and len(queue) == 1
    assert count(Person, organisation_id=org.id) == 0
    run_jobs()
    assert client.get(response.headers["Location"], headers=bearer(token)).json["status"] == (
        "succeeded"
    )
    assert count(Person, organisation_id=org.id) == 3


# The database itself acts in the middle of a batch (as another user or a constraint would).
TRIGGERS = {
    "sqlite": [
        """CREATE TRIGGER refuse_person BEFORE INSERT ON person WHEN NEW.surname = 'Refused'
        BEGIN SELECT RAISE(ABORT, 'refused by the database'); END""",
        """CREATE TRIGGER revoke_client AFTER INSERT ON person WHEN NEW.surname = 'Revoker'
        BEGIN UPDATE api_client SET revoked_at = CURRENT_TIMESTAMP; END""",
    ],
    "postgresql": [
        """CREATE FUNCTION batch_trigger() RETURNS trigger AS $$ BEGIN
        IF NEW.surname = 'Refused' THEN RAISE EXCEPTION 'refused by the database'; END IF;
        IF NEW.surname = 'Revoker' THEN UPDATE api_client SET revoked_at = now(); END IF;
        RETURN NEW; END $$ LANGUAGE plpgsql""",
        """CREATE TRIGGER batch_trigger BEFORE INSERT ON person
        FOR EACH ROW EXECUTE FUNCTION batch_trigger()""",
    ],
}


def _with_triggers():
    for statement in TRIGGERS[db.engine.dialect.name]:
        db.session.execute(text(statement))
    db.session.commit()


def _recording_commits(monkeypatch) -> list:
    seen = []
    commit = db.session.commit

    def recording_commit():
        commit()
        batch = db.session.scalar(select(ImportBatch))
        if batch is not None:
            seen.append((batch.status, batch.done_rows))

    monkeypatch.setattr(db.session, "commit", recording_commit)
    return seen


@pytest.mark.parametrize("surname,failure", [("Refused", "error"), ("Revoker", "cancelled")])
def test_stored_chunk_by_chunk_and_undone_as_a_whole(app, client, monkeypatch, surname, failure):
    """Each chunk of 10 is committed (the write lock is let go in between); the database refuses
    row 28 — or the client is revoked while row 15 is stored — and every stored chunk is undone."""
    _user, org, token, url = _setup(client)
    monkeypatch.setitem(app.config, "IMPORT_CHUNK_ROWS", 10)
    rows = [student(n) for n in range(1, 31)]
    rows[27 if surname == "Refused" else 14]["surname"] = surname
    response = submit(client, url, token, jsonl(rows))
    _with_triggers()
    seen = _recording_commits(monkeypatch)
    work(app)
    importing = [done for status, done in seen if status == ImportStatus.IMPORTING]
    assert importing[:3] == [0, 10, 20] if surname == "Refused" else importing[:2] == [0, 10]
    batch = db.session.get(ImportBatch, response.json["id"])
    assert (batch.status, batch.failure) == (ImportStatus.FAILED, failure)
    if surname == "Refused":  # a revoked client's token reads nothing any more
        body = client.get(response.headers["Location"], headers=bearer(token)).json
        assert body["status"] == "failed" and body["result"] is None
    assert count(Person, organisation_id=org.id) == 0
    assert count(Application, organisation_id=org.id) == 0
    assert count(AuditEvent, action="student_import.undone") == 1


def test_batch_answers_match_the_served_description(app, client):
    spec = client.get("/api/v1/openapi.json").json
    _user, _org, token, url = _setup(client)
    operation = spec["paths"]["/api/v1/organisations/{kvk}/batches"]["post"]
    assert set(operation["requestBody"]["content"]) == {"application/jsonl", "text/csv", XLSX}
    rows = [student(1), student(2, date_of_birth="31-02-2006")]
    answers = [("post", submit(client, url, token, jsonl(rows)))]
    work(app)
    answers.append(("get", client.get(answers[0][1].headers["Location"], headers=bearer(token))))
    answers.append(("post", submit(client, url, token, b"a;b", "application/pdf")))
    assert answers[1][1].json["status"] == "rejected" and answers[1][1].json["problems"]
    for method, response in answers:
        template = "/api/v1/organisations/{kvk}/batches" + (
            "/{batch_id}" if method == "get" else ""
        )
        documented = spec["paths"][template][method]["responses"][str(response.status_code)]
        schema = documented["content"][response.mimetype]["schema"]
        errors = list(Draft202012Validator({**spec, "allOf": [schema]}).iter_errors(response.json))
        assert errors == [], (method, response.status_code, errors)


def test_a_problem_after_stored_chunks_rejects_the_batch_with_nothing_stored(
    app, client, monkeypatch
):
    """Checked and stored in one pass: chunks 1 and 2 are stored before row 25 shows a problem;
    the rest is still checked (row 29 too), then the stored chunks are undone."""
    _user, org, token, url = _setup(client)
    monkeypatch.setitem(app.config, "IMPORT_CHUNK_ROWS", 10)
    rows = [student(n) for n in range(1, 31)]
    rows[24]["date_of_birth"] = "31-02-2006"
    rows[28]["passport_number"] = rows[0]["passport_number"]
    response = submit(client, url, token, jsonl(rows))
    seen = _recording_commits(monkeypatch)
    work(app)
    assert [done for status, done in seen if status == ImportStatus.IMPORTING][:3] == [0, 10, 20]
    body = client.get(response.headers["Location"], headers=bearer(token)).json
    assert body["status"] == "rejected" and body["error_rows"] == 2
    assert [(p["row"], p["field"], p["code"]) for p in body["problems"]] == [
        (25, "date_of_birth", "invalid"),
        (29, "passport_number", "duplicate"),
    ]
    assert body["result"] is None
    assert count(Person, organisation_id=org.id) == 0
    assert count(Application, organisation_id=org.id) == 0
    assert count(AuditEvent, action="student_import.undone") == 1
