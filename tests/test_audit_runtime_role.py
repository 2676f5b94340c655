"""The audit log's append-only guarantee survives a compromised application (issue 15): on
PostgreSQL the portal connects as a runtime role that does not own the tables; migrations run
as the owner (MIGRATION_DATABASE_URL) and grant the runtime role its rights. The test creates
the runtime role itself and shows every way around the triggers refused."""

import pytest
from flask_migrate import upgrade
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from config import TestConfig
from portal import create_app
from portal.database_roles import runtime_role
from portal.setup import MIGRATIONS_DIR

ROLE = "portal_runtime_test"
PASSWORD = "runtime-test-password"  # noqa: S105 - a throwaway role of the test database

INSERT_EVENT = "INSERT INTO audit_event (occurred_at, action) VALUES (now(), 'test.runtime')"


@pytest.fixture
def runtime_url(database_url, monkeypatch):
    if not database_url.startswith("postgresql"):
        pytest.skip("PostgreSQL only: SQLite has no roles")
    owner = create_engine(database_url, isolation_level="AUTOCOMMIT")
    with owner.connect() as connection:
        exists = connection.scalar(text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": ROLE})
        if not exists:
            connection.exec_driver_sql(
                f"CREATE ROLE {ROLE} LOGIN NOSUPERUSER NOINHERIT PASSWORD '{PASSWORD}'"
            )
    owner.dispose()
    url = make_url(database_url).set(username=ROLE, password=PASSWORD)
    runtime = url.render_as_string(hide_password=False)
    # `flask db upgrade` as an operator runs it: the app on the runtime role, migrations as
    # the owner; the upgrade (at head already: nothing to migrate) grants the runtime rights.
    monkeypatch.setattr(TestConfig, "SQLALCHEMY_DATABASE_URI", runtime)
    monkeypatch.setattr(TestConfig, "MIGRATION_DATABASE_URL", database_url)
    app = create_app("test")
    with app.app_context():
        upgrade(directory=str(MIGRATIONS_DIR))
    return runtime


def refused(connection, statement: str) -> str:
    """Run `statement` in a savepoint; the database's refusal (the test fails if it runs)."""
    savepoint = connection.begin_nested()
    try:
        connection.exec_driver_sql(statement)
    except DBAPIError as error:
        savepoint.rollback()
        return str(error.orig)
    savepoint.rollback()
    pytest.fail(f"the runtime role could run: {statement}")


def test_the_runtime_role_adds_audit_events_but_never_changes_or_removes_them(runtime_url):
    engine = create_engine(runtime_url)
    try:
        with engine.connect() as connection:
            transaction = connection.begin()
            connection.exec_driver_sql(INSERT_EVENT)  # writing the log: yes
            assert connection.scalar(text("SELECT count(*) FROM audit_event")) >= 1
            # Ordinary tables: read and write (no row matches: nothing changes).
            connection.exec_driver_sql("UPDATE organisation SET legal_name = legal_name WHERE 1=0")
            for statement, says in (
                ("UPDATE audit_event SET action = 'forged'", "permission denied"),
                ("DELETE FROM audit_event", "permission denied"),
                ("TRUNCATE audit_event", "permission denied"),
                ("ALTER TABLE audit_event DISABLE TRIGGER ALL", "must be owner"),
                ("DROP TRIGGER audit_event_no_update_delete ON audit_event", "must be owner"),
                ("SET session_replication_role = replica", "permission denied"),
                ("UPDATE alembic_version SET version_num = version_num", "permission denied"),
            ):
                assert says in refused(connection, statement), statement
            transaction.rollback()  # nothing the test wrote stays
    finally:
        engine.dispose()


def test_the_runtime_role_is_the_database_url_user_when_migrations_run_as_another():
    owner = "postgresql+psycopg://owner@db/portal"
    runtime = "postgresql+psycopg://portal@db/portal"
    assert runtime_role(runtime, owner) == "portal"
    assert runtime_role(runtime, None) is None  # migrations as the same user: nothing to grant
    assert runtime_role(owner, owner) is None
    assert runtime_role("sqlite:///portal.db", owner) is None
