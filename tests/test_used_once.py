"""'Used once' holds under a race (issue 15, Low): the same reset link, sign-up link or TOTP code
sent from two sessions at the same moment, on PostgreSQL, succeeds once.

The suite's usual transaction (one connection, rolled back) cannot show a race, so these tests
run a portal on a database of their own, each request with its own connection. A SQLAlchemy
event holds each request just before its write until the other has reached it too: both have
read the token as unused, the interleaving in which a read-then-write accepts it twice.
"""

import contextlib
import threading

import pytest
from flask.testing import FlaskClient
from flask_migrate import upgrade
from sqlalchemy import create_engine, event, select, text
from sqlalchemy.engine import make_url

from config import TestConfig
from portal import create_app
from portal.extensions import db
from portal.identity import accounts, second_factor, tokens
from portal.models import OrgRole, StaffRole, TokenPurpose, User
from portal.setup import MIGRATIONS_DIR
from tests.support.auth import totp_code
from tests.support.factories import PASSWORD, TOTP_SECRET, UserFactory, member
from tests.support.pages import Page, get_page
from tests.support.sign_up import link_in, mail_to, send_sign_up

NEW_PASSWORD = "violet harbour stapler 2027"


@pytest.fixture
def race_portal(monkeypatch, database_url):
    """A portal on a fresh PostgreSQL database, with sessions of its own."""
    if not database_url.startswith("postgresql"):
        pytest.skip("a race between connections: the PostgreSQL pass shows it")
    url = make_url(database_url)
    name = f"{url.database}_race"
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    monkeypatch.setattr(
        TestConfig,
        "SQLALCHEMY_DATABASE_URI",
        url.set(database=name).render_as_string(hide_password=False),
    )
    monkeypatch.setattr(db, "session", db._make_scoped_session({}))
    portal = create_app("test")
    portal.test_client_class = FlaskClient
    with portal.app_context():
        upgrade(directory=str(MIGRATIONS_DIR))
        db.session.commit()
    try:
        yield portal
    finally:
        with portal.app_context():
            db.session.remove()
            db.engine.dispose()
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def held_before(portal, statement_start: str):
    """Hold each request at its first `statement_start` until two requests are there."""
    barrier = threading.Barrier(2, timeout=3)
    with portal.app_context():
        engine = db.engine

    def hold(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith(statement_start.upper()):
            with contextlib.suppress(threading.BrokenBarrierError):
                barrier.wait()

    event.listen(engine, "before_cursor_execute", hold)
    return lambda: event.remove(engine, "before_cursor_execute", hold)


def at_once(*calls):
    """Run the calls in threads at the same time; their results in order."""
    results = [None] * len(calls)

    def run(index, call):
        results[index] = call()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


def english_client(portal):
    client = portal.test_client()
    client.get("/language/en")
    return client


def test_one_reset_link_sent_twice_at_once_sets_one_password(race_portal):
    with race_portal.app_context():
        user = member(OrgRole.SUBMITTER)
        token = tokens._issue(user, TokenPurpose.PASSWORD_RESET, 3600)
        db.session.commit()
        user_id = user.id
    path = f"/password-reset/{token}"
    clients = [english_client(race_portal) for _ in range(2)]
    forms = [get_page(c, path).csrf() for c in clients]
    passwords = [NEW_PASSWORD, NEW_PASSWORD + " and more"]
    release = held_before(race_portal, "UPDATE account_token")
    try:
        responses = at_once(
            *[
                lambda c=c, f=f, p=p: c.post(
                    path, data={"csrf_token": f, "password": p, "confirm": p}
                )
                for c, f, p in zip(clients, forms, passwords, strict=True)
            ]
        )
    finally:
        release()
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [302, 404], statuses
    with race_portal.app_context():
        events = db.session.execute(
            text(
                "SELECT count(*) FROM audit_event WHERE action = 'user.password_reset.completed'"
                " AND target_id = :id"
            ),
            {"id": user_id},
        ).scalar()
        assert events == 1


def test_one_totp_code_sent_twice_at_once_signs_in_once(race_portal):
    with race_portal.app_context():
        user = member(OrgRole.ADMINISTRATOR)
        user.totp_secret = TOTP_SECRET
        db.session.commit()
        email = user.email
        db.session.expunge(user)
    clients = [english_client(race_portal) for _ in range(2)]
    for client in clients:
        token = get_page(client, "/sign-in").csrf()
        response = client.post(
            "/sign-in", data={"csrf_token": token, "email": email, "password": PASSWORD}
        )
        assert response.headers["Location"].endswith("/sign-in/code")
    forms = [get_page(c, "/sign-in/code").csrf() for c in clients]
    code = totp_code(user)
    release = held_before(race_portal, "UPDATE user_account SET totp_last_step")
    try:
        responses = at_once(
            *[
                lambda c=c, f=f: c.post("/sign-in/code", data={"csrf_token": f, "code": code})
                for c, f in zip(clients, forms, strict=True)
            ]
        )
    finally:
        release()
    assert sorted(r.status_code for r in responses) == [302, 400]
    refused = next(Page(r) for r in responses if r.status_code == 400)
    assert "The code is not right" in refused.text


def test_one_sign_up_link_followed_twice_at_once_makes_one_account(app, race_portal, smtp_server):
    race_portal.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=app.config["MAIL_PORT"])
    data = {
        "kvk_number": "87651234",
        "legal_name": "Twice B.V.",
        "street_address": "Oudegracht 12",
        "postcode": "3511 AB",
        "city": "Utrecht",
        "organisation_email": "office@twice.example",
        "persons_employed": "12",
        "kind": "research",
        "preferred_language": "en",
        "admin_name": "Tess Twice",
        "admin_email": "tess@twice.example",
        "password": "seven unrelated words make sense",
    }
    first = english_client(race_portal)
    assert send_sign_up(first, data).status == 200
    path = link_in(mail_to(smtp_server, data["admin_email"]))
    clients = [first, english_client(race_portal)]
    forms = [get_page(c, path).csrf() for c in clients]
    release = held_before(race_portal, "UPDATE sign_up_request")
    try:
        responses = at_once(
            *[
                lambda c=c, f=f: c.post(path, data={"csrf_token": f})
                for c, f in zip(clients, forms, strict=True)
            ]
        )
    finally:
        release()
    assert sorted(r.status_code for r in responses) == [302, 404]
    with race_portal.app_context():
        users = db.session.scalars(select(User).where(User.email == data["admin_email"])).all()
        assert len(users) == 1
        organisations = db.session.execute(
            text("SELECT count(*) FROM organisation WHERE legal_name = 'Twice B.V.'")
        ).scalar()
        assert organisations == 1


