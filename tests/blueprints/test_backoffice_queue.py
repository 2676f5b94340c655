"""The work queue: deadline order, filters, days left, penalty exposure; claim and assign;
two staff acting on one case at once."""

from datetime import timedelta

import pytest

from portal import clock
from portal.extensions import db
from portal.models import Application, ApplicationKind, ApplicationStatus, AuditEvent, StatusEvent
from tests.support.auth import staff_sign_in
from tests.support.casework import act, submit, submitted_case
from tests.support.factories import UserFactory
from tests.support.pages import Page, get_page


@pytest.fixture(autouse=True)
def english(client):
    client.get("/language/en")


def queue_rows(client, query=""):
    page = get_page(client, f"/backoffice/{query}")
    return [row.find_all("td")[1].get_text(strip=True) for row in page.soup.select("tbody tr")]


def test_filters_by_due_date_category_status_and_assignee(client):
    reviewer = UserFactory(reviewer=True)
    submitted_case(days_left=40, legal_name="Later B.V.")
    submitted_case(days_left=10, legal_name="At Risk B.V.", category="study")
    submitted_case(days_left=-3, legal_name="Overdue B.V.")
    mine = submitted_case(days_left=60, legal_name="Mine B.V.")
    mine.assigned_to_id = reviewer.id
    mine.status = ApplicationStatus.IN_REVIEW
    waiting = submitted_case(days_left=-20, legal_name="Waiting B.V.")
    waiting.status = ApplicationStatus.INFORMATION_REQUESTED
    decided = submitted_case(days_left=5, legal_name="Decided B.V.")
    decided.status = ApplicationStatus.GRANTED
    db.session.flush()
    staff_sign_in(client, reviewer)

    assert queue_rows(client) == [
        "Waiting B.V.",
        "Overdue B.V.",
        "At Risk B.V.",
        "Later B.V.",
        "Mine B.V.",
    ]
    # A case whose clock is stopped is neither overdue nor at risk.
    assert queue_rows(client, "?due=overdue") == ["Overdue B.V."]
    assert queue_rows(client, "?due=at_risk") == ["At Risk B.V."]
    assert queue_rows(client, "?category=study") == ["At Risk B.V."]
    assert queue_rows(client, "?status=in_review") == ["Mine B.V."]
    assert queue_rows(client, "?assigned=me") == ["Mine B.V."]
    assert "Mine B.V." not in queue_rows(client, "?assigned=unassigned")
    assert queue_rows(client, "?kind=recognition&due=overdue") == ["Overdue B.V."]


@pytest.mark.parametrize(
    "query", ["?due=soon", "?category=%00", "?status=granted", "?kind=x" * 50, "?assigned[]=1"]
)
def test_bad_filters_are_told_never_an_error(client, query):
    submitted_case(legal_name="Any B.V.")
    staff_sign_in(client, UserFactory(reviewer=True))
    response = client.get(f"/backoffice/{query}")
    assert response.status_code in (200, 400)
    if response.status_code == 400:
        text = Page(response).text
        # A NUL byte is refused before the form sees it (PostgreSQL cannot hold one).
        assert "There is a problem" in text or "(a NUL byte)" in text


def test_overdue_cases_show_days_and_penalty_exposure(client):
    # 20 days overdue: a notice the day after the deadline → penalty from day 15 after it,
    # so 5 days at €23 = €115; the legal maximum is 14×23 + 14×35 + 14×45 = €1,442.
    submitted_case(days_left=-20, legal_name="Late B.V.")
    submitted_case(days_left=-2, legal_name="Just Late B.V.")
    staff_sign_in(client, UserFactory(reviewer=True))
    rows = get_page(client, "/backoffice/").soup.select("tbody tr")
    late = rows[0].get_text(" ", strip=True)
    assert "20 days overdue" in late
    assert "€115.00 so far, up to €1,442.00" in late
    assert "€0.00 so far, up to €1,442.00" in rows[1].get_text(" ", strip=True)


def test_a_reviewer_claims_a_case_once(client, app):
    case = submitted_case()
    first = UserFactory(reviewer=True)
    staff_sign_in(client, first)
    other = app.test_client()
    other.get("/language/en")
    staff_sign_in(other, UserFactory(reviewer=True))
    stale = get_page(other, f"/backoffice/cases/{case.id}")

    assert act(client, case, "/claim").status_code == 302
    case = db.session.get(Application, case.id)
    assert (case.assigned_to_id, case.status) == (first.id, ApplicationStatus.IN_REVIEW)
    # The second reviewer's claim button was shown before: told, nothing overwritten.
    page = Page(submit(other, stale, "/claim", follow_redirects=True))
    assert "Someone else changed this case" in page.text
    assert db.session.get(Application, case.id).assigned_to_id == first.id
    assert queue_rows(client, "?assigned=me") == [case.organisation.legal_name]
    events = db.session.scalars(
        db.select(StatusEvent.to_status).where(StatusEvent.application_id == case.id)
    ).all()
    assert events == [ApplicationStatus.IN_REVIEW]
    assert db.session.scalar(
        db.select(AuditEvent).where(
            AuditEvent.action == "application.claimed", AuditEvent.actor_id == first.id
        )
    )


