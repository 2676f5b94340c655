"""Unread counts are exact and cheap: counters that move with letters, reads and members."""

from sqlalchemy import select, update

from portal.extensions import db
from portal.letters import unread
from portal.letters.issuing import issue_letter
from portal.models import InboxUnread, LetterKind, OrgRole
from tests.support.auth import sign_in
from tests.support.factories import MembershipFactory, UserFactory, member
from tests.support.letters import add_letter
from tests.support.pages import get_page, search


def test_counts_follow_letters_reads_and_unreads_per_category(client):
    user = member()
    organisation = user.memberships[0].organisation
    labour = [add_letter(organisation, subject=f"Labour {i}", category="labour") for i in range(3)]
    add_letter(organisation, subject="Study", category="study")
    add_letter(organisation, subject="General")
    db.session.commit()
    sign_in(client, user)
    client.get("/language/en")
    assert "5 unread letters" in get_page(client, "/dashboard").text

    get_page(client, f"/inbox/{labour[0].id}")  # reading marks it read
    get_page(client, f"/inbox/{labour[0].id}")  # twice changes nothing
    assert "4 unread letters" in get_page(client, "/dashboard").text
    token = get_page(client, "/inbox").csrf()
    client.post(f"/inbox/{labour[0].id}/unread", data={"csrf_token": token})
    client.post(f"/inbox/{labour[0].id}/unread", data={"csrf_token": token})  # twice: once
    assert "5 unread letters" in get_page(client, "/dashboard").text
    client.post(f"/inbox/{labour[1].id}/read", data={"csrf_token": token})
    rows = db.session.execute(
        select(InboxUnread.category, InboxUnread.unread).where(InboxUnread.user_id == user.id)
    )
    counts = {category: count for category, count in rows}  # noqa: C416
    assert counts == {"labour": 2, "study": 1, "": 1}
    shown = get_page(client, "/inbox").soup.select("#unread-by-category li")
    assert [li.get_text(" ", strip=True) for li in shown] == [
        "Labour : 2 unread",
        "Study : 1 unread",
        "Other letters : 1 unread",
    ]
    assert unread.drift() == []


def test_each_member_has_their_own_counts_and_a_newcomer_starts_with_all_unread(client):
    user = member()
    organisation = user.memberships[0].organisation
    first = add_letter(organisation, subject="First", category="labour")
    add_letter(organisation, subject="Second", category="labour")
    db.session.commit()
    sign_in(client, user)
    client.get("/language/en")
    get_page(client, f"/inbox/{first.id}")

    colleague = UserFactory()
    MembershipFactory(user=colleague, organisation=organisation, role=OrgRole.READER)
    db.session.commit()
    assert unread.total(organisation.id, colleague.id) == 2
    assert unread.total(organisation.id, user.id) == 1

    # A new letter counts for both; the colleague's leaving removes only their counters.
    issue_letter(organisation, LetterKind.GENERAL_MESSAGE, title="Hello", message="Hello there")
    db.session.commit()
    assert unread.total(organisation.id, colleague.id) == 3
    assert unread.total(organisation.id, user.id) == 2
    db.session.delete(colleague.memberships[0])
    db.session.commit()
    assert unread.total(organisation.id, colleague.id) == 0
    assert unread.drift() == []


def test_another_organisations_letters_never_count(client):
    user = member()
    other = member()
    add_letter(other.memberships[0].organisation, subject="Not yours")
    db.session.commit()
    sign_in(client, user)
    client.get("/language/en")
    assert "0 unread letters" in get_page(client, "/dashboard").text


def test_recount_finds_and_repairs_drift(app):
    user = member()
    organisation = user.memberships[0].organisation
    add_letter(organisation, subject="One", category="labour")
    db.session.commit()
    db.session.execute(update(InboxUnread).values(unread=40))  # as after a bulk load
    db.session.commit()
    runner = app.test_cli_runner()
    result = runner.invoke(args=["inbox", "recount", "--check"])
    assert result.exit_code == 1
    assert "1 unread counters differ" in result.output
    result = runner.invoke(args=["inbox", "recount"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert unread.total(organisation.id, user.id) == 1
    assert runner.invoke(args=["inbox", "recount", "--check"]).exit_code == 0


def test_a_letters_searchable_text_is_what_the_reader_sees_not_its_style_sheet(client):
    user = member()
    organisation = user.memberships[0].organisation
    letter = issue_letter(
        organisation, LetterKind.GENERAL_MESSAGE, title="Hi", message="Hello there"
    )
    db.session.commit()
    assert "Hello" in letter.body_text
    assert "@page" not in letter.body_text
    assert "DejaVu" not in letter.body_text
    sign_in(client, user)
    client.get("/language/en")
    assert "No letters match" in search(client, "/inbox", q="DejaVu").text
