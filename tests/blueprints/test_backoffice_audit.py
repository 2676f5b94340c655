"""The audit trail: append-only in the ORM and in the database (SQLite and PostgreSQL), staff
views on record, and the audit log search and export for supervisors and administrators."""

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from portal import audit, clock
from portal.audit import AuditAction
from portal.extensions import db
from portal.models import AuditEvent, AuditImmutable, ChangeReport, Document
from tests.support.auth import sign_in, staff_sign_in
from tests.support.casework import submitted_case
from tests.support.factories import UserFactory, member
from tests.support.pages import get_page


@pytest.fixture(autouse=True)
def english(client):
    client.get("/language/en")


def _event(action="test.event", **values) -> AuditEvent:
    event = AuditEvent(action=action, **values)
    db.session.add(event)
    db.session.flush()
    return event


def actions_of(user) -> list[str]:
    return list(
        db.session.scalars(
            select(AuditEvent.action).where(AuditEvent.actor_id == user.id).order_by(AuditEvent.id)
        )
    )


# --- append-only ---------------------------------------------------------------------------


def test_an_action_outside_the_enum_is_refused():
    with pytest.raises(ValueError, match="not a valid AuditAction"):
        audit.record("person.renamed")


def test_the_orm_refuses_to_change_or_delete_an_audit_event():
    event = audit.record(AuditAction.PERSON_CHANGED, details={"n": 1})
    db.session.flush()
    event.action = "test.rewritten"
    with pytest.raises(AuditImmutable):
        db.session.flush()
    db.session.rollback()

    event = audit.record(AuditAction.PERSON_CHANGED)
    db.session.flush()
    db.session.delete(event)
    with pytest.raises(AuditImmutable):
        db.session.flush()


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_event SET action = 'test.rewritten' WHERE id = :id",
        "DELETE FROM audit_event WHERE id = :id",
    ],
)
def test_the_database_refuses_to_change_or_delete_an_audit_event(statement):
    """Raw SQL, past the ORM: the trigger refuses, on SQLite and on PostgreSQL."""
    event = _event("test.written")
    savepoint = db.session.begin_nested()
    with pytest.raises(DBAPIError, match="append-only"):
        db.session.execute(text(statement), {"id": event.id})
    savepoint.rollback()
    assert db.session.scalar(select(AuditEvent.action).where(AuditEvent.id == event.id)) == (
        "test.written"
    )


# --- staff views are on record -----------------------------------------------------------------


def test_every_staff_view_of_a_case_or_an_organisation_is_recorded(client):
    case = submitted_case()
    organisation = case.organisation
    document = Document(
        organisation_id=organisation.id,
        filename="accounts.pdf",
        content_type="application/pdf",
        size_bytes=4,
        content=b"%PDF",
        uploaded_by_id=case.created_by_id,
    )
    report = ChangeReport(
        organisation_id=organisation.id,
        changes={"legal_name": {"old": organisation.legal_name, "new": "Renamed B.V."}},
        explanation="renamed",
        submitted_by_id=case.created_by_id,
    )
    db.session.add_all([document, report])
    db.session.flush()
    reviewer = UserFactory(reviewer=True)
    staff_sign_in(client, reviewer)

    get_page(client, f"/backoffice/cases/{case.id}")
    get_page(client, f"/backoffice/cases/{case.id}/replies")
    assert client.get(f"/backoffice/documents/{document.id}").status_code == 200
    get_page(client, f"/backoffice/organisations/{organisation.id}")
    get_page(client, f"/backoffice/change-reports/{report.id}")

    events = db.session.scalars(
        select(AuditEvent).where(AuditEvent.actor_id == reviewer.id).order_by(AuditEvent.id)
    ).all()
    seen = [(e.action, e.target_type, e.target_id, e.organisation_id) for e in events]
    assert seen[-5:] == [
        ("staff.case.viewed", "application", case.id, organisation.id),
        ("staff.case_replies.viewed", "application", case.id, organisation.id),
        ("staff.document.viewed", "document", document.id, organisation.id),
        ("staff.organisation.viewed", "organisation", organisation.id, organisation.id),
        ("staff.change_report.viewed", "change_report", report.id, organisation.id),
    ]


# --- the audit log search --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "expected"),
    [("reviewer", 403), ("supervisor", 200), ("staff_administrator", 200)],
)
def test_supervisors_and_administrators_search_the_log_reviewers_do_not(client, role, expected):
    staff_sign_in(client, UserFactory(**{role: True}))
    assert client.get("/backoffice/audit").status_code == expected
    assert client.get("/backoffice/audit.csv", buffered=True).status_code == expected
    nav = get_page(client, "/backoffice/").soup.find("nav", class_="main-nav--staff")
    assert ("Audit log" in nav.get_text()) == (expected == 200)


