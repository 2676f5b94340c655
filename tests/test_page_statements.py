"""The sponsor's everyday pages are cheap (issue 20): a bounded number of SQL statements, none
of them a write, and none while the template renders (a lazy load in a template is a query per
row). Counted with SQLAlchemy's before_cursor_execute on the engine, per request."""

import re
from contextlib import contextmanager
from datetime import timedelta

import pytest
from flask import before_render_template, template_rendered
from sqlalchemy import event

from portal import clock
from portal.extensions import db
from portal.models import ApplicationStatus, Category, OrgRole
from tests.support.appointments import granted_case
from tests.support.auth import act_under_mandate, sign_in
from tests.support.factories import (
    ApplicationFactory,
    MandateFactory,
    MembershipFactory,
    PermitFactory,
    PersonFactory,
    member,
    recognise,
)
from tests.support.letters import add_letter, days
from tests.support.pages import get_page

# Transaction control is not a statement of the page (SQLite: BEGIN IMMEDIATE per transaction).
CONTROL = re.compile(r"^\s*(BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE)\b", re.IGNORECASE)
WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE|CREATE|DROP|ALTER)\b", re.IGNORECASE)
# Issue 20: session with user and organisation, to-do items, page rows, counters.
MOST = 4
# A PDF download: the session, then the letter joined with its stored PDF (one statement).
MOST_FOR = {"PDF download": 2}
# The dashboard's to-do list is one of them: every provider's query goes to the database in one
# UNION ALL (portal/todo/statement.py).
# The organisation here has letters to answer, a draft, a person who needs a desk visit, a
# permit in its extension window, one expired (a report to file) and a fee to pay: each kind is
# read in that statement, its rule applied to the facts read there (the people's states, the
# extension duty, the fee's state, the case clock of a late decision, the study-progress check
# of an organisation recognised for study). No kind reads anything of its own.


@contextmanager
def recorded(app):
    """Statements of the requests made inside: [(statement, during_render)]."""
    seen: list[tuple[str, bool]] = []
    rendering = []

    def statement(_conn, _cursor, text, _parameters, _context, _many):
        if not CONTROL.match(text):
            seen.append((" ".join(text.split()), bool(rendering)))

    def started(_sender, **_extra):
        rendering.append(True)

    def finished(_sender, **_extra):
        rendering.pop()

    engine = db.engine
    event.listen(engine, "before_cursor_execute", statement)
    before_render_template.connect(started, app)
    template_rendered.connect(finished, app)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", statement)
        before_render_template.disconnect(started, app)
        template_rendered.disconnect(finished, app)


@pytest.fixture
def signed_in(client):
    """An administrator of an organisation with 30 letters (some to answer), a draft, and one of
    each to-do kind read in the one statement."""
    user = member(OrgRole.ADMINISTRATOR)
    organisation = user.memberships[0].organisation
    today = clock.today()
    for number in range(30):
        add_letter(
            organisation,
            subject=f"Letter {number}",
            at=days(number),
            respond_by=today + timedelta(days=10) if number % 10 == 0 else None,
        )
    ApplicationFactory(organisation=organisation, status=ApplicationStatus.DRAFT)
    granted_case(organisation, surname="Visit")  # a granted case that needs biometrics
    window = PersonFactory(organisation=organisation, given_names="Wanda", surname="Window")
    PermitFactory(person=window, ends_on=today + timedelta(days=30))
    ended = PersonFactory(organisation=organisation, given_names="Ezra", surname="Expired")
    PermitFactory(person=ended, ends_on=today - timedelta(days=10))
    ApplicationFactory(organisation=organisation, submitted=True, fee=False)  # a fee to pay
    ApplicationFactory(organisation=organisation, submitted=True, days_left=-3)  # decision late
    recognise(organisation, Category.STUDY)  # the yearly study-progress check applies
    db.session.commit()
    sign_in(client, user)
    client.get("/language/en")
    return client


def pages(client) -> dict[str, str]:
    inbox = get_page(client, "/inbox")
    older = inbox.soup.find("a", rel="next")
    assert older is not None, "the inbox has a second page"
    letter = inbox.soup.select_one("table.inbox a[href^='/inbox/']")["href"]
    get_page(client, letter)  # the letter page marks it read, as a user would open it
    return {
        "dashboard": "/dashboard",
        "inbox": "/inbox",
        "inbox, deep page": older["href"],
        "PDF download": f"{letter}/pdf",
    }


