"""Appointments over the API (issue 23): free slots earliest first in Amsterdam time, booking
for a case whose decision needs it (the web's rules and messages), a full slot → 409 with the
next free slots, cancelling until the cut-off, and another organisation's case → 404."""

from datetime import timedelta

from portal.api import clients
from portal.api.scopes import Scope
from portal.extensions import db
from tests.support.api import bearer, get_token
from tests.support.appointments import NOW, frozen_now, granted_case, make_desk, sponsor  # noqa: F401

BASE = "/api/v1/organisations/{kvk}/appointments"


def token_for(client, user, organisation):
    api_client, secret = clients.register(organisation, "HR system", list(Scope), [], user)
    db.session.commit()
    return get_token(client, api_client.client_id, secret)


def test_slots_book_full_and_cancel(client, frozen_now):  # noqa: F811
    user, organisation = sponsor()
    desk = make_desk(counters=1)
    first, second = granted_case(organisation, "Api"), granted_case(organisation, "Bpi")
    token = token_for(client, user, organisation)
    base = BASE.format(kvk=organisation.kvk_number)
    slots = client.get(
        f"{base}/slots?kind=biometrics&desk_id={desk.id}&from=2027-03-03", headers=bearer(token)
    )
    assert slots.status_code == 200
    earliest = slots.json["items"][0]
    assert earliest["starts_at"] == "2027-03-03T09:00:00+01:00"
    booked = client.post(
        base,
        json={"application_id": first.id, "slot": earliest["slot"]},
        headers=bearer(token),
    )
    assert booked.status_code == 201, booked.json
    assert booked.json["status"] == "booked"
    full = client.post(
        base,
        json={"application_id": second.id, "slot": earliest["slot"]},
        headers=bearer(token),
    )
    assert full.status_code == 409 and full.json["code"] == "slot_full"
    assert full.json["next_slots"][0]["starts_at"] == "2027-03-03T09:15:00+01:00"
    past = client.post(
        base,
        json={"application_id": second.id, "slot": f"{desk.id}:20270228T0800"},
        headers=bearer(token),
    )
    assert past.status_code == 422 and past.json["errors"][0]["code"] == "past"
    cancelled = client.delete(f"{base}/{booked.json['id']}", headers=bearer(token))
    assert cancelled.status_code == 200 and cancelled.json["status"] == "cancelled"
    again = client.delete(f"{base}/{booked.json['id']}", headers=bearer(token))
    assert again.status_code == 422


def test_the_cut_off_and_other_organisations(client, frozen_now):  # noqa: F811
    user, organisation = sponsor()
    _, other = sponsor()
    desk = make_desk()
    theirs = granted_case(other, "Other")
    mine = granted_case(organisation, "Mine")
    token = token_for(client, user, organisation)
    base = BASE.format(kvk=organisation.kvk_number)
    slot = f"{desk.id}:{(NOW + timedelta(hours=2)).strftime('%Y%m%dT%H%M')}"
    response = client.post(
        base, json={"application_id": theirs.id, "slot": slot}, headers=bearer(token)
    )
    assert response.status_code == 404
    # An id no database column can hold is not found either (PostgreSQL's integer ends at 2**31-1).
    for impossible in (2**31, 0, -1):
        response = client.post(
            base, json={"application_id": impossible, "slot": slot}, headers=bearer(token)
        )
        assert response.status_code == 404, impossible
    booked = client.post(
        base, json={"application_id": mine.id, "slot": slot}, headers=bearer(token)
    )
    assert booked.status_code == 201
    late = client.delete(f"{base}/{booked.json['id']}", headers=bearer(token))
    assert late.status_code == 422 and late.json["errors"][0]["code"] == "cutoff"
