"""IND staff plan desks (issue 23): desks with hours, slot lengths and counters, one-off days and
public holidays, the week view and the day list in Amsterdam time (also in the weeks of a
daylight-saving change), attended or no-show, and a closure that cancels bookings with a letter
offering rebooking."""

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select

from portal.appointments import booking
from portal.extensions import db
from portal.models import AppointmentKind, AppointmentStatus, Desk, Letter, LetterKind
from tests.support.appointments import NOW, frozen_now, granted_case, make_desk, sponsor  # noqa: F401
from tests.support.auth import sign_in, staff_sign_in
from tests.support.factories import UserFactory
from tests.support.pages import get_page


def planner(client):
    staff_sign_in(client, UserFactory(supervisor=True))
    client.get("/language/en")


def booked(organisation, desk, moment, surname="Tanaka"):
    case = granted_case(organisation, surname=surname)
    return booking.book(
        case.person, AppointmentKind.BIOMETRICS, desk, moment, None, application=case
    )


def test_desk_planning_is_for_supervisors_only(client):
    staff_sign_in(client, UserFactory(reviewer=True))
    assert client.get("/backoffice/desks").status_code == 403
    user, _ = sponsor()
    other = client.application.test_client()
    sign_in(other, user)
    assert other.get("/backoffice/desks").status_code == 404


def test_a_planner_adds_a_desk_with_hours_and_bad_input_is_named(client, frozen_now):  # noqa: F811
    planner(client)
    page = get_page(client, "/backoffice/desks/new")
    data = {
        "csrf_token": page.csrf(),
        "name": "Zwolle",
        "address": "Hanzelaan 1, Zwolle",
        "contact": "088 043 04 30",
        "biometrics_minutes": "20",
        "collection_minutes": "10",
        "biometrics_counters": "x",
        "collection_counters": "1",
        "active": "y",
        "opens_0": "9:00",
        "closes_0": "8:00",
    }
    response = client.post("/backoffice/desks/new", data=data)
    assert response.status_code == 400
    text = response.get_data(as_text=True)
    assert "Enter a whole number" in text
    data |= {"biometrics_counters": "2"}
    response = client.post("/backoffice/desks/new", data=data)
    assert "Enter opening and closing times like 09:00 and 17:00" in response.get_data(as_text=True)
    data |= {"closes_0": "13:00", "opens_2": "09:00", "closes_2": "12:00"}
    assert client.post("/backoffice/desks/new", data=data).status_code == 302
    desk = db.session.scalars(select(Desk).where(Desk.name == "Zwolle")).one()
    assert [(h.weekday, h.opens.hour, h.closes.hour) for h in desk.hours] == [
        (0, 9, 13),
        (2, 9, 12),
    ]
    week = get_page(client, f"/backoffice/desks/{desk.id}/week?week=2027-03-01")
    assert "09:00–13:00" in week.soup.select_one("#day-2027-03-01 .hours").get_text()
    assert "Closed" in week.soup.select_one("#day-2027-03-02 .hours").get_text()


def test_week_view_day_list_and_ics_keep_local_hours_across_the_dst_change(client, frozen_now):  # noqa: F811
    """Sunday 28 March 2027 the clocks go forward; 31 October 2027 back. 09:00 stays 09:00."""
    user, organisation = sponsor()
    desk = make_desk()
    before = datetime(2027, 3, 25, 8, 0, tzinfo=UTC)  # Thursday 09:00 CET (Friday: Good Friday)
    after = datetime(2027, 3, 30, 7, 0, tzinfo=UTC)  # Tuesday 09:00 CEST (Monday: Easter)
    first = booked(organisation, desk, before, "Before")
    second = booked(organisation, desk, after, "After")
    planner(client)
    for monday in ("2027-03-22", "2027-03-29"):
        week = get_page(client, f"/backoffice/desks/{desk.id}/week?week={monday}")
        hours = [td.get_text(strip=True) for td in week.soup.select("#week .hours")]
        assert hours[:5].count("09:00–12:00") >= 4, hours
    assert "Easter Monday" in week.text
    for moment in ("2027-03-25", "2027-03-30"):
        day = get_page(client, f"/backoffice/desks/{desk.id}/day/{moment}")
        assert "Open 09:00–12:00" in day.soup.select_one("#opening").get_text()
        assert day.soup.select_one("#day-list td").get_text() == "09:00"
    sponsor_client = client.application.test_client()
    sign_in(sponsor_client, user)
    for appointment, stamp in ((first, "20270325T090000"), (second, "20270330T090000")):
        body = sponsor_client.get(f"/appointments/{appointment.id}/calendar.ics").get_data(
            as_text=True
        )
        assert f"DTSTART;TZID=Europe/Amsterdam:{stamp}" in body
    # October: back to winter time, still 09:00 local.
    frozen_now.set(datetime(2027, 10, 25, 6, 0, tzinfo=UTC))
    october = booked(organisation, desk, datetime(2027, 11, 1, 8, 0, tzinfo=UTC), "Late")
    body = sponsor_client.get(f"/appointments/{october.id}/calendar.ics").get_data(as_text=True)
    assert "DTSTART;TZID=Europe/Amsterdam:20271101T090000" in body


