"""Sponsors book, move and cancel appointments at IND desks (issue 23): the to-do item, the
free slots earliest first, the confirmation letter with its calendar file, the cut-off, bad
input next to the field, and scoping (another organisation's person or case is a 404)."""

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from portal.extensions import db
from portal.models import (
    Appointment,
    AppointmentStatus,
    Category,
    Letter,
    LetterKind,
    OrgRole,
)
from tests.support.appointments import NOW, frozen_now, granted_case, make_desk, sponsor  # noqa: F401
from tests.support.auth import sign_in
from tests.support.factories import MandateFactory, MembershipFactory
from tests.support.pages import get_page


def key(desk, moment):
    return f"{desk.id}:{moment.strftime('%Y%m%dT%H%M')}"


def book(client, case, slot_key, expected=302):
    url = f"/appointments/book/{case.id}"
    token = get_page(client, url).csrf()
    response = client.post(url, data={"csrf_token": token, "slot": slot_key})
    assert response.status_code == expected, response.get_data(as_text=True)[:3000]
    return response


def letters_of(organisation):
    return db.session.scalars(
        select(Letter)
        .where(Letter.organisation_id == organisation.id, Letter.kind == LetterKind.APPOINTMENT)
        .order_by(Letter.id)
    ).all()


def test_the_todo_item_leads_to_the_earliest_slots_and_booking_sends_a_letter(client, frozen_now):  # noqa: F811
    user, organisation = sponsor()
    case = granted_case(organisation, surname="Tanaka")
    desk = make_desk()
    sign_in(client, user)
    client.get("/language/en")
    todo = get_page(client, "/todo")
    assert "Appointment needed: book a desk visit for Test Person Tanaka" in todo.text
    page = get_page(client, f"/appointments/book/{case.id}")
    first = page.soup.select("#slots input")[0]
    assert first["value"] == key(desk, NOW + timedelta(minutes=15))  # 09:15, the earliest
    assert "1 March 2027, 09:15" in page.soup.select("#slots label")[0].get_text()
    response = book(client, case, first["value"])
    appointment = db.session.scalars(select(Appointment)).one()
    assert response.headers["Location"].endswith(f"/appointments/{appointment.id}")
    assert appointment.counter == 1 and appointment.status == AppointmentStatus.BOOKED
    shown = get_page(client, f"/appointments/{appointment.id}")
    assert shown.soup.select_one("#start-time").get_text() == "09:15"
    [letter] = letters_of(organisation)
    assert letter.subject.startswith("Afspraak bevestigd") or letter.subject.startswith(
        "Appointment confirmed"
    )
    assert "Desk street 1, Amsterdam" in letter.body_text
    assert "Appointment needed" not in get_page(client, "/todo").text
    ics = client.get(f"/appointments/{appointment.id}/calendar.ics")
    assert ics.status_code == 200 and ics.mimetype == "text/calendar"
    body = ics.get_data(as_text=True)
    assert "DTSTART;TZID=Europe/Amsterdam:20270301T091500" in body
    assert "BEGIN:VTIMEZONE" in body


