"""Two staff importing the same bank statement at the same moment (issue 17, bad input): one
import, the other told "imported already" — on PostgreSQL, each request with its own connection.

Both requests are held just before their INSERT of the statement until the other has reached
it too: both have looked for the file's SHA-256 and found nothing (the interleaving in which
a read-then-write imports it twice). The unique SHA-256 lets one through; the other waits for
it, fails on the constraint and gets the 409 page; every fee is booked once."""

import io
import threading

from sqlalchemy import event, text

from portal.extensions import db
from portal.fees.sample import sample_statement
from tests.support.auth import staff_sign_in
from tests.support.factories import ApplicationFactory, UserFactory, member
from tests.support.pages import Page, get_page
from tests.test_used_once import at_once, english_client, race_portal  # noqa: F401


def held_before_insert(portal, arrived: list):
    """Hold each request at its INSERT of the statement until both are there (both have read
    "not imported"); `arrived` counts them, so the test knows the race really happened."""
    barrier = threading.Barrier(2, timeout=10)
    with portal.app_context():
        engine = db.engine

    def hold(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("INSERT INTO BANK_STATEMENT"):
            arrived.append(1)
            barrier.wait()

    event.listen(engine, "before_cursor_execute", hold)
    return lambda: event.remove(engine, "before_cursor_execute", hold)


def test_the_same_statement_imported_twice_at_once_is_imported_once(race_portal):  # noqa: F811
    with race_portal.app_context():
        user = member()
        for _ in range(3):
            ApplicationFactory(
                submitted=True,
                organisation=user.memberships[0].organisation,
                created_by=user,
                fee=False,
            )
        statement = sample_statement().encode()
        supervisors = [UserFactory(supervisor=True) for _ in range(2)]
        db.session.commit()
        for supervisor in supervisors:
            db.session.refresh(supervisor)  # loaded, then used outside the session to sign in
            db.session.expunge(supervisor)
    clients = [english_client(race_portal) for _ in range(2)]
    for client, supervisor in zip(clients, supervisors, strict=True):
        staff_sign_in(client, supervisor)
    forms = [get_page(c, "/backoffice/fees/statements").csrf() for c in clients]
    arrived = []
    release = held_before_insert(race_portal, arrived)
    try:
        responses = at_once(
            *[
                lambda c=c, f=f: c.post(
                    "/backoffice/fees/statements",
                    data={"csrf_token": f, "statement": (io.BytesIO(statement), "s.xml")},
                    content_type="multipart/form-data",
                )
                for c, f in zip(clients, forms, strict=True)
            ]
        )
    finally:
        release()
    assert len(arrived) == 2  # both had found the file not imported yet
    assert sorted(r.status_code for r in responses) == [302, 409]
    told = Page(next(r for r in responses if r.status_code == 409))
    assert "This statement has been imported already: nothing changed." in told.text
    with race_portal.app_context():
        counts = db.session.execute(
            text(
                "SELECT (SELECT count(*) FROM bank_statement),"
                " (SELECT count(*) FROM statement_entry),"
                " (SELECT count(*) FROM fee WHERE paid_on IS NOT NULL),"
                " (SELECT count(*) FROM letter WHERE kind = 'payment_received')"
            )
        ).one()
        assert tuple(counts) == (1, 3, 3, 3)
