"""Search at scale (issue 21): a letter reference or a case reference typed into the inbox's
search finds its letters by index; on PostgreSQL every part-of-a-name and reference search
(inbox person filter, letter references, people, application references, organisation names
in the back office) is answerable from a trigram index (pg_trgm). Timings at 1,000,000
letters: bench/search_scale.py."""

import pytest
from sqlalchemy import event, select, text

from portal.cases import listing, work_queue
from portal.cases.references import parse_reference
from portal.extensions import db
from portal.letters import inbox
from portal.models import Application, Letter, LetterKind, Organisation, Person
from portal.people.register import word_clause
from tests.support.auth import sign_in
from tests.support.factories import ApplicationFactory, member
from tests.support.letters import add_letter, days
from tests.support.pages import search


def subjects(page) -> list[str]:
    return [a.get_text(strip=True) for a in page.soup.select("tbody tr td:nth-of-type(2) a")]


@pytest.fixture
def letters(client):
    client.get("/language/en")
    user = member()
    organisation = user.memberships[0].organisation
    case = ApplicationFactory(organisation=organisation, reference=parse_reference("KM-2026-42"))
    add_letter(organisation, subject="First", reference="BR-7KQ2-M9XD", at=days(1))
    add_letter(organisation, subject="Second", reference="BR-7KQ2-A3BC", at=days(2))
    add_letter(
        organisation,
        subject="About the case",
        reference="BR-XY23-4567",
        application_id=case.id,
        kind=LetterKind.FEE_LETTER,
        at=days(3),
    )
    add_letter(organisation, subject="Brands", body="Our brands and trade names", at=days(4))
    other = member().memberships[0].organisation
    add_letter(other, subject="Not yours", reference="BR-7KQ2-ZZZZ", at=days(5))
    sign_in(client, user)
    return organisation


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("BR-7KQ2-M9XD", ["First"]),
        ("br-7kq2-m9xd", ["First"]),
        ("br 7kq2", ["Second", "First"]),  # the start of a reference: newest first
        ("BR-7KQ2-A", ["Second"]),
        ("km-2026-42", ["About the case"]),  # a case reference: the case's letters
        ("brands", ["Brands"]),  # a word, not a reference
    ],
)
def test_a_reference_typed_into_the_inbox_search_finds_its_letters(client, letters, q, expected):
    assert subjects(search(client, "/inbox", q=q)) == expected


def _postgres() -> bool:
    return db.session.get_bind().dialect.name == "postgresql"


def _plan(query) -> str:
    """The plan of `query` with sequential scans priced out (the test's tables are tiny):
    which index answers the search's condition. The inbox's full queries at 1,000,000
    letters, with their plans: bench/search_scale.py."""
    sent = []
    connection = db.session.connection()

    def catch(_conn, _cursor, statement, parameters, _context, _many):
        sent.append((statement, parameters))

    event.listen(connection, "before_cursor_execute", catch)
    try:
        db.session.execute(query).all()
    finally:
        event.remove(connection, "before_cursor_execute", catch)
    statement, parameters = sent[-1]
    connection.execute(text("SET LOCAL enable_seqscan = off"))
    connection.execute(text("SET LOCAL enable_indexscan = off"))  # the primary key's, here
    rows = connection.exec_driver_sql("EXPLAIN " + statement, parameters).all()
    connection.execute(text("RESET enable_seqscan"))
    connection.execute(text("RESET enable_indexscan"))
    return "\n".join(row[0] for row in rows)


def test_each_search_condition_has_its_trigram_index_on_postgresql(letters):
    if not _postgres():
        pytest.skip("trigram indexes are PostgreSQL's; SQLite keeps a bounded scan")
    assert db.session.scalar(text("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'"))
    searches = {
        "ix_letter_person_name_trgm": select(Letter.id).where(inbox.person_clause("tanak")),
        "ix_letter_reference_trgm": select(Letter.id).where(inbox.reference_clause("BR-7KQ2")),
        "ix_person_search_trgm": select(Person.id).where(word_clause("okaf")),
        "ix_application_reference_trgm": select(Application.id).where(
            listing.reference_clause("000042")
        ),
        "ix_organisation_legal_name_trgm": select(Organisation.id).where(
            work_queue.name_clause("Bright")
        ),
    }
    for index, query in searches.items():
        assert index in _plan(query), index
