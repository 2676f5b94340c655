"""'What happens next' on the case page (the page a submission confirms on), with dates."""

from datetime import UTC, date, datetime, timedelta

import pytest

from portal.extensions import db
from portal.models import ApplicationStatus, ClockSuspension
from tests.support.auth import sign_in
from tests.support.factories import ApplicationFactory, UserFactory, member
from tests.support.pages import get_page

TODAY = date(2027, 3, 10)


@pytest.fixture(autouse=True)
def english(client, move_today):
    move_today(TODAY)
    client.get("/language/en")


def shown(client, application):
    page = get_page(client, f"/applications/{application.id}")
    return page.soup.find(id="what-happens-next").get_text(" ", strip=True)


def test_a_case_under_review_says_when_the_ind_decides(client):
    user = member()
    case = ApplicationFactory(
        submitted=True,
        organisation=user.memberships[0].organisation,
        created_by=user,
        status=ApplicationStatus.IN_REVIEW,
        days_left=40,
    )
    sign_in(client, user)
    text = shown(client, case)
    assert "The IND decides by 19 April 2027 at the latest." in text
    assert "a letter arrives in your inbox" in text


def test_a_stopped_case_says_by_when_to_answer(client):
    user = member()
    case = ApplicationFactory(
        submitted=True,
        organisation=user.memberships[0].organisation,
        created_by=user,
        status=ApplicationStatus.INFORMATION_REQUESTED,
    )
    db.session.add(
        ClockSuspension(
            application_id=case.id,
            started_on=TODAY - timedelta(days=5),
            respond_by=TODAY + timedelta(days=9),
            request_text="Send the contract",
            requested_by_id=UserFactory(reviewer=True).id,
        )
    )
    db.session.flush()
    sign_in(client, user)
    text = shown(client, case)
    assert "Answer the IND's request by 19 March 2027" in text
    assert "stopped since 5 March 2027" in text


def test_a_decided_case_says_until_when_to_object(client):
    user = member()
    case = ApplicationFactory(
        submitted=True,
        organisation=user.memberships[0].organisation,
        created_by=user,
        status=ApplicationStatus.REFUSED,
        decided_at=datetime(2027, 3, 1, 10, tzinfo=UTC),
    )
    sign_in(client, user)
    text = shown(client, case)
    assert "The IND decided on 1 March 2027" in text
    assert "lodge an objection until 12 April 2027" in text
