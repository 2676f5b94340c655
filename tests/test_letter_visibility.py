"""Who may see a letter (issue 16, item 2), on every page that shows letters, for every role.

One rule (portal/letters/visibility.py): members of the sponsor and staff see all its letters;
an intermediary sees letters about cases within its mandate, about cases it filed (also after
the mandate ended) and about people in the mandate's categories; letters about the
organisation itself (a warning) stay with the sponsor. Runs on SQLite and PostgreSQL.
"""

import csv
import io
import zipfile
from datetime import timedelta

import pytest

from portal import clock
from portal.cases import casework
from portal.extensions import db
from portal.letters import unread
from portal.models import (
    ApplicationStatus,
    AuditEvent,
    LetterKind,
    NoticeMode,
    NoticePreference,
    OrgRole,
)
from tests.support.auth import act_under_mandate, sign_in, staff_sign_in
from tests.support.factories import (
    ApplicationFactory,
    MandateFactory,
    MembershipFactory,
    UserFactory,
    member,
    recognise,
)
from tests.support.letters import add_letter, days
from tests.support.pages import Page, get_page

ROLES = (
    "administrator",
    "reader",
    "intermediary",  # mandate in force for labour
    "intermediary_study",  # mandate in force for study only
    "former_intermediary",  # its labour mandate ended; it filed one case
    "other_organisation",
    "staff",
)

# Which letters each sponsor-side role sees (staff never use the sponsor's inbox: 403).
SEES = {
    "administrator": {"labour_case", "filed_case", "labour_person", "warning", "study_case"},
    "reader": {"labour_case", "filed_case", "labour_person", "warning", "study_case"},
    "intermediary": {"labour_case", "filed_case", "labour_person"},
    "intermediary_study": {"study_case"},
    "former_intermediary": {"filed_case"},
    "other_organisation": set(),
}


@pytest.fixture
def world():
    admin = member(legal_name="Sponsor B.V.")
    sponsor = admin.memberships[0].organisation
    recognise(sponsor, "labour")
    recognise(sponsor, "study")
    reader = MembershipFactory(organisation=sponsor, role=OrgRole.READER).user
    labour = MandateFactory(sponsor=sponsor, categories=["labour"])
    study = MandateFactory(sponsor=sponsor, categories=["study"])
    ended = MandateFactory(
        sponsor=sponsor,
        categories=["labour"],
        valid_from=clock.today() - timedelta(days=90),
        valid_until=clock.today() - timedelta(days=1),
    )
    cases = {
        "labour": ApplicationFactory(organisation=sponsor, created_by=admin, submitted=True),
        "filed": ApplicationFactory(
            organisation=sponsor,
            created_by=admin,
            submitted=True,
            intermediary_id=ended.intermediary_id,
        ),
        "study": ApplicationFactory(
            organisation=sponsor, created_by=admin, submitted=True, category="study"
        ),
    }
    letters = {
        "labour_case": add_letter(
            sponsor,
            subject="About the labour case",
            application=cases["labour"],
            category="labour",
            at=days(1),
        ),
        "filed_case": add_letter(
            sponsor,
            subject="About the filed case",
            application=cases["filed"],
            category="labour",
            at=days(2),
        ),
        "labour_person": add_letter(
            sponsor,
            subject="Extension reminder",
            kind=LetterKind.EXTENSION_REMINDER,
            category="labour",
            person_name="Ada Lovelace",
            at=days(3),
        ),
        "warning": add_letter(
            sponsor, subject="A warning", kind=LetterKind.WARNING, category="labour", at=days(4)
        ),
        "study_case": add_letter(
            sponsor,
            subject="About the study case",
            application=cases["study"],
            category="study",
            at=days(5),
        ),
    }
    db.session.flush()

    def agent(mandate):
        return MembershipFactory(organisation=mandate.intermediary, role=OrgRole.SUBMITTER).user

    return {
        "sponsor": sponsor,
        "users": {
            "administrator": admin,
            "reader": reader,
            "intermediary": agent(labour),
            "intermediary_study": agent(study),
            "former_intermediary": agent(ended),
            "other_organisation": member(legal_name="Other B.V."),
            "staff": UserFactory(reviewer=True),
        },
        "mandates": {
            "intermediary": labour,
            "intermediary_study": study,
            "former_intermediary": ended,
        },
        "cases": cases,
        "letters": letters,
    }


