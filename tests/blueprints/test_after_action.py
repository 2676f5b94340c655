"""What happens next on the pages a sponsor lands on after acting — a report, the yearly
study-progress declaration, the answer to a request — read from the case's next steps, the
person's state and the to-do list (one truth), through HTTP."""

from datetime import date, datetime, timedelta

import pytest

from portal import clock
from portal.extensions import db
from portal.models import ApplicationStatus, Category, Letter, LetterKind, OrganisationKind
from tests.support.auth import sign_in, staff_sign_in, staff_sign_out
from tests.support.casework import act, submitted_case
from tests.support.factories import (
    ApplicationFactory,
    PermitFactory,
    PersonFactory,
    UserFactory,
    member,
    recognise,
)
from tests.support.letters import add_letter
from tests.support.pages import Page, get_page

TODAY = date(2027, 3, 10)


@pytest.fixture(autouse=True)
def english(client, move_today):
    move_today(TODAY)
    client.get("/language/en")


def sponsor(**organisation):
    user = member(**organisation)
    recognise(user.memberships[0].organisation)
    return user, user.memberships[0].organisation


def section_text(page: Page, section_id: str) -> str:
    node = page.soup.find(id=section_id)
    assert node is not None, section_id
    return node.get_text(" ", strip=True)


def still_to_do(page: Page) -> list[str]:
    return [li["data-kind"] for li in page.soup.select("#still-to-do #todo-list li")]


def test_after_a_report_the_stay_is_ended_and_the_rest_of_the_list_is_shown(client):
    user, organisation = sponsor()
    leaving = PersonFactory(organisation=organisation, surname="Sharma")
    PermitFactory(person=leaving, ends_on=TODAY + timedelta(days=40))
    staying = PersonFactory(organisation=organisation, surname="Okafor")
    PermitFactory(person=staying, ends_on=TODAY + timedelta(days=50))
    sign_in(client, user)
    token = get_page(client, "/reports/new").csrf()
    response = client.post(
        "/reports/new",
        data={
            "csrf_token": token,
            "kind": "employment_ended",
            "person": str(leaving.id),
            "event_date": (TODAY - timedelta(days=2)).isoformat(),
            "details": "Left for another job",
        },
        follow_redirects=True,
    )
    page = Page(response)
    assert page.status == 200
    steps = section_text(page, "what-happens-next")
    assert "A letter in your inbox confirms it" in steps
    assert "The stay of Test Person Sharma is recorded as ended (reported on 10 March 2027)" in (
        steps
    )
    assert "Nothing more is needed for this report" in steps
    # The list is the to-do list's: Okafor's extension is still there, Sharma's is gone.
    assert still_to_do(page) == ["extension"]
    assert "Okafor" in section_text(page, "still-to-do")
    assert "Sharma" not in section_text(page, "still-to-do")


def test_a_late_report_says_a_fine_may_follow(client):
    user, organisation = sponsor()
    person = PersonFactory(organisation=organisation)
    PermitFactory(person=person, ends_on=TODAY + timedelta(days=300))
    sign_in(client, user)
    token = get_page(client, "/reports/new").csrf()
    response = client.post(
        "/reports/new",
        data={
            "csrf_token": token,
            "kind": "employment_ended",
            "person": str(person.id),
            "event_date": (TODAY - timedelta(days=60)).isoformat(),
            "details": "",
        },
        follow_redirects=True,
    )
    steps = section_text(Page(response), "what-happens-next")
    assert "late reporting can lead to a fine" in steps
    assert "Nothing needs your attention now." in section_text(Page(response), "still-to-do")


def test_after_the_study_progress_declaration_the_next_check_and_the_list(client, move_today):
    move_today(date(2027, 11, 10))
    user, organisation = sponsor(kind=OrganisationKind.HIGHER_EDUCATION)
    recognise(organisation, Category.STUDY)
    sign_in(client, user)
    before = get_page(client, "/todo").soup.select("#todo-list li")
    assert "study_progress" in [li["data-kind"] for li in before]
    page = get_page(client, "/duties/study-progress")
    response = client.post(
        "/duties/study-progress",
        data={"csrf_token": page.csrf(), "checked_on": "2027-11-09", "confirm": "y"},
    )
    assert response.headers["Location"].endswith("/duties/study-progress/done")
    done = get_page(client, "/duties/study-progress/done")
    assert "9 November 2027" in section_text(done, "declaration-details")
    steps = section_text(done, "what-happens-next")
    assert "The next check, for 2028, is due by 30 November 2028" in steps
    assert "within 4 weeks" in steps
    assert "study_progress" not in still_to_do(done)  # done: gone from the list
    # Declaring again leads to the same confirmation.
    again = client.get("/duties/study-progress")
    assert again.headers["Location"].endswith("/duties/study-progress/done")


def test_the_confirmation_page_needs_a_declaration_first(client):
    user, organisation = sponsor(kind=OrganisationKind.HIGHER_EDUCATION)
    recognise(organisation, Category.STUDY)
    sign_in(client, user)
    response = client.get("/duties/study-progress/done")
    assert response.headers["Location"].endswith("/duties/study-progress")
    employer, _ = sponsor()
    other = client.application.test_client()
    sign_in(other, employer)
    assert other.get("/duties/study-progress/done").status_code == 404


def test_after_answering_a_request_the_case_goes_on_and_the_item_is_gone(client, move_today):
    move_today(datetime.now(clock.AMSTERDAM).date())  # the request is made through HTTP, now
    case = submitted_case(days_left=30)
    sponsor_user = case.created_by
    organisation = case.organisation
    other = add_letter(
        organisation,
        subject="Please send the payslips",
        application_id=ApplicationFactory(
            organisation=organisation, status=ApplicationStatus.INFORMATION_REQUESTED
        ).id,
        category="labour",
        respond_by=clock.today() + timedelta(days=20),
    )
    staff_sign_in(client, UserFactory(reviewer=True))
    response = act(
        client,
        case,
        "/request-information",
        **{
            "request-message": "Send the contract.",
            "request-respond_by": str(clock.today() + timedelta(days=14)),
        },
    )
    assert response.status_code == 302
    staff_sign_out(client)
    letter = db.session.scalar(
        db.select(Letter).where(Letter.kind == LetterKind.REQUEST_FOR_INFORMATION)
    )
    sign_in(client, sponsor_user)
    page = get_page(client, f"/inbox/{letter.id}")
    assert page.soup.find(id="what-happens-next") is None  # not answered yet
    response = client.post(
        f"/inbox/{letter.id}/reply",
        data={"csrf_token": page.soup.find(id="csrf-reply")["value"], "message": "Attached."},
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    answered = Page(response)
    steps = section_text(answered, "what-happens-next")
    # The case page's own next steps (portal/cases/next_steps.py): the clock runs again.
    case_page = get_page(client, f"/applications/{case.id}")
    assert steps == section_text(case_page, "what-happens-next")
    assert "The IND decides by" in steps
    links = [a["href"] for a in answered.soup.select("#still-to-do #todo-list a")]
    assert links == [f"/inbox/{other.id}"]
