"""Family members' applications and the main application's decision (issue 22 item 4): set up
through HTTP, decided with the residence decision primitive the back office's steps call."""

from datetime import date

import pytest

from portal import clock
from portal.extensions import db
from portal.models import (
    Application,
    ApplicationKind,
    ApplicationStatus,
    FamilyLink,
    Letter,
    LetterKind,
    Permit,
)
from portal.residence import decision
from tests.support.auth import sign_out, staff_sign_in
from tests.support.factories import UserFactory
from tests.support.family import employer_with_main, file_family, fill_family, relative, submit
from tests.support.pages import get_page


@pytest.fixture(autouse=True)
def english(client):
    client.get("/language/en")


@pytest.fixture
def family(client, monkeypatch):
    """A submitted main application with a submitted partner's and child's application."""
    monkeypatch.setattr(clock, "today", lambda: date(2026, 11, 29))
    _user, specialist, _url = employer_with_main(client)
    main = db.session.scalar(
        db.select(Application).where(Application.kind == ApplicationKind.HSM_RESIDENCE)
    )
    members = []
    for kind, name, born in (
        ("family_partner", "Yuki", date(1991, 4, 2)),
        ("family_child", "Aoi", date(2008, 12, 24)),  # 18 before the decision is due
    ):
        person = relative(specialist, name, born)
        tasks_url = file_family(client, main.id, kind, person)
        fill_family(client, tasks_url, kind, person)
        assert submit(client, tasks_url).status_code == 302
        members.append(db.session.scalar(db.select(Application).where(Application.kind == kind)))
    return main, members


def test_refusing_the_main_application_flags_the_pending_family(family):
    main, members = family
    reviewer = UserFactory(reviewer=True)
    decision.decide(main, reviewer, grant=False, reason="The salary is not market-conform.")
    links = db.session.scalars(db.select(FamilyLink).order_by(FamilyLink.id)).all()
    assert [link.flagged_because for link in links] == ["refused", "refused"]
    letter = db.session.scalar(db.select(Letter).where(Letter.kind == LetterKind.FAMILY_MAIN_ENDED))
    assert "was refused" in letter.body_text.replace("\n", " ")
    assert all(m.status == ApplicationStatus.SUBMITTED for m in members)  # their own decisions


def test_a_family_members_permit_follows_the_main_permits_validity(family):
    main, (partner, _child) = family
    reviewer = UserFactory(reviewer=True)
    decision.decide(main, reviewer, grant=True, reason="")
    main_permit = db.session.scalar(db.select(Permit).where(Permit.application_id == main.id))
    assert main_permit.ends_on == date(2029, 1, 31)  # the contract's end (JOB)
    decision.decide(partner, reviewer, grant=True, reason="")
    permit = db.session.scalar(db.select(Permit).where(Permit.application_id == partner.id))
    assert permit.ends_on == main_permit.ends_on
    assert permit.kind == ApplicationKind.FAMILY_PARTNER
    letter = db.session.scalar(
        db.select(Letter).where(
            Letter.kind == LetterKind.RESIDENCE_DECISION, Letter.application_id == partner.id
        )
    )
    assert "stay with a partner" in letter.body_text.replace("\n", " ")
    assert db.session.scalar(db.select(FamilyLink.flagged_at).limit(1)) is None


def test_the_reviewer_sees_the_family_and_the_childs_18th_birthday(client, family):
    main, (_partner, child) = family
    sign_out(client)
    staff_sign_in(client, UserFactory(reviewer=True))
    page = get_page(client, f"/backoffice/cases/{child.id}")
    assert "24 December 2026" in page.soup.select_one("#family-turns-18").text
    assert main.reference in page.soup.select_one("#family-main").text
    assert "Child under 18 on the application date" in page.text  # the checklist item
    main_page = get_page(client, f"/backoffice/cases/{main.id}")
    assert "Aoi Sato" in main_page.soup.select_one("#family-members").text
