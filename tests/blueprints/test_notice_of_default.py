"""The notice of default (Awb 4:17) through HTTP, at each boundary: refused on the deadline
day with the date from which it is possible; offered (case page, to-do) the day after; one
per case; the receipt letter; the penalty from two weeks after receipt, tier by tier up to its
maximum; the case on top of the back-office queue with the accrued amount; the decision stops
it. A stopped clock or a period waiting for payment offers nothing."""

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from portal import clock
from portal.extensions import db
from portal.models import Application, Letter, LetterKind, NoticeOfDefault, OrgRole
from tests.support.auth import sign_in, sign_out, staff_sign_in
from tests.support.casework import act, grant, submitted_case
from tests.support.factories import ApplicationFactory, UserFactory, member
from tests.support.pages import get_page

DEADLINE = date(2026, 6, 1)


@pytest.fixture(autouse=True)
def english(client):
    client.get("/language/en")


def _case(move_today, **organisation) -> Application:
    move_today(DEADLINE)
    return submitted_case(days_left=0, **organisation)


def _send(client, case):
    page = get_page(client, f"/applications/{case.id}/notice-of-default")
    return client.post(
        f"/applications/{case.id}/notice-of-default", data={"csrf_token": page.csrf()}
    )


def _notices(case) -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(NoticeOfDefault)
        .where(NoticeOfDefault.application_id == case.id)
    )


def test_on_the_deadline_day_it_is_refused_with_the_day_from_which_it_is_possible(
    client, move_today
):
    case = _case(move_today)
    sign_in(client, case.created_by)
    show = get_page(client, f"/applications/{case.id}")
    assert show.soup.select_one("#notice-link") is None
    assert "notice of default" not in get_page(client, "/todo").text
    page = get_page(client, f"/applications/{case.id}/notice-of-default")
    assert "You can send a notice of default from 2 June 2026." in page.soup.select_one(
        "#not-allowed"
    ).get_text(" ", strip=True)
    response = client.post(
        f"/applications/{case.id}/notice-of-default", data={"csrf_token": page.csrf()}
    )
    assert response.status_code == 400
    assert "2 June 2026" in response.get_data(as_text=True)
    assert _notices(case) == 0


def test_the_day_after_it_is_offered_sent_once_and_acknowledged_by_letter(client, move_today):
    case = _case(move_today, preferred_language="nl")
    move_today(DEADLINE + timedelta(days=1))
    sign_in(client, case.created_by)
    show = get_page(client, f"/applications/{case.id}")
    assert show.soup.select_one("#notice-link")["href"].endswith(
        f"/applications/{case.id}/notice-of-default"
    )
    todo = get_page(client, "/todo").soup.select_one('[data-kind="notice_of_default"]')
    assert case.reference in todo.get_text() and "since 2 June 2026" in todo.get_text(" ")

    response = _send(client, case)
    assert response.status_code == 302
    notice = db.session.scalars(select(NoticeOfDefault)).one()
    assert (notice.received_on, notice.penalty_from, notice.deadline) == (
        date(2026, 6, 2),
        date(2026, 6, 16),
        DEADLINE,
    )
    letter = db.session.get(Letter, notice.letter_id)
    assert letter.kind == LetterKind.NOTICE_OF_DEFAULT_RECEIVED
    assert letter.subject == f"Ingebrekestelling ontvangen: {case.reference}"  # Dutch sponsor
    assert "16 juni 2026" in letter.body_text

    show = get_page(client, f"/applications/{case.id}")
    notice_text = show.soup.select_one("#notice").get_text(" ", strip=True)
    assert "received your notice of default on 2 June 2026" in notice_text
    assert "not yet been confirmed against an official source" in notice_text  # [U] amounts
    assert get_page(client, "/todo").soup.select_one('[data-kind="notice_of_default"]') is None

    # A second notice (another tab, a replay): refused, still one.
    again = client.post(
        f"/applications/{case.id}/notice-of-default",
        data={"csrf_token": show.csrf()},
        follow_redirects=True,
    )
    assert "already sent a notice of default" in again.get_data(as_text=True)
    assert _notices(case) == 1