def test_move_and_cancel_until_the_cut_off(client, frozen_now):  # noqa: F811
    user, organisation = sponsor()
    case = granted_case(organisation)
    desk = make_desk()
    sign_in(client, user)
    client.get("/language/en")
    tomorrow = NOW + timedelta(days=2)  # Wednesday 09:00
    book(client, case, key(desk, tomorrow))
    first = db.session.scalars(select(Appointment)).one()
    move_url = f"/appointments/{first.id}/move"
    token = get_page(client, move_url).csrf()
    later = tomorrow + timedelta(hours=1)
    response = client.post(move_url, data={"csrf_token": token, "slot": key(desk, later)})
    assert response.status_code == 302
    db.session.expire_all()
    moved = db.session.scalars(
        select(Appointment).where(Appointment.status == AppointmentStatus.BOOKED)
    ).one()
    assert moved.starts_at == later and first.status == AppointmentStatus.CANCELLED
    assert first.cancel_reason == "rescheduled"
    # Within 24 hours: no changes online, the desk's contact instead.
    frozen_now.set(later - timedelta(hours=23))
    page = get_page(client, f"/appointments/{moved.id}")
    assert "088 043 04 30" in page.soup.select_one("#cutoff").get_text()
    assert page.soup.select_one("#cancel") is None
    response = client.post(f"/appointments/{moved.id}/cancel", data={"csrf_token": page.csrf()})
    assert response.status_code == 302
    db.session.expire_all()
    assert moved.status == AppointmentStatus.BOOKED
    # Before the cut-off: cancelled, with a letter, and the to-do item is back.
    frozen_now.set(NOW)
    page = get_page(client, f"/appointments/{moved.id}")
    client.post(f"/appointments/{moved.id}/cancel", data={"csrf_token": page.csrf()})
    db.session.expire_all()
    assert moved.status == AppointmentStatus.CANCELLED
    subjects = [letter.subject for letter in letters_of(organisation)]
    assert len(subjects) == 3  # booked, moved, cancelled
    assert "Appointment needed" in get_page(client, "/todo").text


def test_a_slot_in_the_past_on_a_holiday_or_beyond_the_horizon_is_refused(client, frozen_now):  # noqa: F811
    user, organisation = sponsor()
    case = granted_case(organisation)
    desk = make_desk()
    sign_in(client, user)
    client.get("/language/en")
    cases = {
        NOW - timedelta(days=1): "This time has passed",
        datetime(2027, 3, 29, 7, 0, tzinfo=UTC): "The desk is closed",  # Easter Monday, 09:00
        NOW + timedelta(days=43): "Slots can be booked only in the coming weeks",
        NOW + timedelta(minutes=7): "The desk is closed",  # not a slot's start
    }
    for moment, message in cases.items():
        page = book(client, case, key(desk, moment), expected=400)
        assert message in page.get_data(as_text=True)
    response = book(client, case, "nonsense", expected=400)
    assert "The desk is closed" in response.get_data(as_text=True)
    assert db.session.scalars(select(Appointment)).all() == []


def test_a_full_slot_says_so_and_offers_the_next_free_ones(client, frozen_now):  # noqa: F811
    user, organisation = sponsor()
    desk = make_desk(counters=1)
    first, second = granted_case(organisation, "Aa"), granted_case(organisation, "Bb")
    sign_in(client, user)
    client.get("/language/en")
    slot = key(desk, NOW + timedelta(hours=1))
    book(client, first, slot)
    response = book(client, second, slot, expected=409)
    text = response.get_data(as_text=True)
    assert "This slot has just been filled" in text
    assert slot not in text  # the full slot is not offered again
    assert key(desk, NOW + timedelta(hours=1, minutes=15)) in text


def test_another_organisations_case_or_appointment_is_a_404(client, frozen_now):  # noqa: F811
    user, organisation = sponsor()
    other_user, other = sponsor()
    case = granted_case(other)
    desk = make_desk()
    sign_in(client, other_user)
    book(client, case, key(desk, NOW + timedelta(hours=1)))
    appointment = db.session.scalars(select(Appointment)).one()
    client.get("/sign-out")
    client2 = client.application.test_client()
    sign_in(client2, user)
    for url in (
        f"/appointments/book/{case.id}",
        f"/appointments/{appointment.id}",
        f"/appointments/{appointment.id}/move",
        f"/appointments/{appointment.id}/calendar.ics",
    ):
        assert client2.get(url).status_code == 404


def test_an_intermediary_outside_its_mandate_gets_a_404(client, frozen_now):  # noqa: F811
    from tests.support.auth import act_under_mandate

    user, organisation = sponsor()
    case = granted_case(organisation)  # labour
    mandate = MandateFactory(sponsor=organisation, categories=[Category.STUDY.value])
    agent_user = MembershipFactory(organisation=mandate.intermediary, role=OrgRole.SUBMITTER).user
    make_desk()
    sign_in(client, agent_user)
    act_under_mandate(client, mandate)
    assert client.get(f"/appointments/book/{case.id}").status_code == 404
