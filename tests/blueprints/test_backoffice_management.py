"""Management information (backlog, past deadline, median days to decision, decisions per
week) and the process-mining event log (CSV and XES) for supervisors."""

import csv
import io
import xml.etree.ElementTree as ET
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from portal import clock
from portal.backoffice import management
from portal.cases import casework
from portal.cases import lifecycle as applications
from portal.extensions import db
from portal.models import (
    ApplicationKind,
    ApplicationStatus,
    AuditEvent,
    Category,
    StaffRole,
)
from portal.models.base import utcnow
from tests.support.auth import sign_in, staff_sign_in
from tests.support.casework import ready_to_grant
from tests.support.factories import ApplicationFactory, UserFactory, member
from tests.support.fees import pay
from tests.support.pages import get_page

XES = "{http://www.xes-standard.org/}"
URLS = (
    "/backoffice/management",
    "/backoffice/management/event-log.csv",
    "/backoffice/management/event-log.xes",
)


@pytest.fixture(autouse=True)
def english(client):
    client.get("/language/en")


# --- roles ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "expected"),
    [("reviewer", 403), ("staff_administrator", 403), ("supervisor", 200)],
)
def test_only_supervisors_see_management_information(client, role, expected):
    staff_sign_in(client, UserFactory(**{role: True}))
    for url in URLS:
        assert client.get(url, buffered=True).status_code == expected, url
    nav = get_page(client, "/backoffice/").soup.find("nav", class_="main-nav--staff")
    assert ("Management information" in nav.get_text()) == (expected == 200)


def test_a_sponsor_user_gets_a_404(client):
    sign_in(client, member())
    for url in URLS:
        assert client.get(url, buffered=True).status_code == 404, url


# --- the event log ------------------------------------------------------------------------------


@pytest.fixture
def history():
    """One recognition case through submit → request for information → reply → grant."""
    sponsor = member(legal_name="Mining B.V.", persons_employed=40)
    organisation = sponsor.memberships[0].organisation
    reviewer = UserFactory(reviewer=True)
    case = applications.start_recognition_application(organisation, Category.LABOUR, sponsor)
    applications.submit_application(case, sponsor)
    pay(case)  # the 90 days run from payment
    casework.request_information(
        case,
        reviewer,
        message="Send the annual accounts.",
        respond_by=clock.today() + timedelta(days=14),
        expected_version=case.version,
    )
    applications.receive_reply(case, sponsor, "Here they are.")
    ready_to_grant(case, reviewer)
    casework.grant(case, reviewer, "All in order.", case.version)
    db.session.flush()
    return {"case": case, "sponsor": sponsor, "reviewer": reviewer}


EXPECTED_ACTIVITIES = [
    "Application started",
    "Application submitted",
    "Information requested",
    "Reply received",
    "Granted",
]


def _csv(client, query=""):
    response = client.get(f"/backoffice/management/event-log.csv{query}", buffered=True)
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    body = response.get_data(as_text=True)
    assert body.startswith("case_id,activity,timestamp,resource,role,kind,category\r\n")
    return list(csv.DictReader(io.StringIO(body)))


def test_the_csv_event_log_has_a_cases_steps_in_order(client, history):
    case, sponsor, reviewer = history["case"], history["sponsor"], history["reviewer"]
    other = member()  # another organisation's case, still a draft: no reference, not exported
    applications.start_recognition_application(
        other.memberships[0].organisation, Category.STUDY, other
    )
    supervisor = UserFactory(supervisor=True)
    staff_sign_in(client, supervisor)

    rows = _csv(client)
    assert {row["case_id"] for row in rows} == {case.reference}
    assert [row["activity"] for row in rows] == EXPECTED_ACTIVITIES
    sponsor_id, staff_id = f"sponsor-{sponsor.id}", f"staff-{reviewer.id}"
    assert [row["resource"] for row in rows] == [
        sponsor_id,
        sponsor_id,
        staff_id,
        sponsor_id,
        staff_id,
    ]
    assert [row["role"] for row in rows] == [
        "sponsor",
        "sponsor",
        "reviewer",
        "sponsor",
        "reviewer",
    ]
    assert {(row["kind"], row["category"]) for row in rows} == {("recognition", "labour")}
    times = [datetime.fromisoformat(row["timestamp"]) for row in rows]
    assert all(moment.utcoffset() is not None for moment in times)
    assert times == sorted(times)
    # Pseudonymous: no e-mail address of anyone.
    body = "\n".join(",".join(row.values()) for row in rows)
    assert "@" not in body
    event = db.session.scalar(
        select(AuditEvent).where(
            AuditEvent.actor_id == supervisor.id, AuditEvent.action == "staff.event_log.exported"
        )
    )
    assert event.details == {"format": "csv"}