@pytest.mark.parametrize(
    ("days_after_receipt", "accrued"),
    [
        (14, None),  # the two weeks: nothing yet
        (15, "€23.00"),  # the first day at the first tier
        (28, "€322.00"),  # 14 × €23
        (29, "€357.00"),  # + the first day at €35
        (42, "€812.00"),  # 14 × €23 + 14 × €35
        (43, "€857.00"),  # + the first day at €45
        (56, "€1,442.00"),  # the maximum: 42 days
        (90, "€1,442.00"),  # and no more
    ],
)
def test_the_penalty_accrues_from_two_weeks_after_receipt_tier_by_tier(
    client, move_today, days_after_receipt, accrued
):
    case = _case(move_today)
    received = DEADLINE + timedelta(days=1)
    move_today(received)
    sign_in(client, case.created_by)
    assert _send(client, case).status_code == 302
    sign_out(client)

    move_today(received + timedelta(days=days_after_receipt))
    earlier = submitted_case(days_left=-30)  # a nearer deadline, but no notice
    staff_sign_in(client, UserFactory(reviewer=True))
    queue = get_page(client, "/backoffice/")
    rows = queue.soup.select("table tbody tr")
    assert case.reference in rows[0].get_text()  # on top
    assert earlier.reference in rows[1].get_text()
    cell = rows[0].find_all("td")[-1].get_text(" ", strip=True)
    page = get_page(client, f"/backoffice/cases/{case.id}")
    summary = page.soup.select_one("#notice-of-default").get_text(" ", strip=True)
    if accrued is None:
        assert "a penalty accrues from 16 June 2026" in cell
        assert "€" not in summary.split("(amounts")[0]
    else:
        assert f"{accrued} so far" in cell
        assert f"{accrued} so far" in summary
    assert "not verified" in summary


def test_the_decision_stops_the_penalty(client, move_today, monkeypatch):
    case = _case(move_today)
    received = DEADLINE + timedelta(days=1)
    move_today(received)
    sign_in(client, case.created_by)
    assert _send(client, case).status_code == 302
    sign_out(client)

    decided_on = received + timedelta(days=20)  # 6 days at €23
    move_today(decided_on)
    reviewer = UserFactory(reviewer=True)
    staff_sign_in(client, reviewer)
    noon = datetime(decided_on.year, decided_on.month, decided_on.day, 10, tzinfo=UTC)
    monkeypatch.setattr(clock, "now", lambda: noon)  # the decision's timestamp
    assert grant(client, case).status_code == 302
    monkeypatch.undo()
    move_today(received + timedelta(days=40))
    page = get_page(client, f"/backoffice/cases/{case.id}")
    assert "the decision stopped the penalty at €138.00" in page.soup.select_one(
        "#notice-of-default"
    ).get_text(" ", strip=True)


def test_while_the_clock_stands_still_nothing_is_offered(client, move_today):
    case = _case(move_today)
    staff_sign_in(client, UserFactory(reviewer=True))
    act(client, case, "/claim")
    assert (
        act(client, case, "/request-information", **{"request-message": "Send the accounts."})
    ).status_code == 302
    move_today(DEADLINE + timedelta(days=5))
    sign_in(client, case.created_by)
    assert get_page(client, f"/applications/{case.id}").soup.select_one("#notice-link") is None
    page = get_page(client, f"/applications/{case.id}/notice-of-default")
    assert "the decision period is not running" in page.soup.select_one("#not-allowed").text
    assert _send(client, case).status_code == 400
    assert _notices(case) == 0


def test_a_case_waiting_for_payment_has_no_period_to_pass(client, move_today):
    move_today(DEADLINE)
    user = member()
    case = ApplicationFactory(
        submitted=True,
        organisation=user.memberships[0].organisation,
        created_by=user,
        decision_deadline=None,
        fee=False,
    )
    move_today(DEADLINE + timedelta(days=200))
    sign_in(client, user)
    assert _send(client, case).status_code == 400
    assert _notices(case) == 0


def test_readers_and_other_organisations_cannot_send_it(client, move_today):
    case = _case(move_today)
    move_today(DEADLINE + timedelta(days=1))
    reader = UserFactory()
    from tests.support.factories import MembershipFactory

    MembershipFactory(user=reader, organisation=case.organisation, role=OrgRole.READER)
    sign_in(client, reader)
    assert get_page(client, f"/applications/{case.id}").soup.select_one("#notice-link") is None
    assert client.get(f"/applications/{case.id}/notice-of-default").status_code == 403
    sign_out(client)
    sign_in(client, member())
    assert client.get(f"/applications/{case.id}/notice-of-default").status_code == 404
    assert _notices(case) == 0
