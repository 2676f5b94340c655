"""One truth, checked as users see it: for each combination that matters, every page that
shows the status says the same thing.

- letter kind × answered × respond-by passed → the inbox row, the inbox's "needs action"
  filter, the letter page, the case page, the dashboard's count and the to-do list;
- report kind × person state × permit window → Permits, Duties, the person's page, the
  procedures offered for a new application and the to-do list;
- case status × clock stopped → the sponsor's recognition and residence case pages, the
  dashboard and the back-office queue.
"""

from datetime import UTC, date, datetime, time, timedelta

import pytest

from portal.extensions import db
from portal.models import (
    ApplicationKind,
    ApplicationStatus,
    CaseReply,
    ClockSuspension,
    LetterKind,
    Report,
    ReportKind,
)
from tests.support.auth import sign_in, staff_sign_in
from tests.support.factories import (
    ApplicationFactory,
    LetterFactory,
    PermitFactory,
    PersonFactory,
    UserFactory,
    member,
    recognise,
)
from tests.support.pages import get_page

TODAY = date(2027, 3, 10)
SOON = TODAY + timedelta(days=7)
PASSED = TODAY - timedelta(days=3)


@pytest.fixture(autouse=True)
def english(client, move_today):
    move_today(TODAY)
    client.get("/language/en")


def at(day: date) -> datetime:
    return datetime.combine(day, time(10), tzinfo=UTC)


def sponsor():
    user = member()
    organisation = user.memberships[0].organisation
    recognise(organisation)
    return user, organisation


# --- letters: kind × answered × respond-by passed --------------------------------------------

# (name, kind, on a case (status), respond by, how answered, expected state)
LETTER_ROWS = [
    ("rfi open", "rfi", "information_requested", SOON, None, "needs_action"),
    ("rfi passed", "rfi", "information_requested", PASSED, None, "lapsed"),
    ("rfi answered", "rfi", "in_review", SOON, "portal", "answered"),
    ("rfi answered late", "rfi", "in_review", PASSED, "portal late", "answered"),
    ("rfi reply by post", "rfi", "in_review", SOON, "registered", "answered"),
    ("rfi term ran out", "rfi", "in_review", PASSED, "resumed after", "lapsed"),
    ("message open", "message", "in_review", SOON, None, "needs_action"),
    ("message passed", "message", "in_review", PASSED, None, "lapsed"),
    ("message answered", "message", "in_review", SOON, "portal", "answered"),
    ("message no case", "message", None, SOON, None, "needs_action"),
    ("message case decided", "message", "granted", SOON, None, "closed"),
    ("message asks nothing", "message", "in_review", None, None, "none"),
    ("acknowledgement", "acknowledgement", "in_review", None, None, "none"),
]


def _letter(organisation, user, reviewer, row):
    name, kind, case_status, respond_by, answered, _expected = row
    case = None
    if case_status is not None:
        case = ApplicationFactory(
            submitted=True,
            organisation=organisation,
            created_by=user,
            status=ApplicationStatus(case_status),
        )
    letter = LetterFactory(
        organisation=organisation,
        subject=name,
        application_id=case.id if case else None,
        kind={
            "rfi": LetterKind.REQUEST_FOR_INFORMATION,
            "message": LetterKind.GENERAL_MESSAGE,
            "acknowledgement": LetterKind.ACKNOWLEDGEMENT,
        }[kind],
        respond_by=respond_by,
        issued_at=at(TODAY - timedelta(days=20)),
    )
    if kind == "rfi":
        started = TODAY - timedelta(days=20)
        ended = {
            "portal": TODAY - timedelta(days=1),
            "portal late": TODAY - timedelta(days=1),
            "registered": TODAY - timedelta(days=2),
            "resumed after": TODAY - timedelta(days=1),
        }.get(answered)
        db.session.add(
            ClockSuspension(
                application_id=case.id,
                started_on=started,
                respond_by=respond_by,
                request_text=name,
                requested_by_id=reviewer.id,
                letter_id=letter.id,
                ended_on=ended,
                ended_by_id=(user if answered and "portal" in answered else reviewer).id
                if ended
                else None,
            )
        )
    if answered in ("portal", "portal late"):
        db.session.add(
            CaseReply(
                organisation_id=organisation.id,
                application_id=case.id,
                letter_id=letter.id,
                message="Here it is",
                author_id=user.id,
                created_at=at(TODAY - timedelta(days=1)),
            )
        )
    db.session.flush()
    return letter


def _shown_state(node) -> str:
    tag = node.select_one(".letter-action") if node is not None else None
    return tag["data-action"] if tag is not None else "none"