def test_staff_mark_attended_and_a_no_show_reopens_the_todo(client, frozen_now):  # noqa: F811
    user, organisation = sponsor()
    desk = make_desk()
    came = booked(organisation, desk, NOW + timedelta(hours=1), "Came")
    missed = booked(organisation, desk, NOW + timedelta(hours=2), "Missed")
    planner(client)
    day = get_page(client, f"/backoffice/desks/{desk.id}/day/2027-03-01")
    for appointment, outcome in ((came, "attended"), (missed, "no_show")):
        response = client.post(
            f"/backoffice/appointments/{appointment.id}/outcome",
            data={"csrf_token": day.csrf(), "outcome": outcome},
        )
        assert response.status_code == 302
    db.session.expire_all()
    assert came.status == AppointmentStatus.ATTENDED
    assert missed.status == AppointmentStatus.NO_SHOW
    sponsor_client = client.application.test_client()
    sign_in(sponsor_client, user)
    sponsor_client.get("/language/en")
    todo = get_page(sponsor_client, "/todo").text
    assert "book a desk visit for Test Person Missed" in todo
    assert "Test Person Came" not in todo
    # Recorded on the case: the back office's case page shows each visit and its outcome.
    for appointment, outcome in ((came, "Attended"), (missed, "Did not come")):
        case = get_page(client, f"/backoffice/cases/{appointment.application_id}")
        row = case.soup.select_one("#case-appointments tbody tr").get_text(" ", strip=True)
        assert "Biometrics" in row and outcome in row
        # ... and so does the sponsor's.
        own = get_page(sponsor_client, f"/applications/{appointment.application_id}")
        row = own.soup.select_one("#case-appointments tbody tr").get_text(" ", strip=True)
        assert "Biometrics" in row and outcome in row


def test_a_closure_shows_who_is_affected_then_cancels_with_a_rebooking_letter(client, frozen_now):  # noqa: F811
    user, organisation = sponsor()
    desk = make_desk()
    appointment = booked(organisation, desk, NOW + timedelta(days=1), "Moved")
    planner(client)
    url = f"/backoffice/desks/{desk.id}/days"
    form = {
        "csrf_token": get_page(client, url).csrf(),
        "day-day": "2",
        "day-month": "3",
        "day-year": "2027",
        "closed": "y",
        "reason": "Power cut",
    }
    response = client.post(url, data=form)
    assert response.status_code == 400
    assert "Test Person Moved" in response.get_data(as_text=True)
    db.session.expire_all()
    assert appointment.status == AppointmentStatus.BOOKED
    response = client.post(url, data=form | {"confirm": "y"})
    assert response.status_code == 302
    db.session.expire_all()
    assert appointment.status == AppointmentStatus.CANCELLED
    assert appointment.cancel_reason == "desk_closed"
    letter = db.session.scalars(
        select(Letter).where(Letter.kind == LetterKind.APPOINTMENT).order_by(Letter.id.desc())
    ).first()
    assert "book" in letter.body_text.lower() and "Power" not in letter.subject
    assert booking.free_slots(AppointmentKind.BIOMETRICS, desk)[0].starts_at.date() != date(
        2027, 3, 2
    )


def test_a_person_reported_as_left_loses_the_booking_with_a_letter(client, frozen_now):  # noqa: F811
    from portal.duties.reports import file_report
    from portal.models import ReportKind

    user, organisation = sponsor()
    desk = make_desk()
    appointment = booked(organisation, desk, NOW + timedelta(days=2), "Gone")
    file_report(
        organisation,
        user,
        kind=ReportKind.EMPLOYMENT_ENDED,
        event_date=date(2027, 2, 28),
        details="",
        person=appointment.person,
        today=date(2027, 3, 1),
    )
    assert appointment.status == AppointmentStatus.CANCELLED
    assert appointment.cancel_reason == "person_left"
    subjects = db.session.scalars(
        select(Letter.subject).where(Letter.kind == LetterKind.APPOINTMENT)
    ).all()
    assert len(subjects) == 2  # booked, then cancelled


def test_management_sees_utilisation_lead_time_and_no_show_rate(client, frozen_now):  # noqa: F811
    user, organisation = sponsor()
    desk = make_desk(counters=1)  # 12 biometrics + 18 collection places a weekday
    came = booked(organisation, desk, NOW + timedelta(minutes=15), "Came")
    missed = booked(organisation, desk, NOW + timedelta(minutes=30), "Missed")
    booking.record_outcome(came, True, UserFactory(supervisor=True))
    booking.record_outcome(missed, False, UserFactory(supervisor=True))
    planner(client)
    assert "Appointment figures" in get_page(client, "/backoffice/desks").text
    page = get_page(client, "/backoffice/desks/figures")

    def row(table_id, heading):
        rows = page.soup.select(f"#{table_id} + div table tbody tr, #{table_id} ~ div tbody tr")
        for tr in rows:
            if tr.th.get_text(strip=True).startswith(heading):
                return [td.get_text(strip=True) for td in tr.select("td")]
        raise AssertionError((heading, [tr.th.get_text() for tr in rows]))

    # Week 9 (1 March 2027): 2 of 5 × 30 places booked.
    assert row("utilisation", "W09") == ["1.3"]
    assert row("no-shows", "W09") == ["50"]
    # The first free slot today (09:00 is past, 09:45 is free).
    assert row("lead-time", "Amsterdam") == ["0", "0"]