def test_a_supervisor_assigns_and_reassigns(client):
    case = submitted_case()
    supervisor = UserFactory(supervisor=True)
    anna = UserFactory(reviewer=True, name="Anna Reviewer")
    bert = UserFactory(reviewer=True, name="Bert Reviewer")
    UserFactory(staff_administrator=True, name="Admin Only")
    staff_sign_in(client, supervisor)
    page = get_page(client, f"/backoffice/cases/{case.id}")
    options = [o.get_text() for o in page.soup.select("#assign-assignee option")]
    assert any("Anna Reviewer" in o for o in options)
    assert not any("Admin Only" in o for o in options)

    assert act(client, case, "/assign", **{"assign-assignee": str(anna.id)}).status_code == 302
    assert db.session.get(Application, case.id).assigned_to_id == anna.id
    assert act(client, case, "/assign", **{"assign-assignee": str(bert.id)}).status_code == 302
    assert db.session.get(Application, case.id).assigned_to_id == bert.id
    # Not a choice on the list → told at the field.
    page = Page(act(client, case, "/assign", **{"assign-assignee": "999999"}))
    assert page.status == 400
    assert "Choose a reviewer from the list" in page.field_error("assign-assignee")
    assert db.session.get(Application, case.id).assigned_to_id == bert.id


def test_a_tampered_or_missing_version_is_treated_as_stale(client):
    case = submitted_case()
    staff_sign_in(client, UserFactory(reviewer=True))
    for version in ("", "abc", "99", "-1", "1" * 30):
        page = Page(
            act(client, case, "/claim", follow_redirects=True, **{"claim-version": version})
        )
        assert page.status == 200
        assert "Someone else changed this case" in page.text
    assert db.session.get(Application, case.id).assigned_to_id is None


def test_deadline_days_are_legal_dates(client):
    case = submitted_case(days_left=3)
    staff_sign_in(client, UserFactory(reviewer=True))
    page = get_page(client, f"/backoffice/cases/{case.id}")
    assert "3 days left" in page.text
    assert case.decision_deadline == clock.today() + timedelta(days=3)


def test_recognition_and_residence_cases_in_one_queue_filtered_by_type(client):
    submitted_case(days_left=30, legal_name="Recognition B.V.")
    residence = submitted_case(days_left=10, legal_name="Residence B.V.")
    residence.kind = ApplicationKind.HSM_RESIDENCE
    db.session.flush()
    staff_sign_in(client, UserFactory(reviewer=True))
    assert queue_rows(client) == ["Residence B.V.", "Recognition B.V."]
    assert queue_rows(client, "?kind=hsm_residence") == ["Residence B.V."]
    assert queue_rows(client, "?kind=recognition") == ["Recognition B.V."]
    assert queue_rows(client, "?kind=eu_blue_card") == []
    row = get_page(client, "/backoffice/").soup.select("tbody tr")[0].get_text(" ", strip=True)
    assert "10 days left" in row and "Highly skilled migrant" in row


def test_the_queue_is_searched_by_reference_organisation_name_or_kvk_number(client):
    from portal.cases.references import make_reference

    first = submitted_case(days_left=20, legal_name="Tulip Research B.V.", kvk_number="12345678")
    first.reference = make_reference("recognition", 2026, first.id)
    other = submitted_case(days_left=10, legal_name="Windmill Foods N.V.", kvk_number="87654321")
    other.reference = make_reference("recognition", 2026, other.id)
    db.session.flush()
    staff_sign_in(client, UserFactory(reviewer=True))
    # The full reference, in lower case, or without its check letter and leading zeros.
    assert queue_rows(client, f"?q={first.reference.lower()}") == ["Tulip Research B.V."]
    assert queue_rows(client, f"?q=ER-2026-{first.id}") == ["Tulip Research B.V."]
    assert queue_rows(client, "?q=87654321") == ["Windmill Foods N.V."]
    assert queue_rows(client, "?q=1234") == ["Tulip Research B.V."]
    assert queue_rows(client, "?q=++windmill++") == ["Windmill Foods N.V."]
    assert queue_rows(client, "?q=b.v.") == ["Tulip Research B.V."]
    # LIKE wildcards are literal; other filters still apply.
    assert queue_rows(client, "?q=%25") == []
    assert queue_rows(client, "?q=tulip&due=at_risk") == []
    page = get_page(client, "/backoffice/?q=windmill")
    assert page.soup.select_one("#q")["value"] == "windmill"
    assert "1 case" in page.text


def test_a_too_long_search_is_told_at_the_field(client):
    submitted_case(legal_name="Any B.V.")
    staff_sign_in(client, UserFactory(reviewer=True))
    page = Page(client.get("/backoffice/?q=" + "x" * 201))
    assert page.status == 400
    assert page.field_error("q")
    assert page.soup.select_one("#q")["value"] == "x" * 201


def test_the_search_narrows_the_cases_waiting_for_payment_too(client):
    waiting = submitted_case(legal_name="Unpaid Tulip B.V.")
    waiting.decision_deadline = None
    submitted_case(legal_name="Unpaid Windmill B.V.").decision_deadline = None
    db.session.flush()
    staff_sign_in(client, UserFactory(reviewer=True))
    page = get_page(client, "/backoffice/?q=tulip")
    rows = [
        r.find_all("td")[1].get_text(strip=True)
        for r in page.soup.select("#waiting-for-payment tbody tr")
    ]
    assert rows == ["Unpaid Tulip B.V."]