@pytest.fixture(autouse=True)
def english(client):
    client.get("/language/en")


def become(client, world, role):
    user = world["users"][role]
    if role == "staff":
        staff_sign_in(client, user)
        return
    sign_in(client, user)
    if role in world["mandates"]:
        act_under_mandate(client, world["mandates"][role])


def listed_letter_ids(page: Page) -> set[int]:
    ids = set()
    for link in page.soup.select("a[href^='/inbox/']"):
        tail = link["href"].removeprefix("/inbox/")
        if tail.isdigit():
            ids.add(int(tail))
    return ids


@pytest.mark.parametrize("role", ROLES)
def test_each_letter_bearing_page_shows_exactly_the_letters_the_role_may_see(client, world, role):
    become(client, world, role)
    letters = world["letters"]
    if role == "staff":
        for letter in letters.values():
            for url in (f"/inbox/{letter.id}", f"/inbox/{letter.id}/pdf", "/inbox"):
                assert client.get(url).status_code == 403, url
        return
    seen = {letters[name].id for name in SEES[role]}
    failures = []
    for name, letter in letters.items():
        expected = 200 if name in SEES[role] else 404
        for url in (
            f"/inbox/{letter.id}",
            f"/inbox/{letter.id}/pdf",
            f"/inbox/download?letter={letter.id}",
        ):
            status = client.get(url, buffered=True).status_code
            if status != expected:
                failures.append(f"{name} {url}: {status} != {expected}")
    assert failures == []

    if role == "other_organisation":
        return  # its own (empty) inbox: nothing of the sponsor's
    inbox = get_page(client, "/inbox")
    assert listed_letter_ids(inbox) == seen

    # Everything matching the filters, as one ZIP: only the visible letters are in it.
    response = client.get("/inbox/download?all=1", buffered=True)
    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    index = list(csv.DictReader(io.StringIO(archive.read("index.csv").decode("utf-8-sig"))))
    assert {int(row["file"].rsplit("-", 1)[1].removesuffix(".pdf")) for row in index} == seen

    # A selection with one letter the role may not see is refused as a whole.
    hidden = [letter.id for name, letter in letters.items() if name not in SEES[role]]
    if hidden:
        mixed = "&".join(f"letter={i}" for i in [*seen, hidden[0]])
        assert client.get(f"/inbox/download?{mixed}", buffered=True).status_code == 404

    # The case pages list the visible letters about the case, and only those.
    for name, case in world["cases"].items():
        response = client.get(f"/applications/{case.id}")
        letter_name = f"{name}_case"
        if response.status_code == 404:
            assert letter_name not in SEES[role] or role == "intermediary_study"
            continue
        listed = listed_letter_ids(Page(response))
        expected_ids = {letters[letter_name].id} & seen
        assert listed == expected_ids, name


def test_the_unread_count_of_an_intermediary_counts_its_letters_and_keeps_no_counters(
    client, world
):
    become(client, world, "intermediary")
    dashboard = get_page(client, "/dashboard")
    assert "3 unread letters" in dashboard.soup.select_one("#unread-count").get_text()
    get_page(client, f"/inbox/{world['letters']['labour_case'].id}")
    dashboard = get_page(client, "/dashboard")
    assert "2 unread letters" in dashboard.soup.select_one("#unread-count").get_text()
    # The members' counters are untouched and still agree with the letters.
    assert unread.drift() == []