def test_one_staff_invitation_accepted_twice_at_once_sets_one_password(race_portal):
    with race_portal.app_context():
        admin = UserFactory(staff_administrator=True)
        invitee = accounts.invite_staff("new@ind.example", "New", StaffRole.REVIEWER, admin)
        token = tokens._issue(invitee, TokenPurpose.STAFF_INVITATION, 3600)
        db.session.commit()
    path = f"/backoffice/invitation/{token}"
    clients = [english_client(race_portal) for _ in range(2)]
    forms = [get_page(c, path).csrf() for c in clients]
    passwords = [NEW_PASSWORD, NEW_PASSWORD + " and more"]
    release = held_before(race_portal, "UPDATE account_token")
    try:
        responses = at_once(
            *[
                lambda c=c, f=f, p=p: c.post(
                    path, data={"csrf_token": f, "password": p, "confirm": p}
                )
                for c, f, p in zip(clients, forms, passwords, strict=True)
            ]
        )
    finally:
        release()
    assert sorted(r.status_code for r in responses) == [302, 404]


def test_one_recovery_code_sent_twice_at_once_signs_in_once(race_portal):
    with race_portal.app_context():
        user = member(OrgRole.ADMINISTRATOR)
        user.totp_secret = TOTP_SECRET
        (code, *_rest) = second_factor.new_recovery_codes(user)
        db.session.commit()
        email = user.email
    clients = [english_client(race_portal) for _ in range(2)]
    for client in clients:
        token = get_page(client, "/sign-in").csrf()
        client.post("/sign-in", data={"csrf_token": token, "email": email, "password": PASSWORD})
    forms = [get_page(c, "/sign-in/recovery-code").csrf() for c in clients]
    release = held_before(race_portal, "UPDATE recovery_code")
    try:
        responses = at_once(
            *[
                lambda c=c, f=f: c.post(
                    "/sign-in/recovery-code", data={"csrf_token": f, "code": code}
                )
                for c, f in zip(clients, forms, strict=True)
            ]
        )
    finally:
        release()
    assert sorted(r.status_code for r in responses) == [302, 400]
