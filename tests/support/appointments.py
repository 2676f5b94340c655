"""Appointment set-ups (issue 23): a desk open 09:00–12:00 on weekdays, a person with a
positive decision that needs an appointment, and a fixed 'now' (Monday 1 March 2027, 09:00 in
Amsterdam)."""

from datetime import UTC, datetime, time

import pytest

from portal import clock
from portal.extensions import db
from portal.models import (
    ApplicationKind,
    ApplicationStatus,
    Category,
    Desk,
    DeskHours,
    OrgRole,
)
from tests.support.factories import ApplicationFactory, PersonFactory, member, recognise

NOW = datetime(2027, 3, 1, 8, 0, tzinfo=UTC)  # Monday 1 March 2027, 09:00 in Amsterdam


@pytest.fixture
def frozen_now(monkeypatch):
    """'Now' is NOW for the test; `set(moment)` moves it."""

    class Now:
        moment = NOW

        def set(self, moment):
            self.moment = moment

    now = Now()
    monkeypatch.setattr(clock, "now", lambda: now.moment)
    return now


def make_desk(name="Amsterdam", counters=2, minutes=15, opens=time(9), closes=time(12), **values):
    desk = Desk(
        name=name,
        address=f"Desk street 1, {name}",
        contact="088 043 04 30",
        biometrics_minutes=minutes,
        collection_minutes=10,
        biometrics_counters=counters,
        collection_counters=1,
        active=True,
        **values,
    )
    desk.hours = [DeskHours(weekday=d, opens=opens, closes=closes) for d in range(5)]
    db.session.add(desk)
    db.session.flush()
    return desk


def sponsor(role=OrgRole.ADMINISTRATOR):
    user = member(role)
    organisation = user.memberships[0].organisation
    recognise(organisation)
    return user, organisation


def granted_case(organisation, surname="Tanaka", kind=ApplicationKind.HSM_RESIDENCE, **person):
    """A granted residence case of a new person (it needs biometrics unless `kind` says not)."""
    holder = PersonFactory(organisation=organisation, surname=surname, **person)
    case = ApplicationFactory(
        organisation=organisation,
        kind=kind,
        category=Category.LABOUR,
        person=holder,
        submitted=True,
        status=ApplicationStatus.GRANTED,
        decided_at=NOW,
    )
    # As a residence submission stores it: the organisation and the answers as sent.
    case.snapshot = {**case.snapshot, "answers": {}}
    db.session.flush()
    return case