@pytest.mark.parametrize("name", ["dashboard", "inbox", "inbox, deep page", "PDF download"])
def test_the_sponsors_pages_read_little_and_write_nothing(app, signed_in, name):
    path = pages(signed_in)[name]
    if name == "dashboard":  # its to-do list has the kinds read in the one statement
        text = get_page(signed_in, path).text
        assert "book a desk visit for" in text and "Visit" in text
        assert "Apply for an extension for Wanda Window" in text
        assert "Report the end of the stay of Ezra Expired" in text
        assert "Fee €" in text and "pay by" in text
        assert "is late: you can send a notice of default" in text
        assert "Declare the yearly study-progress check" in text
    signed_in.get(path)  # once before: what a first visit stores (the CSRF token) is stored
    with recorded(app) as seen:
        response = signed_in.get(path)
    assert response.status_code == 200
    statements = [text for text, _rendering in seen]
    writes = [text for text in statements if WRITE.match(text)]
    assert writes == [], f"{name} writes: {writes}"
    listed = "\n".join(text[:120] for text in statements)
    assert len(statements) <= MOST_FOR.get(name, MOST), f"{name}: {len(statements)}:\n{listed}"
    lazy = [text for text, rendering in seen if rendering]
    assert lazy == [], f"{name} queries while its template renders (a lazy load?): {lazy}"
    assert "Set-Cookie" not in response.headers  # nothing in the session changed either


def test_only_pages_counted_here_read_without_the_write_lock(app, signed_in):
    """On SQLite these pages begin their transaction DEFERRED (portal/setup.py): each must be
    one this module proves writes nothing."""
    from portal.setup import READ_ONLY_ENDPOINTS

    adapter = app.url_map.bind("localhost")
    counted = {adapter.match(path.split("?")[0])[0] for path in pages(signed_in).values()}
    assert counted == READ_ONLY_ENDPOINTS


def test_the_counter_notices_a_write_and_a_query_during_rendering(app, signed_in):
    """The listener sees what it must: the letter page marks an unread letter read (a write),
    and a template that loads a relationship queries while it renders."""
    letter = get_page(signed_in, "/inbox").soup.select("table.inbox a[href^='/inbox/']")[-1]
    with recorded(app) as seen:
        assert signed_in.get(letter["href"]).status_code == 200
    assert any(WRITE.match(text) for text, _rendering in seen)

    from flask import render_template_string

    from portal.models import Organisation

    with app.test_request_context(), recorded(app) as seen:
        organisation = db.session.scalar(db.select(Organisation).limit(1))
        render_template_string("{{ organisation.memberships | length }}", organisation=organisation)
    assert [rendering for _text, rendering in seen] == [False, True]


def test_an_intermediarys_dashboard_for_a_sponsor_reads_as_little(app, client):
    """Acting under a mandate, the dashboard reads the sponsor's list in the same statements,
    plus one: the mandate acted under, with the sponsor and its recognitions (the session's
    statement loads the user's own organisations)."""
    sponsor = member().memberships[0].organisation
    recognise(sponsor)
    recognise(sponsor, Category.STUDY)
    worker = PersonFactory(organisation=sponsor, given_names="Wim", surname="Worker")
    PermitFactory(person=worker, ends_on=clock.today() + timedelta(days=30))
    mandate = MandateFactory(sponsor=sponsor, categories=["labour", "study"])
    membership = MembershipFactory(organisation=mandate.intermediary)
    db.session.refresh(membership.user)
    db.session.commit()
    sign_in(client, membership.user)
    client.get("/language/en")
    act_under_mandate(client, mandate)
    text = get_page(client, "/dashboard").text
    assert "Apply for an extension for Wim Worker" in text
    assert "Declare the yearly study-progress check" in text
    with recorded(app) as seen:
        assert client.get("/dashboard").status_code == 200
    statements = [text for text, _rendering in seen]
    listed = "\n".join(text[:120] for text in statements)
    assert len(statements) <= MOST + 1, f"{len(statements)}:\n{listed}"
    assert not any(WRITE.match(text) for text in statements)