def test_the_xes_event_log_parses_and_has_the_same_events(client, history):
    staff_sign_in(client, UserFactory(supervisor=True))
    rows = _csv(client)
    response = client.get("/backoffice/management/event-log.xes", buffered=True)
    assert response.status_code == 200
    root = ET.fromstring(response.get_data())
    assert root.tag == f"{XES}log" and root.get("xes.version") == "1849-2016"
    prefixes = {e.get("prefix") for e in root.findall(f"{XES}extension")}
    assert {"concept", "time", "org"} <= prefixes

    def attributes(node):
        return {child.get("key"): child.get("value") for child in node if child.get("key")}

    traces = root.findall(f"{XES}trace")
    assert len(traces) == 1
    trace = attributes(traces[0])
    assert trace["concept:name"] == history["case"].reference
    assert (trace["kind"], trace["category"]) == ("recognition", "labour")
    events = [attributes(event) for event in traces[0].findall(f"{XES}event")]
    assert [
        (e["concept:name"], e["time:timestamp"], e["org:resource"], e["org:role"]) for e in events
    ] == [(r["activity"], r["timestamp"], r["resource"], r["role"]) for r in rows]
    for node in traces[0].iter(f"{XES}date"):
        datetime.fromisoformat(node.get("value"))


def test_the_event_log_period_selects_cases_by_submission_date(client, history):
    staff_sign_in(client, UserFactory(supervisor=True))
    today = clock.today()
    tomorrow, yesterday = today + timedelta(days=1), today - timedelta(days=1)
    assert len(_csv(client, f"?period_from={today}&period_to={today}")) == 5
    assert _csv(client, f"?period_from={tomorrow}") == []
    assert _csv(client, f"?period_to={yesterday}") == []
    response = client.get(
        f"/backoffice/management/event-log.xes?period_from={tomorrow}", buffered=True
    )
    assert ET.fromstring(response.get_data()).findall(f"{XES}trace") == []
    bad = client.get("/backoffice/management/event-log.csv?period_from=2026-13-01", buffered=True)
    assert bad.status_code == 400


def test_the_event_log_streams_in_batches_of_cases():
    """Traces stay whole across batch boundaries."""
    sponsor = member()
    organisation = sponsor.memberships[0].organisation
    references = []
    for category in (Category.LABOUR, Category.STUDY, Category.RESEARCH):
        case = applications.start_recognition_application(organisation, category, sponsor)
        applications.submit_application(case, sponsor)
        references.append(case.reference)
    traces = list(management.event_log(batch=2))
    assert [trace[0].case_id for trace in traces] == references
    assert all(
        [e.activity for e in trace] == ["Application started", "Application submitted"]
        for trace in traces
    )


# --- the figures ---------------------------------------------------------------------------


def _case(kind, status, *, deadline_in=None, took_days=None, decided_days_ago=None):
    sponsor = member()
    values = {
        "kind": kind,
        "category": Category.LABOUR,
        "status": status,
        "organisation": sponsor.memberships[0].organisation,
        "created_by": sponsor,
    }
    if status != ApplicationStatus.DRAFT:
        values["submitted_at"] = utcnow() - timedelta(days=30)
    if deadline_in is not None:
        values["decision_deadline"] = clock.today() + timedelta(days=deadline_in)
    if decided_days_ago is not None:
        decided_at = utcnow() - timedelta(days=decided_days_ago)
        values.update(decided_at=decided_at, submitted_at=decided_at - timedelta(days=took_days))
    return ApplicationFactory(**values)


@pytest.fixture
def cases():
    recognition, hsm = ApplicationKind.RECOGNITION, ApplicationKind.HSM_ENTRY
    s = ApplicationStatus
    made = [
        # Open: on time, late, clock stopped (never late), late residence; a draft does not count.
        _case(recognition, s.SUBMITTED, deadline_in=10),
        _case(recognition, s.IN_REVIEW, deadline_in=-3),
        _case(recognition, s.INFORMATION_REQUESTED, deadline_in=-5),
        _case(hsm, s.SUBMITTED, deadline_in=-1),
        _case(recognition, s.DRAFT),
        # Decided in the last 12 weeks: 10, 20, 40 days (recognition), 30 days (residence).
        _case(recognition, s.GRANTED, took_days=10, decided_days_ago=1),
        _case(recognition, s.REFUSED, took_days=20, decided_days_ago=9),
        _case(recognition, s.GRANTED, took_days=40, decided_days_ago=9),
        _case(hsm, s.GRANTED, took_days=30, decided_days_ago=20),
        # Outside the period, or not a decision.
        _case(recognition, s.GRANTED, took_days=1, decided_days_ago=200),
        _case(recognition, s.WITHDRAWN, took_days=2, decided_days_ago=2),
    ]
    return made


