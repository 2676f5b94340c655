"""Extending the decision period with notice (Awb 4:14) through HTTP: on the deadline day a
reviewer extends once, with a reason and a letter; the day after the period ended it is
refused; bad input keeps what was typed; the sponsor sees the new date and why; the clock
composes the deadline from its facts with the extension; the notice of default moves with it."""

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from portal import reference
from portal.cases import clock as statutory_clock
from portal.extensions import db
from portal.models import Application, DeadlineExtension, Letter, LetterKind
from tests.support.auth import sign_in, staff_sign_in, staff_sign_out
from tests.support.casework import act, submitted_case
from tests.support.factories import UserFactory
from tests.support.pages import get_page

DEADLINE = date(2026, 6, 1)
REASON = "The RVO advice has not arrived yet."


@pytest.fixture(autouse=True)
def english(client):
    client.get("/language/en")


@pytest.fixture
def case(move_today) -> Application:
    move_today(DEADLINE)
    return submitted_case(days_left=0)


def _extend(client, case, days="30", reason=REASON, **kwargs):
    return act(client, case, "/extend", **{"extend-days": days, "extend-reason": reason}, **kwargs)


def test_on_the_deadline_day_the_reviewer_extends_once_and_the_sponsor_sees_why(client, case):
    staff_sign_in(client, UserFactory(reviewer=True))
    assert _extend(client, case).status_code == 302
    application = db.session.get(Application, case.id)
    assert application.decision_deadline == DEADLINE + timedelta(days=30)
    extension = db.session.scalars(select(DeadlineExtension)).one()
    letter = db.session.get(Letter, extension.letter_id)
    assert letter.kind == LetterKind.DECISION_PERIOD_EXTENDED
    assert "1 July 2026" in letter.body_text and REASON in letter.body_text
    page = get_page(client, f"/backoffice/cases/{case.id}")
    assert REASON in page.soup.select_one("#extension").get_text()
    assert page.soup.select_one("#extend") is None  # once per case
    # Posted again from an old tab: refused, nothing moves.
    response = client.post(
        f"/backoffice/cases/{case.id}/extend",
        data={
            "csrf_token": page.csrf(),
            "extend-version": str(application.version),
            "extend-days": "10",
            "extend-reason": "Again",
        },
        follow_redirects=True,
    )
    assert "already been extended once" in response.get_data(as_text=True)
    assert db.session.get(Application, case.id).decision_deadline == date(2026, 7, 1)

    staff_sign_out(client)
    sign_in(client, case.created_by)
    show = get_page(client, f"/applications/{case.id}")
    text = show.soup.select_one("#extension").get_text(" ", strip=True)
    assert "extended the decision period by 30 days" in text
    assert "1 July 2026" in text and REASON in text
    assert "1 July 2026" in show.soup.select_one("#deadline").get_text()


def test_the_day_after_the_period_ended_it_is_refused(client, case, move_today):
    move_today(DEADLINE + timedelta(days=1))
    staff_sign_in(client, UserFactory(reviewer=True))
    page = get_page(client, f"/backoffice/cases/{case.id}")
    assert page.soup.select_one("#extend") is None
    response = client.post(
        f"/backoffice/cases/{case.id}/extend",
        data={
            "csrf_token": page.csrf(),
            "extend-version": str(case.version),
            "extend-days": "30",
            "extend-reason": REASON,
        },
        follow_redirects=True,
    )
    assert "ended on 1 June 2026" in response.get_data(as_text=True)
    assert db.session.get(Application, case.id).decision_deadline == DEADLINE
    assert db.session.scalars(select(DeadlineExtension)).first() is None


@pytest.mark.parametrize("days", ["0", "abc", "-3", "²"])
def test_bad_days_are_refused_next_to_the_field_keeping_what_was_typed(client, case, days):
    staff_sign_in(client, UserFactory(reviewer=True))
    response = _extend(client, case, days=days)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    maximum = reference.extension_max_days(DEADLINE)
    assert f"Enter a whole number of days from 1 to {maximum}" in html
    assert REASON in html
    assert db.session.get(Application, case.id).decision_deadline == DEADLINE


def test_more_than_the_limit_in_reference_data_is_refused(client, case):
    maximum = reference.extension_max_days(DEADLINE)
    staff_sign_in(client, UserFactory(reviewer=True))
    assert _extend(client, case, days=str(maximum + 1)).status_code == 400
    assert _extend(client, case, days=str(maximum)).status_code == 302
    assert db.session.get(Application, case.id).decision_deadline == DEADLINE + timedelta(
        days=maximum
    )


def test_a_reason_is_required(client, case):
    staff_sign_in(client, UserFactory(reviewer=True))
    response = _extend(client, case, reason="  ")
    assert response.status_code == 400
    assert "Enter why the decision period is extended" in response.get_data(as_text=True)


def test_the_clock_composes_the_extension_with_suspensions(client, case, move_today):
    """The stored deadline is what the clock composes from its facts: the start, the period,
    the days a request stood still and the extension."""
    reviewer = UserFactory(reviewer=True)
    staff_sign_in(client, reviewer)
    assert _extend(client, case, days="20").status_code == 302
    act(client, case, "/claim")
    assert (
        act(client, case, "/request-information", **{"request-message": "Send the accounts."})
    ).status_code == 302
    move_today(DEADLINE + timedelta(days=9))
    assert act(client, case, "/resume", **{"resume-note": "Came by post."}).status_code == 302
    application = db.session.get(Application, case.id)
    start = statutory_clock.period_start(application)
    composed = statutory_clock.compose_deadline(
        start,
        reference.decision_period_days("recognition", start),
        application.clock_suspensions,
        extension_days=statutory_clock.extension_days(application),
    )
    assert application.decision_deadline == composed == DEADLINE + timedelta(days=20 + 9)


def test_the_notice_of_default_moves_with_the_extension(client, case, move_today):
    staff_sign_in(client, UserFactory(reviewer=True))
    assert _extend(client, case, days="30").status_code == 302
    staff_sign_out(client)
    move_today(DEADLINE + timedelta(days=1))
    sign_in(client, case.created_by)
    page = get_page(client, f"/applications/{case.id}/notice-of-default")
    assert "from 2 July 2026" in page.soup.select_one("#not-allowed").get_text(" ", strip=True)