def test_a_sponsor_user_never_sees_the_audit_log(client):
    sign_in(client, member())
    assert client.get("/backoffice/audit").status_code == 404
    assert client.get("/backoffice/audit.csv", buffered=True).status_code == 404


@pytest.fixture
def world():
    """Two organisations, two actors, events at known times."""
    alice = UserFactory(email="alice.reviewer@ind.example", reviewer=True)
    bob = member(legal_name="Bakkerij Bob B.V.", kvk_number="55501234")
    bob_org = bob.memberships[0].organisation
    other = member(legal_name="Other Org B.V.", kvk_number="66601234")
    other_org = other.memberships[0].organisation
    case = submitted_case()
    day = datetime(2026, 3, 10, 11, 0, tzinfo=UTC)
    events = {
        "a1": _event(
            "staff.case.viewed",
            actor_id=alice.id,
            organisation_id=bob_org.id,
            target_type="application",
            target_id=case.id,
            occurred_at=day,
        ),
        "a2": _event(
            "application.granted",
            actor_id=alice.id,
            organisation_id=other_org.id,
            details={"reason": "fine"},
            occurred_at=day + timedelta(days=5),
        ),
        "b1": _event(
            "application.submitted",
            actor_id=bob.id,
            organisation_id=bob_org.id,
            occurred_at=day + timedelta(days=20),
        ),
    }
    return {"alice": alice, "bob": bob, "case": case, "events": events}


def _shown(page) -> list[str]:
    return [row.find_all("td")[2].get_text(strip=True) for row in page.soup.select("tbody tr")]


def _search(client, expected_status=200, **args):
    """Search as a person does: the form is posted, the page follows the redirect (the actor's
    e-mail address behind a filter token, never in the URL)."""
    token = get_page(client, "/backoffice/audit").csrf()
    response = client.post("/backoffice/audit", data={"csrf_token": token, **args})
    assert response.status_code == 302
    location = response.headers["Location"]
    assert "actor" not in location and "@" not in location
    return get_page(client, location, expected_status=expected_status)


def test_the_log_is_searched_by_actor_organisation_action_and_period(client, world):
    supervisor = UserFactory(supervisor=True)
    staff_sign_in(client, supervisor)
    period = {"period_from": "2026-03-01", "period_to": "2026-03-31"}

    page = _search(client, actor="alice.reviewer", **period)
    assert _shown(page) == ["Application granted", "Case viewed by staff"]  # newest first
    first = page.soup.select("tbody tr")[1].get_text(" ", strip=True)
    assert "alice.reviewer@ind.example" in first and "Bakkerij Bob B.V. (55501234)" in first
    assert f"application {world['case'].reference}" in first

    assert _shown(_search(client, organisation="55501234", **period)) == [
        "Application submitted",
        "Case viewed by staff",
    ]
    assert _shown(_search(client, organisation="bakkerij", **period)) == [
        "Application submitted",
        "Case viewed by staff",
    ]
    assert _shown(_search(client, action="application.granted", **period)) == [
        "Application granted"
    ]
    # The period is in Amsterdam dates, both ends inclusive.
    assert _shown(_search(client, period_from="2026-03-15", period_to="2026-03-15")) == [
        "Application granted"
    ]
    assert _shown(_search(client, actor="alice", organisation="Other")) == ["Application granted"]
    assert "No events match." in _search(client, actor="nobody@nowhere").text
    # A LIKE wildcard is searched as itself.
    assert "No events match." in _search(client, actor="%", **period).text

    searched = [  # (opening the page to search is on record too, without a filter)
        event
        for event in db.session.scalars(
            select(AuditEvent).where(
                AuditEvent.actor_id == supervisor.id, AuditEvent.action == "staff.audit.searched"
            )
        )
        if event.details
    ]
    assert searched[-2].details == {"actor": "nobody@nowhere"}
    assert searched[-1].details == {"actor": "%", "from": "2026-03-01", "to": "2026-03-31"}


@pytest.mark.parametrize(
    ("args", "field", "message"),
    [
        ({"period_from": "2026-02-30"}, "period_from", "Enter a real date"),
        # Typed in the three boxes, one left empty: the boxes travel as one value in the URL.
        (
            {"period_to-day": "29", "period_to-month": "", "period_to-year": "2026"},
            "period_to",
            "Enter the month",
        ),
        (
            {"period_from": "2026-03-10", "period_to": "2026-03-01"},
            "period_to",
            "The end of the period must be on or after its start",
        ),
    ],
)
def test_impossible_dates_and_a_reversed_period_are_told_next_to_the_field(
    client, args, field, message
):
    staff_sign_in(client, UserFactory(supervisor=True))
    # The page's links carry a date typed in boxes as one day-month-year value (filter_tokens).
    carried = {"period_to": "29--2026"} if "period_to-day" in args else args
    query = "&".join(f"{k}={v}" for k, v in carried.items())
    page = _search(client, expected_status=400, actor="someone", **args)
    assert message in page.field_error(field)
    assert page.soup.find(class_="error-summary") is not None
    assert page.value("actor") == "someone"
    assert client.get(f"/backoffice/audit.csv?{query}", buffered=True).status_code == 400


