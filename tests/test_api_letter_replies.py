"""Answering a letter over the API (issue 18), as on the letter's page: a request for
information answered with a message and a document restarts the clock and joins the case;
the same refusals and messages as the web form (in the language asked for); both scopes
needed; another organisation's letter is 404; an Idempotency-Key replays the same answer."""

import io
from datetime import timedelta

import pytest

from portal import clock
from portal.extensions import db
from portal.models import ApplicationStatus, CaseReply, Letter, LetterKind
from tests.support.api import bearer, get_token, register_client
from tests.support.auth import sign_in, sign_out, staff_sign_in, staff_sign_out
from tests.support.casework import act, submitted_case
from tests.support.factories import UserFactory, member
from tests.support.letters import add_letter, days

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
SCOPES = ("letters:read", "applications:write")


@pytest.fixture(autouse=True)
def english(client):
    client.get("/language/en")


def _token(http, user, scopes=SCOPES):
    sign_in(http, user)
    client_id, secret = register_client(http, scopes=scopes)
    sign_out(http)
    return get_token(http, client_id, secret)


def _request_for_information(http):
    """A submitted case whose reviewer asked for information: (sponsor, case, letter)."""
    case = submitted_case(days_left=30)
    staff_sign_in(http, UserFactory(reviewer=True))
    response = act(
        http,
        case,
        "/request-information",
        **{
            "request-message": "Send the trade register extract.",
            "request-respond_by": str(clock.today() + timedelta(days=14)),
        },
    )
    assert response.status_code == 302
    staff_sign_out(http)
    letter = db.session.scalar(
        db.select(Letter).where(Letter.kind == LetterKind.REQUEST_FOR_INFORMATION)
    )
    return case.created_by, case, letter


def _url(letter) -> str:
    kvk = db.session.get(type(letter.organisation), letter.organisation_id).kvk_number
    return f"/api/v1/organisations/{kvk}/letters/{letter.id}/replies"


def _post(http, token, letter, data, **headers):
    return http.post(
        _url(letter),
        data=data,
        content_type="multipart/form-data",
        headers=bearer(token, **headers),
    )


def test_answering_a_request_for_information_restarts_the_clock(client):
    sponsor, case, letter = _request_for_information(client)
    assert case.status == ApplicationStatus.INFORMATION_REQUESTED
    token = _token(client, sponsor)
    data = {"message": " Here is the extract. ", "documents": [(io.BytesIO(PDF), "extract.pdf")]}
    created = _post(client, token, letter, data, **{"Idempotency-Key": "reply-1"})
    assert created.status_code == 201, created.get_data(as_text=True)
    body = created.json
    assert body["message"] == "Here is the extract." and body["application_id"] == case.id
    (document,) = body["documents"]
    assert document["filename"] == "extract.pdf" and document["content_type"] == "application/pdf"
    db.session.expire_all()
    assert case.status == ApplicationStatus.IN_REVIEW  # the answer restarted the clock

    data = {"message": "Here is the extract.", "documents": [(io.BytesIO(PDF), "extract.pdf")]}
    again = _post(client, token, letter, data, **{"Idempotency-Key": "reply-1"})
    assert again.status_code == 201 and again.json["id"] == body["id"]
    assert again.headers["Idempotent-Replayed"] == "true"
    assert db.session.scalar(db.select(db.func.count(CaseReply.id))) == 1

    second = _post(client, token, letter, {"message": "And more."}, **{"Accept-Language": "nl"})
    assert second.status_code == 409 and second.json["code"] == "already_answered"
    assert second.json["detail"] == "Op dit verzoek is al gereageerd. Er is niets gewijzigd."

    listed = client.get(_url(letter), headers=bearer(token))
    assert listed.status_code == 200 and [r["id"] for r in listed.json["items"]] == [body["id"]]


def test_the_web_forms_rules_and_messages(client):
    user = member()
    organisation = user.memberships[0].organisation
    case = submitted_case(days_left=30)
    case.organisation = organisation
    letter = add_letter(
        organisation,
        subject="Please send the code of conduct registration",
        application_id=case.id,
        respond_by=clock.today() + timedelta(days=14),
        at=days(1),
    )
    db.session.flush()
    token = _token(client, user)

    empty = _post(client, token, letter, {"message": "   "})
    assert empty.status_code == 422
    assert empty.json["errors"] == [
        {
            "pointer": "/message",
            "code": "required",
            "detail": "Write a message or choose at least one document",
        }
    ]
    long = _post(client, token, letter, {"message": "x" * 10_001})
    assert long.status_code == 422 and long.json["errors"][0]["pointer"] == "/message"
    assert long.json["errors"][0]["detail"] == "Enter at most 10,000 characters"
    many = {"documents": [(io.BytesIO(PDF), f"{n}.pdf") for n in range(11)]}
    too_many = _post(client, token, letter, many)
    assert too_many.status_code == 422
    assert too_many.json["errors"][0]["detail"] == "Upload at most 10 documents at a time."
    exe = _post(client, token, letter, {"documents": [(io.BytesIO(b"MZ\x90\x00"), "a.pdf")]})
    assert exe.status_code == 422 and exe.json["errors"][0]["code"] == "rejected"
    unknown = _post(client, token, letter, {"message": "Hi", "bsn": "1"})
    assert unknown.status_code == 400 and unknown.json["errors"][0]["pointer"] == "/bsn"
    assert db.session.scalar(db.select(db.func.count(CaseReply.id))) == 0

    case.status = ApplicationStatus.GRANTED
    db.session.flush()
    closed = _post(client, token, letter, {"message": "Too late"})
    assert closed.status_code == 409 and closed.json["code"] == "case_closed"
    assert case.reference in closed.json["detail"]

    plain = add_letter(organisation, subject="For your information", at=days(2))
    db.session.flush()
    refused = _post(client, token, plain, {"message": "Thanks"})
    assert refused.status_code == 409 and refused.json["code"] == "not_answerable"


def test_both_scopes_and_only_ones_own_letters(client):
    sponsor, _case, letter = _request_for_information(client)
    read_only = _token(client, sponsor, scopes=("letters:read",))
    assert _post(client, read_only, letter, {"message": "Hi"}).status_code == 403
    other = member()
    theirs = _token(client, other)
    kvk = other.memberships[0].organisation.kvk_number
    response = client.post(
        f"/api/v1/organisations/{kvk}/letters/{letter.id}/replies",
        data={"message": "Hi"},
        content_type="multipart/form-data",
        headers=bearer(theirs),
    )
    assert response.status_code == 404
    assert db.session.scalar(db.select(db.func.count(CaseReply.id))) == 0
