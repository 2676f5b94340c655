"""Operations (issue 21): /readyz, /metrics for allowed addresses only, request ids, and log
lines without personal data — all through HTTP."""

import json
import logging

import pytest
from prometheus_client.parser import text_string_to_metric_families

from config import TestConfig
from portal import create_app
from portal.extensions import db
from portal.jobs import worker
from portal.ops import logs, readiness
from tests.support.auth import sign_in
from tests.support.factories import PersonFactory, member
from tests.support.letters import add_letter
from tests.support.pages import get_page


def test_ready_when_the_database_answers_and_its_migrations_are_current(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json == {"ready": True, "checks": {"database": "ok", "migrations": "ok"}}
    assert "Set-Cookie" not in response.headers


def test_not_ready_says_which_check_failed(app, client, monkeypatch):
    monkeypatch.setattr(readiness, "code_heads", lambda: frozenset({"9999_newer"}))
    monkeypatch.setitem(app.config, "REDIS_URL", "redis://127.0.0.1:1/0")
    monkeypatch.setitem(app.config, "STORAGE_BACKEND", "s3")
    monkeypatch.setitem(app.config, "STORAGE_S3_BUCKET", "portal")
    monkeypatch.setitem(app.config, "STORAGE_S3_ENDPOINT_URL", "http://127.0.0.1:1")
    monkeypatch.setitem(app.extensions, "object_store", None)  # made from this configuration
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "test")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "test")
    response = client.get("/readyz")
    assert response.status_code == 503
    checks = response.json["checks"]
    assert checks["database"] == "ok"
    assert "run `flask db upgrade`" in checks["migrations"]
    assert checks["redis"].startswith("Redis unreachable")
    assert checks["storage"].startswith("object store unreachable")
    assert "127.0.0.1" not in response.get_data(as_text=True)


def metric(client, name: str, **labels) -> float:
    text = client.get("/metrics").get_data(as_text=True)
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == name and all(sample.labels.get(k) == v for k, v in labels.items()):
                return sample.value
    return 0.0


def test_metrics_count_requests_per_endpoint_and_committed_letters(client):
    before = metric(client, "portal_http_requests_total", endpoint="public.home", status="200")
    client.get("/")
    client.get("/")
    after = metric(client, "portal_http_requests_total", endpoint="public.home", status="200")
    assert after == before + 2
    assert metric(client, "portal_http_request_duration_seconds_count", endpoint="public.home")

    letters = metric(client, "portal_letters_issued_total", kind="acknowledgement")
    add_letter(member().memberships[0].organisation, kind="acknowledgement")
    db.session.commit()
    assert metric(client, "portal_letters_issued_total", kind="acknowledgement") == letters + 1


def test_metrics_show_the_queue_when_one_is_configured(client, rq_queue):
    text = client.get("/metrics").get_data(as_text=True)
    assert 'portal_queue_depth{queue="portal"} 0.0' in text
    assert "portal_queue_up 1.0" in text


@pytest.mark.parametrize("address", ["203.0.113.9", "10.0.0.1"])
def test_metrics_are_not_there_for_other_addresses(monkeypatch, address):
    monkeypatch.setattr(TestConfig, "TRUSTED_PROXIES", "10.0.0.1")
    monkeypatch.setattr(TestConfig, "METRICS_ALLOWED_ADDRESSES", "10.0.0.1, 127.0.0.1")
    app = create_app("test")
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    # Through the trusted proxy the client's address counts, not the proxy's; a direct client
    # cannot claim an allowed one.
    client.environ_base["HTTP_X_FORWARDED_FOR"] = (
        "127.0.0.1" if address != "10.0.0.1" else ("203.0.113.9")
    )
    assert client.get("/metrics").status_code == 404


def test_an_allow_list_that_is_no_address_stops_the_start(monkeypatch):
    monkeypatch.setattr(TestConfig, "METRICS_ALLOWED_ADDRESSES", "prometheus.internal")
    with pytest.raises(RuntimeError, match="METRICS_ALLOWED_ADDRESSES"):
        create_app("test")


def test_a_well_formed_request_id_is_kept_and_any_other_replaced(client):
    given = "a1b2c3d4-0000-4000-8000-abcdefabcdef"
    assert client.get("/healthz", headers={"X-Request-ID": given}).headers["X-Request-ID"] == given
    made = client.get("/", headers={"X-Request-ID": "<script>x</script>"}).headers["X-Request-ID"]
    assert len(made) == 32 and made.isalnum()
    assert client.get("/").headers["X-Request-ID"] != made


def test_log_lines_are_json_with_the_request_id_and_no_personal_data(client, caplog):
    caplog.set_level(logging.INFO)
    user = member(legal_name="Jansen Consultancy B.V.")
    person = PersonFactory(
        organisation=user.memberships[0].organisation, given_names="Wilhelmina", surname="Zonneveld"
    )
    sign_in(client, user)
    client.get(f"/people/{person.id}")
    search = get_page(client, "/people/")
    client.post(
        "/people/",
        data={"csrf_token": search.csrf(), "q": "Zonneveld 123456782"},
        follow_redirects=True,
        headers={"X-Request-ID": "journey-0001"},
    )
    logging.getLogger("portal.test").warning("mail to %s failed", user.email)
    formatter = logs.JsonFormatter()
    lines = [json.loads(formatter.format(record)) for record in caplog.records]
    requests = [line for line in lines if line.get("event") == "request"]
    assert {line["endpoint"] for line in requests} >= {"account.sign_in", "people.show"}
    assert "journey-0001" in {line["request_id"] for line in requests}
    assert all(line["request_id"] for line in requests)
    text = json.dumps(lines)
    for personal in (user.email, "Wilhelmina", "Zonneveld", "123456782", "Jansen"):
        assert personal not in text


def test_the_request_id_travels_with_the_jobs_it_queues(client, rq_queue, monkeypatch):
    queue, work = rq_queue
    page = get_page(client, "/password-reset")
    client.post(
        "/password-reset",
        data={"csrf_token": page.csrf(), "email": "nobody@example.org"},
        headers={"X-Request-ID": "reset-request-42"},
    )
    assert [job.meta["request_id"] for job in queue.jobs] == ["reset-request-42"]
    seen = []
    resolve = worker.resolve

    def resolve_and_note(path):  # the task as it runs in the worker, noting the id it logs with
        function = resolve(path)

        def noted(*args):
            seen.append(logs.current_request_id())
            return function(*args)

        return noted

    monkeypatch.setattr(worker, "resolve", resolve_and_note)
    work()
    assert seen == ["reset-request-42"]


def test_in_json_mode_each_line_on_standard_error_is_one_object(capsys):
    logs.configure("INFO")  # undone after the test (tests/conftest.py)
    logging.getLogger("portal.example").info("checked %s for %s", 3, "someone@example.org")
    lines = [json.loads(line) for line in capsys.readouterr().err.splitlines() if line]
    assert lines[-1]["message"] == "checked 3 for [e-mail]"
    assert lines[-1]["level"] == "info" and lines[-1]["request_id"] is None