def test_the_figures_of_a_known_set_of_cases(cases):
    today = clock.today()
    start, end = management.default_period(today)
    assert start.weekday() == 0 and (end - start).days < 12 * 7
    figures = management.figures(today, start, end)
    rows = {row.kind: row for row in figures.kinds}
    recognition = rows[ApplicationKind.RECOGNITION]
    hsm = rows[ApplicationKind.HSM_ENTRY]
    assert (recognition.open, recognition.clock_stopped, recognition.past_deadline) == (3, 1, 1)
    assert (hsm.open, hsm.past_deadline) == (1, 1)
    assert (recognition.decided, recognition.granted, recognition.refused) == (3, 2, 1)
    assert recognition.median_days == 20.0
    assert hsm.median_days == 30.0
    assert rows[ApplicationKind.STUDENT].median_days is None
    assert (figures.totals.open, figures.totals.past_deadline) == (4, 2)
    assert figures.median_days == 25.0  # of 10, 20, 30 and 40

    assert len(figures.weeks) == 12
    per_week = {w.label: (w.granted, w.refused) for w in figures.weeks}
    expected = {}
    for case in cases[5:9]:
        year, week, _ = clock.local_date(case.decided_at).isocalendar()
        label = f"{year}-W{week:02d}"
        granted, refused = expected.get(label, (0, 0))
        if case.status == ApplicationStatus.GRANTED:
            granted += 1
        else:
            refused += 1
        expected[label] = (granted, refused)
    assert {k: v for k, v in per_week.items() if v != (0, 0)} == expected


def test_the_management_page_shows_the_figures(client, cases):
    staff_sign_in(client, UserFactory(supervisor=True))
    page = get_page(client, "/backoffice/management")
    assert page.soup.find(id="total-open").get_text(strip=True) == "4"
    assert page.soup.find(id="total-past-deadline").get_text(strip=True) == "2"
    assert page.soup.find(id="total-median").get_text(strip=True) == "25.0"
    start, end = management.default_period(clock.today())
    assert page.value("period_from") == f"{start.day}-{start.month}-{start.year}"
    assert page.value("period_to") == f"{end.day}-{end.month}-{end.year}"
    assert page.soup.find("a", href=lambda h: h and h.endswith("due=overdue"))

    # A period that holds only the 40- and 20-day decisions (9 days ago).
    day = (datetime.now(clock.AMSTERDAM) - timedelta(days=9)).date()
    page = get_page(client, f"/backoffice/management?period_from={day}&period_to={day}")
    assert page.soup.find(id="total-median").get_text(strip=True) == "30.0"
    assert page.soup.find(id="total-open").get_text(strip=True) == "4"  # the backlog is now


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ("period_from=2026-02-30", "period_from", "Enter a real date"),
        ("period_from-day=1&period_from-month=2&period_from-year=26", "period_from", "4 digits"),
        (
            "period_from=2026-03-10&period_to=2026-03-01",
            "period_to",
            "The end of the period must be on or after its start",
        ),
        (
            "period_from=2020-01-01&period_to=2026-01-01",
            "period_to",
            "Choose a period of at most three years",
        ),
        ("period_from=2001-01-01", "period_from", "Choose a period of at most three years"),
    ],
)
def test_a_wrong_period_is_told_next_to_the_field(client, query, field, message):
    staff_sign_in(client, UserFactory(supervisor=True))
    page = get_page(client, f"/backoffice/management?{query}", expected_status=400)
    assert message in page.field_error(field)
    assert page.soup.find(class_="error-summary") is not None


def test_resources_are_pseudonymous_ids_with_a_role():
    assert management.resource(None, None) == ("system", "system")
    assert management.resource(7, StaffRole.SUPERVISOR) == ("staff-7", "supervisor")
    assert management.resource(8, None) == ("sponsor-8", "sponsor")
