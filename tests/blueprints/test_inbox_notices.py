"""E-mail notices when a letter arrives: administrators and the contact address by default,
each user's own choice (immediate / daily overview / off), never the letter's content, never
a link to sign in; bounced addresses are marked, shown and skipped until tried again."""

import socket

import pytest

from portal.extensions import db
from portal.letters.issuing import issue_letter
from portal.models import AuditEvent, Letter, LetterKind, MailBounce, OrgRole
from tests.support.auth import sign_in
from tests.support.factories import MembershipFactory, member
from tests.support.pages import Page, get_page


@pytest.fixture(autouse=True)
def english(client):
    client.get("/language/en")


def choose(client, mode, contact=None, expected=302):
    page = get_page(client, "/inbox/notices")
    data = {"csrf_token": page.csrf(), "mode": mode}
    if contact:
        data["contact_notices"] = "y"
    response = client.post("/inbox/notices", data=data)
    assert response.status_code == expected, response.text[:400]
    return response


def issue_general(organisation, title="Confidential: salary of Aiko Tanaka"):
    letter = issue_letter(
        organisation,
        LetterKind.GENERAL_MESSAGE,
        title=title,
        message="The salary of 1234567890 is below the criterion.",
        person={"name": "Aiko Tanaka", "v_number": "1234567890"},
    )
    db.session.commit()
    return letter


def recipients(smtp_server):
    return sorted(m["To"] for m in smtp_server.messages)


def test_administrators_and_the_contact_address_get_a_notice_without_content_or_link(
    app, client, smtp_server
):
    admin = member(legal_name="Fjord Research B.V.")
    organisation = admin.memberships[0].organisation
    reader = MembershipFactory(organisation=organisation, role=OrgRole.READER).user
    outsider = member()  # another organisation's administrator

    app.config["PUBLIC_BASE_URL"] = "https://portal.example"
    try:
        letter = issue_general(organisation)
    finally:
        app.config["PUBLIC_BASE_URL"] = "http://127.0.0.1:5000"

    assert recipients(smtp_server) == sorted([admin.email, organisation.email])
    for message in smtp_server.messages:
        assert reader.email not in str(message) and outsider.email not in str(message)
        body = message.get_content()
        assert "Fjord Research B.V." in body
        assert "http" not in body and "portal.example" not in body  # no link to sign in
        assert "go to the IND Sponsor Portal yourself" in body
        for secret in ("Aiko", "Tanaka", "1234567890", "salary", "Confidential", letter.reference):
            assert secret not in body and secret not in message["Subject"]


def test_the_settings_page_shows_the_default_and_saves_each_choice_audited(client, smtp_server):
    admin = member()
    organisation = admin.memberships[0].organisation
    reader = MembershipFactory(organisation=organisation, role=OrgRole.READER).user
    sign_in(client, reader)
    page = get_page(client, "/inbox/notices")
    assert page.checked("mode-2")  # off by default for a reader
    assert page.soup.find(id="contact_notices") is None  # administrators only
    choose(client, "immediate")
    assert get_page(client, "/inbox/notices").checked("mode-0")
    issue_general(organisation)
    assert reader.email in recipients(smtp_server)
    event = db.session.query(AuditEvent).filter_by(action="notice.mode_changed").one()
    assert event.actor_id == reader.id and event.details["to"] == "immediate"
    assert event.details["from"] == "off"


def test_off_stops_the_notices_and_an_administrator_turns_the_contact_address_off(
    client, smtp_server
):
    admin = member()
    organisation = admin.memberships[0].organisation
    sign_in(client, admin)
    page = get_page(client, "/inbox/notices")
    assert page.checked("mode-0") and page.checked("contact_notices")
    choose(client, "off", contact=True)
    issue_general(organisation)
    assert recipients(smtp_server) == [organisation.email]
    choose(client, "off", contact=False)
    issue_general(organisation)
    assert recipients(smtp_server) == [organisation.email]  # nothing new
    assert not get_page(client, "/inbox/notices").checked("contact_notices")
    event = db.session.query(AuditEvent).filter_by(action="notice.contact_address_changed").one()
    assert event.details == {"address": organisation.email, "on": False}


def test_the_daily_overview_choice_sends_no_notice_per_letter(client, smtp_server):
    admin = member()
    sign_in(client, admin)
    choose(client, "digest", contact=False)
    issue_general(admin.memberships[0].organisation)
    assert smtp_server.messages == []


@pytest.mark.parametrize("language", ["en", "nl"])
def test_an_invalid_choice_is_refused_next_to_the_field(client, language):
    admin = member()
    sign_in(client, admin)
    client.get(f"/language/{language}")
    response = choose(client, "weekly", expected=400)
    page = get_page(client, "/inbox/notices")  # nothing saved
    assert page.checked("mode-0")
    assert Page(response).field_error("mode")
    missing = client.post("/inbox/notices", data={"csrf_token": page.csrf()})
    assert missing.status_code == 400
    expected = {"en": "Choose which e-mails you want", "nl": "Kies welke e-mails u wilt"}
    assert expected[language] in missing.text


