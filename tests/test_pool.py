"""Pooled connections are pinged only after waiting idle (portal/pool.py), and a stale one is
replaced before a request uses it."""

import pytest
from sqlalchemy import create_engine, event, text
from sqlalchemy.pool import QueuePool

from portal import pool


class Clock:
    def __init__(self):
        self.now = 1000.0

    def monotonic(self):
        return self.now


@pytest.fixture
def engine(database_url, monkeypatch, tmp_path):
    clock = Clock()
    monkeypatch.setattr(pool, "time", clock)
    if database_url.startswith("sqlite"):  # a file of its own: the test's own holds a lock
        database_url = f"sqlite:///{tmp_path}/pool.db"
    engine = create_engine(database_url, poolclass=QueuePool, pool_size=1, max_overflow=0)
    for name, function in pool.ping_when_idle(engine, after_seconds=1.0).items():
        event.listen(engine, name, function)
    engine.clock = clock
    yield engine
    engine.dispose()


def pings(engine, monkeypatch) -> list:
    seen = []
    real = engine.dialect.do_ping

    def counted(dbapi_connection):
        seen.append(dbapi_connection)
        return real(dbapi_connection)

    monkeypatch.setattr(engine.dialect, "do_ping", counted)
    return seen


def test_a_connection_used_a_moment_ago_is_not_pinged_one_left_idle_is(engine, monkeypatch):
    seen = pings(engine, monkeypatch)
    with engine.connect() as connection:  # new: no ping
        connection.execute(text("SELECT 1"))
    engine.clock.now += 0.5
    with engine.connect() as connection:
        connection.execute(text("SELECT 1"))
    assert seen == []
    engine.clock.now += 1.5
    with engine.connect() as connection:
        connection.execute(text("SELECT 1"))
    assert len(seen) == 1


def test_a_connection_closed_by_the_server_while_idle_is_replaced(engine):
    if engine.dialect.name != "postgresql":
        pytest.skip("the server ends a connection: PostgreSQL")
    with engine.connect() as connection:
        first = connection.execute(text("SELECT pg_backend_pid()")).scalar()
    other = create_engine(engine.url)
    try:
        with other.connect() as connection:  # the database restarts, say
            connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": first})
    finally:
        other.dispose()
    engine.clock.now += 2
    with engine.connect() as connection:  # the request's connection works
        second = connection.execute(text("SELECT pg_backend_pid()")).scalar()
    assert second != first