def test_letters_say_the_same_everywhere(client):
    user, organisation = sponsor()
    reviewer = UserFactory(reviewer=True)
    letters = [(row, _letter(organisation, user, reviewer, row)) for row in LETTER_ROWS]
    sign_in(client, user)

    inbox = get_page(client, "/inbox")
    to_do = {a["href"] for a in get_page(client, "/todo").soup.select("#todo-list li a")}
    filtered = get_page(client, "/inbox?needs_action=y")
    listed_as_needing_action = {
        a["href"] for a in filtered.soup.select("table.inbox a[href^='/inbox/']")
    }
    for row, letter in letters:
        name, expected = row[0], row[-1]
        link = inbox.soup.find("a", href=f"/inbox/{letter.id}")
        assert _shown_state(link.find_parent("tr")) == expected, (name, "inbox list")
        assert (f"/inbox/{letter.id}" in listed_as_needing_action) == (
            expected == "needs_action"
        ), (name, "inbox filter")
        assert (f"/inbox/{letter.id}" in to_do) == (expected == "needs_action"), (name, "to do")
        page = get_page(client, f"/inbox/{letter.id}")
        assert _shown_state(page.soup.find(id="letter-action")) == expected, (name, "letter")
        if letter.application_id is not None:
            case = get_page(client, f"/applications/{letter.application_id}")
            item = case.soup.select_one(f"#letters a[href='/inbox/{letter.id}']").find_parent("li")
            assert _shown_state(item) == expected, (name, "case page")
        if expected == "answered":
            assert "Answered on" in page.soup.find(id="letter-action").get_text()

    needing = sum(1 for row in LETTER_ROWS if row[-1] == "needs_action")
    dashboard = get_page(client, "/dashboard")
    assert f"{needing} letters need action" in dashboard.soup.find(id="needs-action-count").text


# --- people: report kind × person state × permit window -----------------------------------

WINDOWS = {  # permit end date → its state by the dates alone (3-month window, today 10 March)
    "valid": date(2028, 1, 1),
    "extension": date(2027, 4, 30),
    "expired": date(2027, 3, 1),
}
# (report kind, a new permit recorded after the report?, expected person state)
PERSON_ROWS = [
    (None, False, "current"),
    (ReportKind.JOB_CHANGED, False, "current"),
    (ReportKind.EMPLOYMENT_ENDED, False, "stay_ended"),
    (ReportKind.EMPLOYMENT_NOT_STARTED, False, "stay_ended"),
    (ReportKind.LEFT_NETHERLANDS, False, "left"),
    (ReportKind.EMPLOYMENT_ENDED, True, "current"),
]
FILED_ON = date(2027, 2, 20)
ENDING_WORDS = {
    ReportKind.EMPLOYMENT_ENDED: "employment ended",
    ReportKind.EMPLOYMENT_NOT_STARTED: "employment did not start",
}


def _person(organisation, user, report_kind, renewed, window, n):
    person = PersonFactory(organisation=organisation, surname=f"Row{n}")
    PermitFactory(person=person, starts_on=date(2024, 1, 1), ends_on=WINDOWS[window])
    if report_kind is not None:
        db.session.add(
            Report(
                organisation_id=organisation.id,
                kind=report_kind,
                category=person.category,
                person_id=person.id,
                event_date=date(2027, 2, 15),
                filed_on=FILED_ON,
                due_on=date(2027, 3, 15),
                filed_by_id=user.id,
            )
        )
    if renewed:  # a new permit starting after the reported event: sponsored again
        PermitFactory(person=person, starts_on=date(2027, 3, 1), ends_on=WINDOWS[window])
    db.session.flush()
    return person


