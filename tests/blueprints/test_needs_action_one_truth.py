"""The inbox's "needs action" filter, the dashboard's count and the to-do list's requests to
answer are one truth: the same letters for a member and for an intermediary (whose letters
are those portal/letters/visibility.py lets it see), through HTTP."""

from datetime import date, timedelta

import pytest

from portal.extensions import db
from portal.models import ApplicationStatus, Category
from tests.support.auth import act_under_mandate, sign_in
from tests.support.factories import (
    ApplicationFactory,
    MandateFactory,
    MembershipFactory,
    member,
    recognise,
)
from tests.support.letters import add_letter, days
from tests.support.pages import get_page

TODAY = date(2027, 3, 10)


@pytest.fixture(autouse=True)
def english(client, move_today):
    move_today(TODAY)
    client.get("/language/en")


def letters_needing_action():
    admin = member()
    sponsor = admin.memberships[0].organisation
    recognise(sponsor)
    recognise(sponsor, Category.STUDY)
    respond_by = TODAY + timedelta(days=10)

    def request(subject, category, **values):
        return add_letter(
            sponsor, subject=subject, category=category, respond_by=respond_by, at=days(1), **values
        )

    def case(category):
        return ApplicationFactory(
            organisation=sponsor,
            category=category,
            status=ApplicationStatus.INFORMATION_REQUESTED,
        ).id

    letters = {
        "labour_case": request("Labour case", "labour", application_id=case(Category.LABOUR)),
        "study_case": request("Study case", "study", application_id=case(Category.STUDY)),
        "labour_person": request("About a worker", "labour", person_name="Aiko Tanaka"),
        # About the sponsor itself, labelled labour: an intermediary never sees it.
        "sponsor_itself": request("About the sponsor", "labour"),
        "answered_by_date": add_letter(
            sponsor,
            subject="Lapsed",
            category="labour",
            respond_by=TODAY - timedelta(days=1),
            application_id=case(Category.LABOUR),
        ),
    }
    return admin, sponsor, letters


def todo_letters(client) -> set[str]:
    page = get_page(client, "/todo")
    return {li.a["href"] for li in page.soup.select("#todo-list li[data-kind=letter]")}


def inbox_needing_action(client) -> set[str]:
    page = get_page(client, "/inbox?needs_action=y")
    return {a["href"] for a in page.soup.select("table a") if a["href"].startswith("/inbox/")}


def dashboard_count(client) -> int:
    node = get_page(client, "/dashboard").soup.find(id="needs-action-count")
    return int(node.get_text().split()[0]) if node is not None else 0


def href(letter) -> str:
    return f"/inbox/{letter.id}"


def test_a_member_sees_the_same_letters_needing_action_everywhere(client):
    admin, _sponsor, letters = letters_needing_action()
    sign_in(client, admin)
    expected = {href(letters[k]) for k in ("labour_case", "study_case", "labour_person")}
    expected.add(href(letters["sponsor_itself"]))
    assert todo_letters(client) == expected
    assert inbox_needing_action(client) == expected
    assert dashboard_count(client) == len(expected)


def test_an_intermediary_sees_the_same_letters_needing_action_everywhere(client):
    _admin, sponsor, letters = letters_needing_action()
    mandate = MandateFactory(sponsor=sponsor, categories=["labour"])
    membership = MembershipFactory(organisation=mandate.intermediary)
    db.session.refresh(membership.user)
    sign_in(client, membership.user)
    act_under_mandate(client, mandate)
    expected = {href(letters["labour_case"]), href(letters["labour_person"])}
    assert todo_letters(client) == expected
    assert inbox_needing_action(client) == expected
    assert dashboard_count(client) == len(expected)
    # Every to-do link opens for the intermediary (none leads to a 404).
    for link in todo_letters(client):
        assert client.get(link).status_code == 200
