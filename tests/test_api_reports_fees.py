"""Reports of changes and fees over the API (issue 18): a report is filed with the web's
rules and messages and acknowledged by letter; reports are listed newest first; fees are
listed open and paid as the one fee rule says; another organisation's are 404."""

import pytest

from portal import clock
from portal.extensions import db
from portal.fees import payments
from portal.models import (
    Application,
    Category,
    Fee,
    Letter,
    LetterKind,
    OrganisationKind,
    PaidVia,
    Report,
)
from tests.support import factories
from tests.support.api import bearer, get_token, register_client
from tests.support.auth import sign_in, sign_out
from tests.support.factories import MandateFactory, PersonFactory, member
from tests.support.residence import TODAY, fill_in, submit


@pytest.fixture(autouse=True)
def fixed_day(monkeypatch):
    monkeypatch.setattr(clock, "today", lambda: TODAY)


def _client(http, user, scopes):
    http.get("/language/en")
    sign_in(http, user)
    client_id, secret = register_client(http, scopes=scopes)
    sign_out(http)
    return get_token(http, client_id, secret)


def test_a_report_is_filed_with_the_webs_rules_and_listed(client):
    user = member()
    organisation = user.memberships[0].organisation
    factories.recognise(organisation, Category.LABOUR)
    worker = PersonFactory(organisation=organisation, category=Category.LABOUR)
    token = _client(client, user, ("reports:write",))
    url = f"/api/v1/organisations/{organisation.kvk_number}/reports"
    headers = bearer(token, **{"Accept-Language": "en"})

    filed = client.post(
        url,
        json={"kind": "employment_ended", "event_date": "20-11-2026", "person_id": worker.id},
        headers=headers,
    )
    assert filed.status_code == 201, filed.json
    assert filed.json["category"] == "labour" and filed.json["days_late"] == 0
    letter = db.session.get(Letter, filed.json["letter_id"])
    assert letter.kind == LetterKind.REPORT_ACKNOWLEDGEMENT
    # The acknowledgement's structured data names the event and the date the report was due.
    assert letter.structured["dates"]["report_event_date"] == "2026-11-20"
    assert letter.structured["dates"]["report_due_on"] == filed.json["due_on"]

    def refused(body):
        response = client.post(url, json=body, headers=headers)
        assert response.status_code == 422, response.json
        return response.json["errors"][0]

    future = refused(
        {"kind": "employment_ended", "event_date": "2026-12-25", "person_id": worker.id}
    )
    assert future == {
        "pointer": "/event_date",
        "code": "future",
        "detail": "The date of the event cannot be in the future",
    }
    assert refused({"kind": "employment_ended", "event_date": "2026-11-20"})["code"] == (
        "person_required"
    )
    about_us = refused({"kind": "merger", "event_date": "2026-11-20", "person_id": worker.id})
    assert about_us["code"] == "person_not_expected" and "choose 'None'" in about_us["detail"]
    assert refused({"kind": "student_deregistered", "event_date": "2026-11-20"})["code"] == (
        "not_offered"  # the organisation has no students
    )
    stranger = PersonFactory(category=Category.LABOUR)
    assert refused(
        {"kind": "employment_ended", "event_date": "2026-11-20", "person_id": stranger.id}
    ) == {"pointer": "/person_id", "code": "unknown"}
    bad = client.post(url, json={"kind": "merger", "event_date": 20261120}, headers=headers)
    assert bad.status_code == 400 and bad.json["errors"] == [
        {"pointer": "/event_date", "code": "type"}
    ]
    assert db.session.scalar(db.select(db.func.count()).select_from(Report)) == 1
    dutch = client.post(
        url,
        json={"kind": "merger", "event_date": "2030-01-01"},
        headers=bearer(token, **{"Accept-Language": "nl"}),
    )
    assert dutch.json["title"] == "De melding is niet geaccepteerd."
    assert (
        dutch.json["errors"][0]["detail"]
        == "De datum van de gebeurtenis kan niet in de toekomst liggen"
    )

    merger = client.post(url, json={"kind": "merger", "event_date": "2026-11-01"}, headers=headers)
    assert merger.status_code == 201, merger.json
    listed = client.get(url, headers=headers).json
    assert [r["kind"] for r in listed["items"]] == ["merger", "employment_ended"]
    assert listed["next_before"] is None

    other = factories.OrganisationFactory()
    elsewhere = f"/api/v1/organisations/{other.kvk_number}/reports"
    assert client.get(elsewhere, headers=headers).status_code == 404
    assert client.post(elsewhere, json={}, headers=headers).status_code == 404


def test_an_intermediary_files_only_within_its_mandate(client):
    agent = member(kind=OrganisationKind.INTERMEDIARY)
    mandate = MandateFactory(intermediary=agent.memberships[0].organisation, categories=["labour"])
    factories.recognise(mandate.sponsor, Category.LABOUR)
    factories.recognise(mandate.sponsor, Category.STUDY)
    student = PersonFactory(organisation=mandate.sponsor, category=Category.STUDY)
    token = _client(client, agent, ("reports:write",))
    url = f"/api/v1/organisations/{mandate.sponsor.kvk_number}/reports"
    about_sponsor = client.post(
        url, json={"kind": "merger", "event_date": "2026-11-20"}, headers=bearer(token)
    )
    assert about_sponsor.status_code == 422 and about_sponsor.json["errors"][0]["code"] == (
        "not_offered"
    )
    outside = client.post(
        url,
        json={"kind": "left_netherlands", "event_date": "2026-11-20", "person_id": student.id},
        headers=bearer(token),
    )
    assert outside.status_code == 422 and outside.json["errors"][0]["pointer"] == "/person_id"


def test_fees_open_and_paid(client):
    user = member()
    organisation = user.memberships[0].organisation
    factories.recognise(organisation, Category.LABOUR)
    client.get("/language/en")
    sign_in(client, user)
    assert submit(client, fill_in(client)).status_code == 302
    assert submit(client, fill_in(client)).status_code == 302
    sign_out(client)
    first, second = db.session.scalars(db.select(Fee).order_by(Fee.id)).all()
    payments.book(second, second.amount_cents, TODAY, PaidVia.TRANSFER)
    db.session.commit()
    token = _client(client, user, ("applications:read",))
    url = f"/api/v1/organisations/{organisation.kvk_number}/fees"

    every = client.get(url, headers=bearer(token)).json["items"]
    assert [(f["id"], f["state"]) for f in every] == [(first.id, "due"), (second.id, "paid")]
    due = every[0]
    application = db.session.get(Application, first.application_id)
    assert due["amount_cents"] == 42300 and due["outstanding_cents"] == 42300
    assert due["payment_reference"] == application.reference
    assert [
        f["id"] for f in client.get(f"{url}?state=open", headers=bearer(token)).json["items"]
    ] == [first.id]
    paid = client.get(f"{url}?state=paid", headers=bearer(token)).json["items"]
    assert paid[0]["paid_on"] == TODAY.isoformat() and paid[0]["outstanding_cents"] is None
    assert client.get(f"{url}?state=late", headers=bearer(token)).status_code == 400
    other = factories.OrganisationFactory()
    assert (
        client.get(
            f"/api/v1/organisations/{other.kvk_number}/fees", headers=bearer(token)
        ).status_code
        == 404
    )
