"""The yearly check of the profile (issue 25, item 7): administrators confirm or correct the
details once a year; the to-do item shows from a month before it is due; a month after, IND
staff see the organisation flagged. Boundaries on the day."""

from datetime import UTC, date, datetime

import pytest

from portal.extensions import db
from portal.models import AuditEvent, OrgRole
from tests.support.auth import sign_in, staff_sign_in
from tests.support.factories import MembershipFactory, UserFactory, member
from tests.support.pages import get_page

CREATED = datetime(2025, 12, 4, 10, tzinfo=UTC)  # due 4 December 2026


@pytest.fixture(autouse=True)
def english(client):
    client.get("/language/en")


def administrator(**organisation):
    user = member(**organisation)
    org = user.memberships[0].organisation
    org.created_at = CREATED
    db.session.commit()
    return user, org


def kinds(client) -> list[str]:
    return [li["data-kind"] for li in get_page(client, "/todo").soup.select("#todo-list li")]


def test_the_item_shows_from_a_month_before_it_is_due_for_administrators_only(
    client, app, move_today
):
    admin, org = administrator()
    submitter = MembershipFactory(organisation=org, role=OrgRole.SUBMITTER).user
    sign_in(client, admin)
    move_today(date(2026, 11, 3))
    assert "profile_check" not in kinds(client)
    assert "Next check of these details: 4 December 2026" in get_page(
        client, "/organisation/"
    ).soup.find(id="profile-check").get_text(" ", strip=True)

    move_today(date(2026, 11, 4))  # 30 days before
    page = get_page(client, "/todo")
    (item,) = page.soup.select("#todo-list li[data-kind=profile_check]")
    assert item.a["href"] == "/organisation/#profile-check"
    assert "4 December 2026" in item.get_text(" ", strip=True)
    notice = get_page(client, "/organisation/").soup.find(id="profile-check")
    assert "is due on 4 December 2026" in notice.get_text(" ", strip=True)

    other = app.test_client()
    other.get("/language/en")
    sign_in(other, submitter)
    assert "profile_check" not in kinds(other)
    notice = get_page(other, "/organisation/").soup.find(id="profile-check")
    assert "An administrator of your organisation confirms" in notice.get_text(" ", strip=True)
    assert notice.find("button") is None


def test_confirming_ends_the_item_until_next_year(client, move_today):
    admin, org = administrator()
    sign_in(client, admin)
    move_today(date(2026, 12, 10))  # overdue
    page = get_page(client, "/organisation/")
    assert "was due on 4 December 2026" in page.soup.find(id="profile-check").get_text(
        " ", strip=True
    )
    response = client.post("/organisation/confirm", data={"csrf_token": page.csrf()})
    assert response.status_code == 302
    assert "profile_check" not in kinds(client)
    db.session.refresh(org)
    assert org.profile_confirmed_at is not None
    event = db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "profile.confirmed"))
    assert event.actor_id == admin.id and event.details == {"through": "confirm"}
    # The next check is a year after the confirmation (real time: the stamp is now).
    notice = get_page(client, "/organisation/").soup.find(id="profile-check")
    assert "Last confirmed on" in notice.get_text(" ", strip=True)


def test_a_submitter_cannot_confirm(client):
    admin, org = administrator()
    submitter = MembershipFactory(organisation=org, role=OrgRole.SUBMITTER).user
    sign_in(client, submitter)
    token = get_page(client, "/organisation/").csrf()
    assert client.post("/organisation/confirm", data={"csrf_token": token}).status_code == 403
    db.session.refresh(org)
    assert org.profile_confirmed_at is None


def test_saving_the_profile_form_counts_as_the_check(client, move_today):
    admin, org = administrator()
    sign_in(client, admin)
    move_today(date(2026, 12, 10))
    assert "profile_check" in kinds(client)
    page = get_page(client, "/organisation/edit")
    form = page.soup.find("form", action="/organisation/edit")
    data = {}
    for field in form.find_all(["input", "select", "textarea"]):
        name = field.get("name")
        if not name or field.get("type") in ("submit", "button"):
            continue
        if field.name == "select":
            chosen = field.find("option", selected=True)
            data[name] = chosen["value"] if chosen else ""
        elif field.get("type") == "radio":
            if field.has_attr("checked"):
                data[name] = field["value"]
        elif field.name == "textarea":
            data[name] = field.get_text()
        else:
            data[name] = field.get("value", "")
    response = client.post("/organisation/edit", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)[:1000]
    assert "profile_check" not in kinds(client)


def test_staff_see_the_organisation_flagged_a_month_after_it_was_due(client, app, move_today):
    admin, org = administrator(legal_name="Quiet Profile B.V.")
    reviewer = app.test_client()
    reviewer.get("/language/en")
    staff_sign_in(reviewer, UserFactory(reviewer=True))

    move_today(date(2027, 1, 2))  # 29 days after 4 December
    assert "Quiet Profile B.V." not in get_page(reviewer, "/backoffice/organisations").text
    move_today(date(2027, 1, 3))  # 30 days after
    page = get_page(reviewer, "/backoffice/organisations")
    listed = page.soup.find(id="unchecked-list")
    assert listed is not None and "Quiet Profile B.V." in listed.get_text()
    detail = get_page(reviewer, f"/backoffice/organisations/{org.id}")
    flag = detail.soup.find(id="profile-check")
    assert "was due on 4 December 2026 and is not done" in flag.get_text(" ", strip=True)

    # Confirmed: no longer flagged.
    sign_in(client, admin)
    token = get_page(client, "/organisation/").csrf()
    client.post("/organisation/confirm", data={"csrf_token": token})
    page = get_page(reviewer, "/backoffice/organisations")
    assert page.soup.find(id="unchecked-list") is None or "Quiet Profile B.V." not in page.text
