"""Group booking (issue 23): a university books one desk on one day for students arriving
together, each named; all or nothing, and the next days where the group fits when it does not.
And a suspended recognition does not stop bookings for decisions already taken."""

from datetime import time

from sqlalchemy import select

from portal.extensions import db
from portal.models import (
    ApplicationKind,
    Appointment,
    Recognition,
    RecognitionStatus,
)
from tests.support.appointments import frozen_now, granted_case, make_desk, sponsor  # noqa: F401
from tests.support.auth import sign_in
from tests.support.pages import get_page


def get_text(response, selector):
    from tests.support.pages import Page

    return Page(response).soup.select_one(selector).get_text()


def students(organisation, count):
    return [
        granted_case(organisation, surname=f"Student {chr(65 + i)}", kind=ApplicationKind.STUDENT)
        for i in range(count)
    ]


def post_group(client, desk, day, cases, expected):
    url = f"/appointments/group/collection?desk={desk.id}"
    page = get_page(client, url)
    response = client.post(
        "/appointments/group/collection",
        data={
            "csrf_token": page.csrf(),
            "desk": str(desk.id),
            "day": day,
            "people": [str(c.id) for c in cases],
        },
    )
    assert response.status_code == expected, response.get_data(as_text=True)[:2000]
    return response


def test_a_group_is_booked_whole_or_not_at_all_with_the_next_days_offered(client, frozen_now):  # noqa: F811
    user, organisation = sponsor()
    # Collection: 10-minute slots, 1 counter, 09:00–10:00 → 6 places a day.
    desk = make_desk(name="Utrecht", closes=time(10))
    group = students(organisation, 7)
    sign_in(client, user)
    client.get("/language/en")
    response = post_group(client, desk, "2027-03-02", group, 409)
    text = response.get_data(as_text=True)
    assert "too few free slots that day for the whole group" in text
    assert db.session.scalars(select(Appointment)).all() == []
    assert "does not fit on any day" in text  # 7 never fit in 6 places a day
    response = post_group(client, desk, "2027-03-02", group[:5], 302)
    booked = db.session.scalars(select(Appointment).order_by(Appointment.starts_at)).all()
    assert len(booked) == 5 and len({a.group_ref for a in booked}) == 1
    assert [a.person.surname for a in booked] == [f"Student {c}" for c in "ABCDE"]
    # Two more do not fit in the one place left that day: nothing booked, the next days offered.
    response = post_group(client, desk, "2027-03-02", group[5:], 409)
    offered = get_text(response, "#next-days")
    assert "3 March 2027" in offered and "2 March" not in offered
    assert db.session.scalars(select(Appointment)).all() == booked


def test_a_suspended_recognition_does_not_block_booking_for_decisions_taken(client, frozen_now):  # noqa: F811
    user, organisation = sponsor()
    for recognition in db.session.scalars(
        select(Recognition).where(Recognition.organisation_id == organisation.id)
    ):
        recognition.status = RecognitionStatus.SUSPENDED
    db.session.flush()
    case = granted_case(organisation)
    desk = make_desk()
    sign_in(client, user)
    page = get_page(client, f"/appointments/book/{case.id}")
    slot = page.soup.select("#slots input")[0]["value"]
    response = client.post(
        f"/appointments/book/{case.id}", data={"csrf_token": page.csrf(), "slot": slot}
    )
    assert response.status_code == 302
    assert db.session.scalars(select(Appointment)).one().desk_id == desk.id
