"""Demo data for appointments (issue 23): the IND desks with their hours, and a positive
decision for one of the demo employer's people, so that "Appointment needed" is on its to-do
list and the sponsor can book, move and cancel."""

from datetime import time, timedelta

from sqlalchemy import select

from portal import clock
from portal.appointments import booking
from portal.cases.references import make_reference
from portal.extensions import db
from portal.models import (
    Application,
    ApplicationKind,
    ApplicationStatus,
    AppointmentKind,
    Desk,
    DeskHours,
    Person,
    StatusEvent,
)

# name, address, weekdays open, opens, closes, counters (biometrics, collection)
DESKS = (
    ("Amsterdam", "Orlyplein 83, 1043 DS Amsterdam", range(5), time(9), time(17), (3, 2)),
    ("Den Haag", "Rijswijkseweg 162, 2516 HL Den Haag", range(5), time(9), time(17), (3, 2)),
    ("Rotterdam", "Stadhoudersweg 10, 3039 CD Rotterdam", range(5), time(9), time(16), (2, 1)),
    ("Zwolle", "Hanzelaan 310, 8017 JK Zwolle", (1, 3), time(9), time(13), (1, 1)),
    (
        "'s-Hertogenbosch",
        "Leeghwaterlaan 10, 5223 BA 's-Hertogenbosch",
        range(5),
        time(9),
        time(16),
        (2, 1),
    ),
    (
        "Expat centre Utrecht",
        "Jaarbeursplein 6, 3521 AL Utrecht",
        (0, 2, 4),
        time(10),
        time(15),
        (1, 1),
    ),
)
CONTACT = "088 043 04 30 (IND, weekdays 09:00–17:00)"


def _snapshot(organisation, person) -> dict:
    """What was sent, in the shape residence submissions keep (portal/residence/submission.py)."""
    return {
        "organisation": organisation.snapshot(),
        "kind": ApplicationKind.EU_BLUE_CARD.value,
        "answers": {
            "person": {
                "surname": person.surname,
                "given_names": person.given_names,
                "date_of_birth": person.date_of_birth.isoformat(),
                "place_of_birth": person.place_of_birth,
                "country_of_birth": person.country_of_birth,
                "nationality": person.nationality,
                "sex": person.sex.value,
                "v_number": person.v_number or "",
                "passport_number": person.passport_number,
                "passport_issued_on": person.passport_issued_on.isoformat(),
                "passport_expires_on": person.passport_expires_on.isoformat(),
            },
            "job": {
                "job_title": "Data engineer",
                "hours_per_week": 40,
                "monthly_salary": 620000,
            },
        },
        "documents": [],
    }


def load(organisation, user, reviewer, days_ago) -> None:
    """The desks; Yui Nakamura's decision (3 days ago) needs biometrics, to book; Priya
    Sharma's appointment a week ago is on the desk's day list, its outcome still to record."""
    for name, address, weekdays, opens, closes, (biometrics, collection) in DESKS:
        desk = Desk(
            name=name,
            address=address,
            contact=CONTACT,
            biometrics_minutes=15,
            collection_minutes=10,
            biometrics_counters=biometrics,
            collection_counters=collection,
            active=True,
        )
        desk.hours = [DeskHours(weekday=d, opens=opens, closes=closes) for d in weekdays]
        db.session.add(desk)
    db.session.flush()
    sharma = _granted(organisation, "Sharma", user, reviewer, days_ago, 60, 9)
    if sharma is not None:
        amsterdam = db.session.scalar(select(Desk).where(Desk.name == "Amsterdam"))
        with clock.at(days_ago(8)):
            slot = booking.free_slots(AppointmentKind.BIOMETRICS, amsterdam, limit=1)[0]
            booking.book(
                sharma.person, slot.kind, amsterdam, slot.starts_at, user, application=sharma
            )
    _granted(organisation, "Nakamura", user, reviewer, days_ago, 40, 3)


def _granted(organisation, surname, user, reviewer, days_ago, submitted, decided):
    from portal.residence import decision

    person = db.session.scalar(
        select(Person).where(Person.organisation_id == organisation.id, Person.surname == surname)
    )
    if person is None:
        return None
    with clock.at(days_ago(submitted)):
        case = Application(
            kind=ApplicationKind.EU_BLUE_CARD,
            category=person.category,
            organisation_id=organisation.id,
            person_id=person.id,
            status=ApplicationStatus.SUBMITTED,
            snapshot=_snapshot(organisation, person),
            created_by_id=user.id,
            submitted_by_id=user.id,
            submitted_at=clock.now(),
            fee_cents=0,
            decision_deadline=clock.today() + timedelta(days=90),
        )
        db.session.add(case)
        db.session.flush()
        case.reference = make_reference(case.kind.value, clock.today().year, case.id)
        db.session.add(
            StatusEvent(
                application_id=case.id, to_status=ApplicationStatus.SUBMITTED, actor_id=user.id
            )
        )
    with clock.at(days_ago(decided)):
        decision.decide(case, reviewer, grant=True, reason="All conditions are met.")
    return case
