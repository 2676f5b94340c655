"""E-mail notices when a letter arrives: opt-in per user, a link, never the letter's content."""

import socket

import pytest

from portal.extensions import db
from portal.letters.issuing import issue_letter
from portal.models import Letter, LetterKind
from tests.support.auth import sign_in
from tests.support.factories import MembershipFactory, member
from tests.support.pages import get_page


@pytest.fixture(autouse=True)
def english(client):
    client.get("/language/en")


def opt_in(client, wanted=True):
    page = get_page(client, "/inbox/notices")
    data = {"csrf_token": page.csrf()}
    if wanted:
        data["letter_notices"] = "y"
    response = client.post("/inbox/notices", data=data)
    assert response.status_code == 302


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


def test_opted_in_users_get_a_notice_with_a_link_and_no_content(app, client, smtp_server):
    user = member(legal_name="Fjord Research B.V.")
    organisation = user.memberships[0].organisation
    colleague = MembershipFactory(organisation=organisation).user  # did not opt in
    outsider = member()  # another organisation, opted in there
    sign_in(client, user)
    opt_in(client)
    assert get_page(client, "/inbox/notices").checked("letter_notices")
    other = app.test_client()
    sign_in(other, outsider)
    opt_in(other)

    app.config["PUBLIC_BASE_URL"] = "https://portal.example"
    try:
        letter = issue_general(organisation)
    finally:
        app.config["PUBLIC_BASE_URL"] = "http://127.0.0.1:5000"

    (message,) = smtp_server.messages
    assert message["To"] == user.email
    assert colleague.email not in str(message) and outsider.email not in str(message)
    body = message.get_content()
    assert f"https://portal.example/inbox/{letter.id}" in body
    assert "Fjord Research B.V." in body
    for secret in ("Aiko", "Tanaka", "1234567890", "salary", "Confidential", letter.reference):
        assert secret not in body and secret not in message["Subject"]


def test_opting_out_stops_the_notices(client, smtp_server):
    user = member()
    sign_in(client, user)
    opt_in(client)
    opt_in(client, wanted=False)
    assert not get_page(client, "/inbox/notices").checked("letter_notices")
    issue_general(user.memberships[0].organisation)
    assert smtp_server.messages == []


def test_notice_is_in_the_organisations_language(client, smtp_server):
    user = member(preferred_language="nl")
    sign_in(client, user)
    opt_in(client)
    issue_general(user.memberships[0].organisation)
    (message,) = smtp_server.messages
    assert "Er staat een nieuwe brief" in message["Subject"]


def test_a_failing_mail_server_loses_neither_the_letter_nor_the_request(app, client, caplog):
    user = member()
    organisation = user.memberships[0].organisation
    sign_in(client, user)
    opt_in(client)
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
    sign_in(client, user)
    opt_in(client)
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
    sign_in(client, user)
    opt_in(client)
    issue_general(user.memberships[0].organisation)
    assert smtp_server.messages == []  # the request only queued it
    assert queue.count == 1
    work()
    (message,) = smtp_server.messages
    assert message["To"] == user.email
    assert "1234567890" not in message.get_payload()  # still never the letter's content
