"""Duties set-ups: a recognised employer, a permit of a person, a moment of a day."""

from datetime import UTC, date, datetime

from portal.models import (
    ApplicationKind,
    OrgRole,
)
from tests.support.factories import (
    PermitFactory,
    PersonFactory,
    member,
    recognise,
)

TODAY = date(2027, 3, 10)


def employer(role=OrgRole.ADMINISTRATOR, **kwargs):
    user = member(role, **kwargs)
    organisation = user.memberships[0].organisation
    recognise(organisation)
    return user, organisation


def permit(organisation, ends_on, surname, kind=ApplicationKind.HSM_RESIDENCE, **person):
    """A permit until `ends_on` of a new person called `surname` (from 1 January 2024)."""
    holder = PersonFactory(organisation=organisation, surname=surname, **person)
    return PermitFactory(person=holder, kind=kind, ends_on=ends_on)


def clock_moment(day: date):
    return datetime(day.year, day.month, day.day, 12, tzinfo=UTC)
