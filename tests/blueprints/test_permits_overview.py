"""Permits overview (issue 5, item 3) beyond the extension window: each person's current
permit only, and an extension already under way is linked instead of offering a second one."""

from datetime import date

import pytest

from portal.extensions import db
from portal.models import Application, ApplicationStatus, Permit
from tests.support.auth import sign_in
from tests.support.duties import TODAY, employer, permit
from tests.support.pages import get_page


@pytest.fixture(autouse=True)
def english_on_the_day(client, move_today):
    move_today(TODAY)
    client.get("/language/en")


def test_only_the_current_permit_of_each_person_is_shown(client):
    user, organisation = employer()
    old = permit(organisation, date(2027, 4, 1), "Sharma")  # in the window on 10 March 2027
    new = Permit(
        organisation_id=organisation.id,
        person_id=old.person_id,
        kind=old.kind,
        category=old.category,
        starts_on=date(2027, 3, 1),
        ends_on=date(2030, 3, 1),
    )
    db.session.add(new)
    db.session.flush()
    sign_in(client, user)
    page = get_page(client, "/permits")
    assert [r["id"] for r in page.soup.select("#permits tbody tr")] == [f"permit-{new.id}"]
    assert "permit--valid" in page.soup.find(id=f"permit-{new.id}")["class"]
    # The window is named from the reference data (3 months in 2026).
    assert "from 3 months before the end" in page.text or "vanaf 3 maanden" in page.text


def test_an_extension_under_way_is_linked_not_offered_again(client):
    user, organisation = employer()
    found = permit(organisation, date(2027, 5, 1), "Sharma")
    other = permit(organisation, date(2027, 5, 2), "Okafor")
    sign_in(client, user)
    page = get_page(client, "/permits")
    form = page.soup.select_one(f"#permit-{found.id} form")
    response = client.post(
        form["action"], data={i["name"]: i["value"] for i in form.find_all("input")}
    )
    assert response.status_code == 302
    draft = db.session.scalar(db.select(Application))
    assert draft.status == ApplicationStatus.DRAFT

    page = get_page(client, "/permits")
    row = page.soup.find(id=f"permit-{found.id}")
    assert row.find("form") is None  # no second extension from here
    link = row.find("a", href=f"/applications/residence/{draft.id}")
    assert link is not None and "Highly skilled migrant" in link.get_text()
    assert "Under way:" in row.get_text(" ") and "(draft)" in row.get_text(" ")
    assert get_page(client, link["href"]).status == 200
    # Someone else in the window still has the button.
    assert page.soup.find(id=f"permit-{other.id}").find("form") is not None

    # A decided application is no longer under way: the button comes back.
    draft.status = ApplicationStatus.REFUSED
    db.session.flush()
    row = get_page(client, "/permits").soup.find(id=f"permit-{found.id}")
    assert row.find("form") is not None and "Under way" not in row.get_text(" ")