def test_an_intermediary_answers_a_request_on_a_mandated_case(client, world):
    case = world["cases"]["labour"]
    reviewer = UserFactory(reviewer=True)
    suspension = casework.request_information(
        case,
        reviewer,
        message="Send the signed contract.",
        respond_by=clock.today() + timedelta(days=14),
        expected_version=case.version,
    )
    db.session.commit()
    become(client, world, "intermediary")
    page = get_page(client, f"/inbox/{suspension.letter_id}")
    assert page.soup.find(id="reply") is not None
    form = page.soup.find("form", action=f"/inbox/{suspension.letter_id}/reply")
    token = form.find("input", attrs={"name": "csrf_token"})["value"]
    response = client.post(
        f"/inbox/{suspension.letter_id}/reply",
        data={"csrf_token": token, "message": "Attached: the contract, signed."},
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert case.status == ApplicationStatus.IN_REVIEW
    event = db.session.scalar(
        db.select(AuditEvent).where(AuditEvent.action == "application.reply_received")
    )
    assert event.actor_id == world["users"]["intermediary"].id
    assert event.details["intermediary"] == world["mandates"]["intermediary"].intermediary_id


@pytest.mark.parametrize("role", ["intermediary_study", "former_intermediary"])
def test_who_may_not_answer_a_request_cannot(client, world, role):
    case = world["cases"]["filed"]
    suspension = casework.request_information(
        case,
        UserFactory(reviewer=True),
        message="Send the payslips.",
        respond_by=clock.today() + timedelta(days=14),
        expected_version=case.version,
    )
    db.session.commit()
    become(client, world, role)
    token = get_page(client, "/organisation/switch").csrf()
    response = client.post(
        f"/inbox/{suspension.letter_id}/reply", data={"csrf_token": token, "message": "Here."}
    )
    # Out of the mandate's scope: no such letter; mandate ended: reading only.
    assert response.status_code == (404 if role == "intermediary_study" else 403)
    db.session.expire_all()
    assert case.status == ApplicationStatus.INFORMATION_REQUESTED
    if role == "former_intermediary":
        page = get_page(client, f"/inbox/{suspension.letter_id}")
        assert page.soup.find(id="reply-not-allowed") is not None
        assert page.soup.find("form", action=f"/inbox/{suspension.letter_id}/reply") is None


def test_the_switcher_is_a_client_list_for_intermediaries(client, world):
    sign_in(client, world["users"]["former_intermediary"])
    page = get_page(client, "/organisation/switch")
    clients = page.soup.select_one("#clients").get_text(" ", strip=True)
    assert "Sponsor B.V." in clients and world["sponsor"].kvk_number in clients
    assert "Ended: only the cases you filed and their letters" in clients
    response = act_under_mandate(client, world["mandates"]["former_intermediary"])
    assert response.headers["Location"].endswith("/inbox")
    # Reading only: no overview, people or organisation pages of the former client.
    for url in ("/dashboard", "/people/", "/organisation/"):
        assert client.get(url).status_code == 403, url
    nav = get_page(client, "/inbox").soup.select_one("nav.main-nav").get_text(" ", strip=True)
    assert "Inbox" in nav and "People" not in nav and "Overview" not in nav


def test_letter_notices_go_to_intermediaries_only_for_letters_they_may_see(app, world):
    from portal.letters import notices

    agent = world["users"]["intermediary"]
    db.session.add(
        NoticePreference(
            user_id=agent.id, organisation_id=world["sponsor"].id, mode=NoticeMode.IMMEDIATE
        )
    )
    db.session.flush()
    letters = world["letters"]
    sponsor = world["sponsor"]
    assert agent.email in notices.intermediary_recipients(letters["labour_case"], sponsor)
    assert agent.email in notices.intermediary_recipients(letters["labour_person"], sponsor)
    assert notices.intermediary_recipients(letters["warning"], sponsor) == []
    assert notices.intermediary_recipients(letters["study_case"], sponsor) == []
