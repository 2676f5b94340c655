"""Duties set-ups: a recognised employer, a permit of a person, a moment of a day."""

from datetime import UTC, date, datetime

from portal.extensions import db
from portal.models import (
    ApplicationKind,
    OrgRole,
    Permit,
)
from tests.support.factories import (
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
    holder = PersonFactory(organisation=organisation, surname=surname, **person)
    found = Permit(
        organisation_id=organisation.id,
        person_id=holder.id,
        kind=kind,
        category=holder.category,
        starts_on=date(2024, 1, 1),
        ends_on=ends_on,
    )
    db.session.add(found)
    db.session.flush()
    return found


def clock_moment(day: date):
    return datetime(day.year, day.month, day.day, 12, tzinfo=UTC)