def test_a_persons_state_is_the_same_on_every_page(client):
    user, organisation = sponsor()
    rows = []
    for report_kind, renewed, expected in PERSON_ROWS:
        for window in WINDOWS:
            person = _person(organisation, user, report_kind, renewed, window, len(rows))
            rows.append((report_kind, renewed, window, expected, person))
    sign_in(client, user)
    permits = get_page(client, "/permits")
    duties = get_page(client, "/duties")
    to_do = {a["href"] for a in get_page(client, "/todo").soup.select("#todo-list li a")}
    duty_rows = {
        tr.find("a").get_text(): tr.get_text(" ", strip=True)
        for tr in duties.soup.select("#extensions tbody tr")
    }
    for report_kind, renewed, window, expected, person in rows:
        label = (report_kind, renewed, window)
        ended = expected != "current"
        permit_row = permits.soup.find("a", href=f"/people/{person.id}").find_parent("tr")
        state_cell, action_cell = permit_row.find_all("td")[3:5]
        assert ("Ended (reported on 20 February 2027)" in state_cell.text) == ended, label
        offers_extension = "Apply for an extension" in action_cell.text
        assert offers_extension == (window == "extension" and not ended), label

        # The to-do list: an extension to apply for, or the end of the stay to report.
        assert (f"/people/{person.id}" in to_do) == (window == "extension" and not ended), label
        reported = f"/reports/new?person={person.id}" in to_do
        assert reported == (window == "expired" and not ended), label

        duty = duty_rows.get(person.full_name)
        assert (duty is not None) == (window != "valid"), label
        if duty is not None:
            assert ("Ended (reported on 20 February 2027)" in duty) == ended, label
            if ended:
                assert "Done" in duty, label

        page = get_page(client, f"/people/{person.id}")
        shown = page.soup.select_one("#person-state .person-state")
        assert (shown["data-state"] if shown else "current") == expected, label
        if expected == "stay_ended":  # which report ended it, in the page's words
            kind = ENDING_WORDS[report_kind]
            assert f"ended on 15 February 2027 ({kind})" in page.text, label
        assert ("Ended (reported on" in page.soup.find(id="permit").text) == ended, label

        start = get_page(client, f"/applications/residence/new?person={person.id}")
        offered = {
            node["value"]
            for node in start.soup.select("input[name=kind]")
            if not node.has_attr("disabled")
        }
        assert ("hsm_extension" in offered) == (expected == "current"), label
        assert ("hsm_change_employer" in offered) == (expected != "left"), label
        assert "hsm_entry" in offered, label


def test_an_extension_for_a_person_whose_stay_ended_is_refused_with_the_reason(client):
    user, organisation = sponsor()
    person = _person(organisation, user, ReportKind.EMPLOYMENT_ENDED, False, "extension", 0)
    sign_in(client, user)
    page = get_page(client, f"/applications/residence/new?person={person.id}")
    response = client.post(
        "/applications/residence/new",
        data={"csrf_token": page.csrf(), "kind": "hsm_extension", "person": person.id},
    )
    assert response.status_code == 400
    assert "the stay under your sponsorship ended" in response.get_data(as_text=True)
    assert ApplicationKind.HSM_EXTENSION not in {
        a.kind for a in db.session.scalars(db.select(ApplicationFactory._meta.model))
    }


# --- cases: status × clock stopped -------------------------------------------------------

# (kind, status, clock stopped?)
CASE_ROWS = [
    ("recognition", "submitted", False),
    ("recognition", "in_review", False),
    ("recognition", "information_requested", True),
    ("recognition", "granted", False),
    ("hsm_residence", "in_review", False),
    ("hsm_residence", "information_requested", True),
    ("hsm_residence", "refused", False),
]


def test_the_clock_reads_the_same_on_every_page(client, app):
    user, organisation = sponsor()
    reviewer = UserFactory(reviewer=True)
    cases = []
    for kind, status, stopped in CASE_ROWS:
        case = ApplicationFactory(
            submitted=True,
            organisation=organisation,
            created_by=user,
            kind=ApplicationKind(kind),
            status=ApplicationStatus(status),
            days_left=40,
            decided_at=at(TODAY) if status in ("granted", "refused") else None,
        )
        if kind != "recognition":
            case.snapshot = {**case.snapshot, "answers": {}}
        if stopped:
            db.session.add(
                ClockSuspension(
                    application_id=case.id,
                    started_on=TODAY - timedelta(days=5),
                    respond_by=TODAY + timedelta(days=9),
                    request_text="Send the contract",
                    requested_by_id=reviewer.id,
                )
            )
        cases.append((kind, status, stopped, case))
    db.session.flush()
    sign_in(client, user)
    dashboard = get_page(client, "/dashboard")
    for kind, status, stopped, case in cases:
        label = (kind, status)
        page = get_page(client, f"/applications/{case.id}")
        deadline = page.soup.find(id="deadline")
        if status in ("granted", "refused"):
            assert deadline is None, label
        else:
            text = deadline.get_text(" ", strip=True)
            assert ("Clock stopped since 5 March 2027, respond by 19 March 2027" in text) == (
                stopped
            ), label
            assert ("40 days left" in text) == (not stopped), label
        row = dashboard.soup.find("a", href=f"/applications/{case.id}").find_parent("tr")
        assert ("Clock stopped since" in row.text) == stopped, label

    client.post("/sign-out", data={"csrf_token": dashboard.csrf()})
    staff_sign_in(client, reviewer)
    queue = get_page(client, "/backoffice/")
    for kind, status, stopped, case in cases:
        link = queue.soup.find("a", href=f"/backoffice/cases/{case.id}")
        assert (link is not None) == (status not in ("granted", "refused")), (kind, status)
        if link is not None:
            cells = link.find_parent("tr").get_text(" ", strip=True)
            assert ("Clock stopped" in cells) == stopped, (kind, status)
