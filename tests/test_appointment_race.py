"""No double booking, ever (issue 23): 50 sponsors' bookings fired at once at one slot with
capacity 3, on PostgreSQL, each request with its own connection. Every request is held at its
first INSERT of an appointment until all 50 are there (all have seen 3 free places): exactly 3
succeed; the other 47 are told the slot just filled and shown the next free slots."""

import contextlib
import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import event, text

from config import TestConfig
from portal import clock
from portal.extensions import db
from tests.support.appointments import granted_case, make_desk, sponsor
from tests.support.auth import sign_in
from tests.support.pages import Page, get_page
from tests.test_used_once import at_once, english_client, race_portal  # noqa: F401

BOOKINGS = 50
NOW = datetime(2027, 3, 1, 8, 0, tzinfo=UTC)


@pytest.fixture
def wide_pool(monkeypatch):
    """One connection per request in flight (the race portal is made after this)."""
    options = {"pool_pre_ping": True, "pool_size": BOOKINGS + 2, "max_overflow": 2}
    monkeypatch.setattr(TestConfig, "SQLALCHEMY_ENGINE_OPTIONS", options)
    monkeypatch.setattr(clock, "now", lambda: NOW)


def held_at_first_insert(portal, arrived: set):
    barrier = threading.Barrier(BOOKINGS, timeout=30)
    with portal.app_context():
        engine = db.engine

    def hold(conn, cursor, statement, parameters, context, executemany):
        if not statement.lstrip().upper().startswith("INSERT INTO APPOINTMENT"):
            return
        me = threading.get_ident()
        if me in arrived:
            return  # a retry on the next counter goes straight on
        arrived.add(me)
        with contextlib.suppress(threading.BrokenBarrierError):
            barrier.wait()

    event.listen(engine, "before_cursor_execute", hold)
    return lambda: event.remove(engine, "before_cursor_execute", hold)


def test_fifty_bookings_at_once_fill_three_counters_and_no_more(wide_pool, race_portal):  # noqa: F811
    with race_portal.app_context():
        user, organisation = sponsor()
        desk = make_desk(counters=3)
        cases = [
            granted_case(organisation, surname=f"Racer {chr(65 + i // 26)}{chr(65 + i % 26)}")
            for i in range(BOOKINGS)
        ]
        db.session.commit()
        case_ids = [c.id for c in cases]
        slot = f"{desk.id}:{(NOW + timedelta(hours=1)).strftime('%Y%m%dT%H%M')}"
        db.session.refresh(user)
        db.session.expunge(user)
    first = english_client(race_portal)
    sign_in(first, user)
    first.get("/language/en")
    token = get_page(first, f"/appointments/book/{case_ids[0]}").csrf()
    clients = []
    for _ in case_ids:
        other = race_portal.test_client()
        other._cookies = dict(first._cookies)
        clients.append(other)
    arrived: set = set()
    release = held_at_first_insert(race_portal, arrived)
    try:
        responses = at_once(
            *[
                lambda c=c, i=i: c.post(
                    f"/appointments/book/{i}", data={"csrf_token": token, "slot": slot}
                )
                for c, i in zip(clients, case_ids, strict=True)
            ]
        )
    finally:
        release()
    assert len(arrived) == BOOKINGS  # all 50 tried to insert while the slot looked free
    codes = sorted(r.status_code for r in responses)
    assert codes == [302] * 3 + [409] * (BOOKINGS - 3)
    told = Page(next(r for r in responses if r.status_code == 409))
    assert "This slot has just been filled" in told.text
    offered = [i["value"] for i in told.soup.select("#slots input")]
    assert offered and slot not in offered
    with race_portal.app_context():
        seats = (
            db.session.execute(
                text("SELECT counter FROM appointment WHERE status = 'booked' ORDER BY counter")
            )
            .scalars()
            .all()
        )
        assert seats == [1, 2, 3]