def test_notice_is_in_the_organisations_language(client, smtp_server):
    user = member(preferred_language="nl")
    issue_general(user.memberships[0].organisation)
    assert "Er staat een nieuwe brief" in smtp_server.messages[0]["Subject"]


def test_a_failing_mail_server_loses_neither_the_letter_nor_the_request(app, client, caplog):
    user = member()
    organisation = user.memberships[0].organisation
    sign_in(client, user)
    with socket.socket() as probe:  # a port where nothing listens
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port)
    try:
        letter = issue_general(organisation)
    finally:
        app.config.update(MAIL_SERVER=None, MAIL_PORT=25)
    assert db.session.get(Letter, letter.id) is not None
    assert "could not be sent" in caplog.text
    assert "Confidential" in get_page(client, "/inbox").text


def test_no_notice_when_the_letter_is_rolled_back(client, smtp_server):
    user = member()
    issue_letter(
        user.memberships[0].organisation, LetterKind.GENERAL_MESSAGE, title="T", message="M"
    )
    db.session.rollback()
    db.session.commit()
    assert smtp_server.messages == []


def test_with_a_queue_configured_notices_are_sent_by_the_worker_not_the_request(
    client, smtp_server, rq_queue
):
    queue, work = rq_queue
    user = member()
    organisation = user.memberships[0].organisation
    issue_general(organisation)
    assert smtp_server.messages == []  # the request only queued them
    assert queue.count == 2  # the administrator and the contact address
    work()
    assert recipients(smtp_server) == sorted([user.email, organisation.email])
    assert "1234567890" not in smtp_server.messages[0].get_payload()


def test_a_refused_address_is_marked_shown_skipped_and_can_be_tried_again(client, smtp_server):
    admin = member()
    organisation = admin.memberships[0].organisation
    reader = MembershipFactory(organisation=organisation, role=OrgRole.READER).user
    smtp_server.refuse.add(organisation.email.lower())

    issue_general(organisation)
    assert recipients(smtp_server) == [admin.email]
    bounce = db.session.query(MailBounce).one()
    assert bounce.address == organisation.email.lower() and "550" in bounce.reason
    issue_general(organisation)  # marked: not tried again
    assert recipients(smtp_server) == [admin.email, admin.email]

    # The administrator sees it and may try again; a reader does not see others' bounces.
    sign_in(client, reader)
    page = get_page(client, "/inbox/notices")
    assert organisation.email.lower() not in page.text
    assert (
        client.post(
            "/inbox/notices/retry", data={"csrf_token": page.csrf(), "address": organisation.email}
        ).status_code
        == 404
    )
    assert get_page(client, "/dashboard").soup.find(id="bounced-notice") is None
    other = client.application.test_client()
    other.get("/language/en")
    sign_in(other, admin)
    notice = get_page(other, "/dashboard").soup.find(id="bounced-notice")
    assert "to 1 address of your organisation could not be delivered" in notice.text
    page = get_page(other, "/inbox/notices")
    listed = page.soup.select_one("ul.bounces").get_text(" ", strip=True)
    assert organisation.email.lower() in listed and "550" in listed
    response = other.post(
        "/inbox/notices/retry", data={"csrf_token": page.csrf(), "address": organisation.email}
    )
    assert response.status_code == 302
    assert db.session.get(MailBounce, bounce.id).cleared_at is not None
    assert db.session.query(AuditEvent).filter_by(action="notice.bounce_cleared").count() == 1
    assert "All e-mails were delivered." in get_page(other, "/inbox/notices").text
    smtp_server.refuse.clear()
    issue_general(organisation)
    assert organisation.email in recipients(smtp_server)


def test_a_user_sees_their_own_bounce_and_the_bounce_command_marks_an_address(
    app, client, smtp_server
):
    admin = member()
    result = app.test_cli_runner().invoke(
        args=["notices", "bounce", admin.email.upper(), "--reason", "550 no such user"]
    )
    assert result.exit_code == 0, result.output
    sign_in(client, admin)
    warning = get_page(client, "/inbox/notices").soup.find(id="own-bounce")
    assert warning is not None and "550 no such user" in warning.text
    issue_general(admin.memberships[0].organisation)
    assert admin.email not in recipients(smtp_server)


def test_a_released_savepoint_sends_nothing_before_the_commit(client, smtp_server):
    user = member()
    issue_letter(
        user.memberships[0].organisation, LetterKind.GENERAL_MESSAGE, title="T", message="M"
    )
    with db.session.begin_nested():  # as kvk.verify does
        pass
    assert smtp_server.messages == []
    db.session.rollback()
    db.session.commit()
    assert smtp_server.messages == []
