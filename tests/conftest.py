"""Fixtures: the migrated schema once per run, one rolled-back transaction per test.

The schema comes from `alembic upgrade head` (never create_all). The same suite runs
on SQLite (default) and on PostgreSQL when TEST_DATABASE_URL is set.
"""

import contextvars
import os
import socket

import pytest
from flask import has_app_context
from flask.testing import FlaskClient
from flask_migrate import upgrade
from rq import SimpleWorker
from sqlalchemy import text
from sqlalchemy.orm import scoped_session, sessionmaker

from portal import create_app
from portal.extensions import db
from portal.setup import MIGRATIONS_DIR
from tests.support.pages import get_page, post_form


@pytest.fixture(scope="session")
def database_url(tmp_path_factory, worker_id):
    """SQLite in the run's temporary folder, or TEST_DATABASE_URL. Under pytest-xdist each
    worker has its own: a temporary folder each, and on PostgreSQL a database each
    (`test_gw0`, `test_gw1`, … beside `test`, created when missing)."""
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
    if worker_id == "master":
        return url
    return _worker_database(url, worker_id)


def _worker_database(url: str, worker_id: str) -> str:
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url

    base = make_url(url)
    name = f"{base.database}_{worker_id}"
    engine = create_engine(base, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            exists = connection.execute(
                text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}
            ).scalar()
            if not exists:
                connection.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        engine.dispose()
    return base.set(database=name).render_as_string(hide_password=False)


class IsolatedClient(FlaskClient):
    """Each request runs as in production: its own app context, g and database session.

    The test's own app context (for assertions) is kept out of the request, and what
    the test has loaded is expired afterwards so it sees what the request wrote.
    """

    def open(self, *args, **kwargs):
        response = contextvars.Context().run(super().open, *args, **kwargs)
        if has_app_context():
            db.session.expire_all()
        return response


@pytest.fixture(scope="session")
def app(database_url):
    os.environ["TEST_DATABASE_URL"] = database_url
    from config import TestConfig

    TestConfig.SQLALCHEMY_DATABASE_URI = database_url
    app = create_app("test")
    app.test_client_class = IsolatedClient
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as connection:
                connection.execute(text("DROP SCHEMA public CASCADE"))
                connection.execute(text("CREATE SCHEMA public"))
        upgrade(directory=str(MIGRATIONS_DIR))
        db.session.remove()
    return app


@pytest.fixture(autouse=True)
def _transaction(app):
    """Each test runs inside one transaction that is rolled back at the end."""
    with app.app_context():
        connection = db.engine.connect()
        outer = connection.begin()
        original = db.session
        db.session = scoped_session(
            sessionmaker(bind=connection, join_transaction_mode="create_savepoint"),
            scopefunc=original.registry.scopefunc,
        )
        try:
            yield
        finally:
            db.session.remove()
            db.session = original
            outer.rollback()
            connection.close()


@pytest.fixture(autouse=True)
def _limiter_left_as_found():
    """A test that builds its own rate-limited app must not leave the shared limiter on."""
    from portal.extensions import limiter

    enabled = limiter.enabled
    yield
    limiter.enabled = enabled


@pytest.fixture(autouse=True)
def _logging_left_as_found():
    """An app built with production settings turns on JSON logs for the whole process
    (portal/ops/logs.py): put the root logger back for the next test."""
    import logging

    root, werkzeug = logging.getLogger(), logging.getLogger("werkzeug")
    saved = root.level, list(root.handlers), werkzeug.level
    yield
    root.setLevel(saved[0])
    root.handlers[:] = saved[1]
    werkzeug.setLevel(saved[2])


@pytest.fixture
def client(app):
    return app.test_client()


# --- page helpers (tests/support/pages.py) ------------------------------------------


@pytest.fixture
def page():
    return get_page


@pytest.fixture
def post():
    return post_form


# --- a real SMTP server for e-mail tests ----------------------------------------------


class _Inbox:
    """`.messages`: what arrived; addresses in `.refuse` are refused (550) like a bounce."""

    def __init__(self):
        self.messages = []
        self.refuse = set()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        if address.lower() in self.refuse:
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd hook
        from email import message_from_bytes
        from email.policy import default

        self.messages.append(message_from_bytes(envelope.content, policy=default))
        return "250 OK"


@pytest.fixture
def smtp_server(app):
    """An SMTP server on 127.0.0.1; the app sends to it during the test. `.messages` holds mail."""
    from aiosmtpd.controller import Controller

    inbox = _Inbox()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    saved = {key: app.config.get(key) for key in ("MAIL_SERVER", "MAIL_PORT")}
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port)
    try:
        yield inbox
    finally:
        app.config.update(saved)
        controller.stop()


@pytest.fixture
def move_today(monkeypatch):
    """A setter for 'today' (Amsterdam) during the test: move_today(date(2027, 3, 10))."""
    from portal import clock

    def set_today(day):
        monkeypatch.setattr(clock, "today", lambda: day)

    return set_today


class InProcessWorker(SimpleWorker):
    """RQ's worker running the queued jobs in the test's process, without its command channel
    (a pub/sub thread for remote "stop" and "kill" commands nobody sends here): stopping that
    thread at the end of a burst could wait out its 60 s poll when the subscription had not
    settled yet, and under load a queue test took a minute instead of a second."""

    def subscribe(self):
        self.pubsub_thread = None

    def unsubscribe(self):
        pass


@pytest.fixture
def rq_queue(app, worker_id):
    """The background queue (RQ) on the Redis at 127.0.0.1, database 15 (14, 13, … for the
    other pytest-xdist workers; TEST_REDIS_DB moves the first, for runs side by side), configured as
    REDIS_URL for the test. Yields (queue, work): work() runs the queued jobs in this process,
    in the test's app. Skipped without Redis, except in CI (.ci/run starts it)."""
    from redis import Redis
    from redis.exceptions import ConnectionError as RedisDown
    from rq import Queue

    index = int(worker_id[2:]) if worker_id.startswith("gw") else 0
    url = f"redis://127.0.0.1:6379/{int(os.environ.get('TEST_REDIS_DB', '15')) - index}"
    redis = Redis.from_url(url)
    try:
        redis.ping()
    except RedisDown:
        if os.environ.get("CI"):
            pytest.fail("Redis is not running on 127.0.0.1:6379: .ci/run starts it")
        pytest.skip("no Redis on 127.0.0.1:6379")
    queue = Queue("portal", connection=redis)
    queue.empty()
    app.config["REDIS_URL"] = url
    try:
        yield queue, lambda: InProcessWorker([queue], connection=redis).work(burst=True)
    finally:
        app.config["REDIS_URL"] = None
        queue.empty()