def test_pages_go_back_in_time_by_keyset_without_gaps_or_repeats(client):
    base = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)
    made = [_event("person.restored", occurred_at=base + timedelta(minutes=i)) for i in range(55)]
    # Two events at the very same moment: the id breaks the tie.
    made.append(_event("person.restored", occurred_at=made[20].occurred_at))
    staff_sign_in(client, UserFactory(staff_administrator=True))

    page = get_page(client, "/backoffice/audit?action=person.restored")
    assert len(page.soup.select("tbody tr")) == 50
    older = page.soup.find("a", rel="next")["href"]
    second = get_page(client, older)
    assert len(second.soup.select("tbody tr")) == 6
    assert second.soup.find("a", rel="next") is None
    assert second.soup.find("a", string="Newest events") is not None

    expected = sorted(made, key=lambda e: (e.occurred_at, e.id), reverse=True)
    exported = client.get("/backoffice/audit.csv?action=person.restored", buffered=True).get_data(
        as_text=True
    )
    rows = list(csv.DictReader(io.StringIO(exported.lstrip("\ufeff"))))
    assert len(rows) == 56
    times = [datetime.fromisoformat(row["occurred_at"]) for row in rows]
    assert times == [e.occurred_at for e in expected]


def test_a_malformed_cursor_starts_from_the_newest(client):
    _event("person.archived")
    staff_sign_in(client, UserFactory(supervisor=True))
    page = get_page(client, "/backoffice/audit?action=person.archived&after=x.y")
    assert _shown(page) == ["Person archived"]


def test_the_export_is_safe_to_open_in_a_spreadsheet(client):
    sponsor = member(legal_name='=HYPERLINK("http://evil.example")', kvk_number="77701234")
    organisation = sponsor.memberships[0].organisation
    _event(
        "person.created",
        actor_id=sponsor.id,
        organisation_id=organisation.id,
        details={"note": "@SUM(1)"},
        ip_address="192.0.2.1",
        occurred_at=datetime(2026, 1, 5, 9, 30, tzinfo=UTC),
    )
    supervisor = UserFactory(supervisor=True)
    staff_sign_in(client, supervisor)
    response = client.get(
        "/backoffice/audit.csv?action=person.created&organisation=77701234", buffered=True
    )
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    body = response.get_data(as_text=True)
    assert body.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(body.lstrip("\ufeff"))))
    assert len(rows) == 1
    row = rows[0]
    assert row["organisation"] == '\'=HYPERLINK("http://evil.example")'
    assert row["actor_email"] == sponsor.email and row["actor_role"] == "sponsor"
    assert row["occurred_at"] == "2026-01-05T10:30:00+01:00"
    assert row["details"] == '{"note": "@SUM(1)"}'
    assert row["ip_address"] == "192.0.2.1"
    assert actions_of(supervisor)[-1] == "staff.audit.exported"


def test_the_search_form_is_labelled_and_keeps_what_was_typed(client):
    staff_sign_in(client, UserFactory(supervisor=True))
    today = clock.today().isoformat()
    page = get_page(client, f"/backoffice/audit?organisation=Acme&period_to={today}")
    for field in ("actor", "organisation", "action"):
        assert page.soup.find("label", attrs={"for": field}) is not None
    for field in ("period_from", "period_to"):  # a date: a legend and three labelled boxes
        assert page.soup.select_one(f"fieldset#{field} legend") is not None
        for part in ("day", "month", "year"):
            assert page.soup.find("label", attrs={"for": f"{field}-{part}"}) is not None
    assert page.value("organisation") == "Acme"
    assert page.value("period_to") == "-".join(reversed(today.split("-")))


@pytest.mark.parametrize(
    ("language", "shown"),
    [("en", "4 December 2026, 18:40"), ("nl", "4 december 2026, 18:40")],
)
def test_moments_are_shown_in_one_format_per_language_in_amsterdam(client, language, shown):
    supervisor = UserFactory(supervisor=True)
    with clock.at(datetime(2026, 12, 4, 17, 40, tzinfo=UTC)):  # 18:40 in Amsterdam (CET)
        audit.record(AuditAction.USER_SIGNED_OUT_EVERYWHERE, actor=supervisor, target=supervisor)
        db.session.flush()  # the moment is written at the flush
    db.session.commit()
    client.get(f"/language/{language}")
    staff_sign_in(client, supervisor)
    page = get_page(client, "/backoffice/audit")
    assert shown in page.soup.find("main").get_text(" ")
    assert "04/12/2026" not in page.text
