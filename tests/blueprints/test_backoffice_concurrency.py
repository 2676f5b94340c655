"""Two staff acting on one case at the same moment, on SQLite with real connections.

The suite's usual transaction (one connection, rolled back) cannot show locking, so these tests
run a second portal on its own SQLite file: each request has its own connection, as in
`make run`. A SQLAlchemy event holds the first request just before it writes until the second
has read the case too (or a second has passed): the interleaving that used to end in
"database is locked" and a 500.
"""

import sqlite3
import threading

import pytest
from flask.testing import FlaskClient
from flask_migrate import upgrade
from sqlalchemy import event, select

from config import TestConfig
from portal import create_app
from portal.extensions import db
from portal.models import Application, AuditEvent, User
from portal.setup import MIGRATIONS_DIR
from tests.support.auth import staff_sign_in
from tests.support.casework import submitted_case
from tests.support.factories import UserFactory
from tests.support.pages import Page

WRITES = ("INSERT", "UPDATE", "DELETE")


@pytest.fixture
def make_portal(tmp_path, monkeypatch, database_url):
    """make_portal(**config): a portal on a fresh SQLite file, with its own sessions (not the
    test's transaction)."""
    if not database_url.startswith("sqlite"):
        pytest.skip("SQLite's locking; PostgreSQL locks rows")
    made = []

    def make(**config):
        monkeypatch.setattr(TestConfig, "SQLALCHEMY_DATABASE_URI", f"sqlite:///{tmp_path / 'p.db'}")
        for key, value in config.items():
            monkeypatch.setattr(TestConfig, key, value)
        monkeypatch.setattr(db, "session", db._make_scoped_session({}))
        portal = create_app("test")
        portal.test_client_class = FlaskClient
        with portal.app_context():
            upgrade(directory=str(MIGRATIONS_DIR))
            db.session.commit()
        made.append(portal)
        return portal

    yield make
    for portal in made:
        with portal.app_context():
            db.session.remove()
            db.engine.dispose()


def _seed(portal):
    with portal.app_context():
        case = submitted_case()
        first = UserFactory(supervisor=True)
        second = UserFactory(reviewer=True)
        db.session.commit()
        return case.id, first.email, second.email


def _signed_in(portal, email):
    client = portal.test_client()
    client.get("/language/en")
    with portal.app_context():
        user = db.session.scalar(select(User).where(User.email == email))
        db.session.expunge(user)
        db.session.rollback()  # SQLite: leave no transaction open while the requests run
    staff_sign_in(client, user)
    return client


def _version_form(client, case_id):
    page = Page(client.get(f"/backoffice/cases/{case_id}"))
    assert page.status == 200, page.text[:300]
    return {
        "csrf_token": page.csrf(),
        "claim-version": page.soup.find(id="claim-version")["value"],
    }


def test_two_staff_claiming_one_case_at_once_get_one_claim_and_one_clear_message(make_portal):
    own_portal = make_portal()
    case_id, first_email, second_email = _seed(own_portal)
    first = _signed_in(own_portal, first_email)
    second = _signed_in(own_portal, second_email)
    forms = {first: _version_form(first, case_id), second: _version_form(second, case_id)}

    second_has_read = threading.Event()
    racers = {}

    with own_portal.app_context():
        engine = db.engine

    @event.listens_for(engine, "before_cursor_execute")
    def interleave(conn, cursor, statement, parameters, context, executemany):
        name = racers.get(threading.get_ident())
        if name == "second" and statement.lstrip().upper().startswith("SELECT"):
            second_has_read.set()
        if name == "first" and statement.lstrip().upper().startswith(WRITES):
            second_has_read.wait(timeout=1)  # an IMMEDIATE transaction keeps the second out

    results = {}

    def claim(name, client):
        racers[threading.get_ident()] = name
        try:
            response = client.post(
                f"/backoffice/cases/{case_id}/claim",
                data=forms[client],
                follow_redirects=True,
            )
            results[name] = (response.status_code, Page(response).text)
        except Exception as error:  # noqa: BLE001 - the finding: an error instead of a page
            results[name] = (500, repr(error))

    threads = [
        threading.Thread(target=claim, args=("first", first)),
        threading.Thread(target=claim, args=("second", second)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    event.remove(engine, "before_cursor_execute", interleave)

    statuses = sorted(status for status, _ in results.values())
    assert statuses == [200, 200], results
    texts = " | ".join(text for _, text in results.values())
    assert texts.count("You are now handling this case.") == 1, texts
    assert texts.count("Someone else changed this case while you were working on it") == 1
    with own_portal.app_context():
        claims = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "application.claimed")
        ).all()
        assert len(claims) == 1
        assert db.session.get(Application, case_id).assigned_to_id is not None


def test_a_lock_held_past_the_busy_timeout_gets_a_clear_page_and_changes_nothing(make_portal):
    own_portal = make_portal(SQLITE_BUSY_TIMEOUT=0.1)
    case_id, first_email, _ = _seed(own_portal)
    first = _signed_in(own_portal, first_email)
    form = _version_form(first, case_id)
    path = own_portal.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///")
    blocker = sqlite3.connect(path, isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")  # another process writing, and not finishing
    try:
        response = first.post(f"/backoffice/cases/{case_id}/claim", data=form)
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    page = Page(response)
    assert page.status == 409
    assert "Someone else was changing this at the same moment" in page.text
    assert "Nothing was saved" in page.text
    with own_portal.app_context():
        assert db.session.get(Application, case_id).assigned_to_id is None
