"""What needs your attention: the to-do list on the dashboard and on /todo, through HTTP.

Items come from stored facts and go away when — and only when — the fact changes; many of a
kind are grouped into one link to the filtered list; an intermediary sees its mandate's scope.
"""

from datetime import date, timedelta

import pytest

from portal.extensions import db
from portal.models import ApplicationKind, ApplicationStatus, Category
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
from tests.support.pages import Page, get_page

TODAY = date(2027, 3, 10)


@pytest.fixture(autouse=True)
def english(client, move_today):
    move_today(TODAY)
    client.get("/language/en")


def sponsor():
    user = member()
    organisation = user.memberships[0].organisation
    recognise(organisation)
    return user, organisation


def todo(client, url="/todo"):
    page = get_page(client, url)
    return [
        (li["data-kind"], li.a.get_text(strip=True), li.a["href"], li.get_text(" ", strip=True))
        for li in page.soup.select("#todo-list li")
    ]


def request_for(organisation, respond_by):
    case = ApplicationFactory(
        organisation=organisation,
        reference="ER-2026-000077-P",
        status=ApplicationStatus.INFORMATION_REQUESTED,
        submitted_at=days(0),
        decision_deadline=date(2027, 6, 1),
    )
    return add_letter(
        organisation,
        subject="Please send the contract",
        application_id=case.id,
        category="labour",
        respond_by=respond_by,
        at=days(1),
    )


def test_every_kind_listed_with_its_date_and_link_most_urgent_first(client):
    user, organisation = sponsor()
    letter = request_for(organisation, TODAY + timedelta(days=12))
    extending = PersonFactory(organisation=organisation, surname="Extend")
    PermitFactory(person=extending, ends_on=TODAY + timedelta(days=40))
    expired = PersonFactory(organisation=organisation, surname="Gone")
    PermitFactory(person=expired, ends_on=TODAY - timedelta(days=40))  # report overdue
    PermitFactory(person=PersonFactory(organisation=organisation), ends_on=date(2030, 1, 1))
    draft = ApplicationFactory(
        organisation=organisation,
        created_by=user,
        kind=ApplicationKind.RECOGNITION,
        category=Category.RESEARCH,
    )
    sign_in(client, user)

    items = todo(client)
    kinds = [k for k, *_ in items]
    assert kinds == ["report", "letter", "extension", "draft"]
    report, answer, extension, submit = items
    assert report[2] == f"/reports/new?person={expired.id}"
    assert "overdue since" in report[3]
    assert answer[2] == f"/inbox/{letter.id}"
    assert "Please send the contract" in answer[1]
    assert "due by" in answer[3] and "22 March 2027" in answer[3]
    assert extension[2] == f"/people/{extending.id}"
    assert "Extend" in extension[1]
    assert submit[2] == f"/applications/{draft.id}/check"
    # The dashboard shows the same list at its top, and the navigation links the page.
    dashboard = get_page(client, "/dashboard")
    assert [li["data-kind"] for li in dashboard.soup.select("#todo-list li")] == kinds
    assert dashboard.soup.find("a", href="/todo") is not None


def test_an_item_goes_when_its_fact_changes_and_not_before(client, move_today):
    user, organisation = sponsor()
    letter = request_for(organisation, TODAY + timedelta(days=12))
    person = PersonFactory(organisation=organisation, surname="Sharma")
    PermitFactory(person=person, ends_on=TODAY + timedelta(days=40))
    sign_in(client, user)
    assert [k for k, *_ in todo(client)] == ["letter", "extension"]

    # Reading the letter changes nothing that it asks.
    get_page(client, f"/inbox/{letter.id}")
    assert [k for k, *_ in todo(client)] == ["letter", "extension"]

    # The answer is sent: the request goes, from the dashboard and the inbox filter alike.
    page = get_page(client, f"/inbox/{letter.id}")
    response = client.post(
        f"/inbox/{letter.id}/reply",
        data={"csrf_token": page.csrf(), "message": "The contract is attached."},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    assert [k for k, *_ in todo(client, "/dashboard")] == ["extension"]
    assert (
        get_page(client, "/inbox?needs_action=y").soup.find("a", href=f"/inbox/{letter.id}") is None
    )

    # The end of the employment is reported: no extension to apply for any more.
    token = get_page(client, "/reports/new").csrf()
    response = client.post(
        "/reports/new",
        data={
            "csrf_token": token,
            "kind": "employment_ended",
            "person": str(person.id),
            "event_date": (TODAY - timedelta(days=2)).isoformat(),
            "details": "Left for another job",
        },
    )
    assert response.status_code == 302, Page(response).text
    assert todo(client) == []
    assert "Nothing needs your attention now." in get_page(client, "/todo").text


def test_an_unanswered_request_goes_when_its_respond_by_date_passes(client, move_today):
    user, organisation = sponsor()
    request_for(organisation, TODAY + timedelta(days=2))
    sign_in(client, user)
    assert [k for k, *_ in todo(client)] == ["letter"]
    move_today(TODAY + timedelta(days=2))
    assert [k for k, *_ in todo(client)] == ["letter"]  # the last day still counts
    move_today(TODAY + timedelta(days=3))
    assert todo(client) == []


def test_many_of_a_kind_are_one_grouped_link_to_the_filtered_list(client):
    user, organisation = sponsor()
    for n in range(7):
        PermitFactory(
            person=PersonFactory(organisation=organisation),
            ends_on=TODAY + timedelta(days=20 + n),
        )
    sign_in(client, user)
    (item,) = todo(client)
    assert item[0] == "extension"
    assert item[1] == "7 permits in their extension window"
    assert item[2] == "/permits?state=extension"
    assert "the first due by 30 March 2027" in item[3]
    rows = get_page(client, item[2]).soup.select("table tbody tr")
    assert len(rows) == 7


def test_an_intermediary_sees_only_what_its_mandate_covers(client):
    sponsor_org = member().memberships[0].organisation
    recognise(sponsor_org)
    recognise(sponsor_org, Category.STUDY)
    worker = PersonFactory(organisation=sponsor_org, surname="Worker", category="labour")
    student = PersonFactory(organisation=sponsor_org, surname="Student", category="study")
    PermitFactory(person=worker, ends_on=TODAY + timedelta(days=30))
    PermitFactory(person=student, ends_on=TODAY + timedelta(days=30))
    mandate = MandateFactory(sponsor=sponsor_org, categories=["labour"])
    membership = MembershipFactory(organisation=mandate.intermediary)
    db.session.refresh(membership.user)
    sign_in(client, membership.user)
    act_under_mandate(client, mandate)
    items = todo(client)
    assert [(k, t) for k, t, *_ in items] == [
        ("extension", "Apply for an extension for Test Person Worker")
    ]


def test_the_list_is_built_once_per_scope_and_day_and_read_fresh(client, move_today):
    """Building the one to-do statement costs more than running it (issue 20), so a process
    builds it once per scope and day — and still reads the facts on every request."""
    from portal.todo import statement

    user, organisation = sponsor()
    sign_in(client, user)
    statement._BUILT.clear()
    assert todo(client) == []
    first = dict(statement._BUILT)
    assert len(first) == 1

    request_for(organisation, TODAY + timedelta(days=3))
    assert [k for k, *_ in todo(client, "/dashboard")] == ["letter"]
    assert len(statement._BUILT) == 1
    assert all(statement._BUILT[key] is plan for key, plan in first.items())

    move_today(TODAY + timedelta(days=4))  # its respond-by date passed: another day's statement
    assert todo(client) == []
    assert len(statement._BUILT) == 2
