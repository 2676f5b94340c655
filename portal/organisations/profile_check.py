"""The yearly check of an organisation's profile (issue 25, item 7).

Once a year the administrators confirm or correct the address, the persons employed and the
contact details. The check is due a year (reference data `profile_check`) after the last
confirmation — or after the account was made — and shows as a to-do item from a month before.
Saving the profile form counts as a confirmation: the administrator has seen every field.
Unconfirmed a month after it was due, the organisation is flagged to IND staff.

One place: the due date and the state are computed here and read by the profile page, the
to-do list and the back office.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import func, select

from portal import audit, clock
from portal import reference as ref
from portal.audit import AuditAction
from portal.extensions import db
from portal.models import Organisation, User
from portal.models.base import utcnow
from portal.residence.rules import add_months


@dataclass(frozen=True)
class Check:
    last_confirmed: date | None  # None: never confirmed (counted from the account's creation)
    due_on: date
    state: str  # "fine", "due" (within the announcement period or past), "flagged" (staff)

    def overdue(self, today: date) -> bool:
        return self.due_on < today


def check_of(organisation: Organisation, today: date) -> Check:
    rules = ref.profile_check(today)
    confirmed = organisation.profile_confirmed_at
    since = clock.local_date(confirmed or organisation.created_at)
    due_on = add_months(since, rules.every_months)
    if today >= due_on + timedelta(days=rules.staff_after_days):
        state = "flagged"
    elif today >= due_on - timedelta(days=rules.announce_days):
        state = "due"
    else:
        state = "fine"
    return Check(clock.local_date(confirmed) if confirmed else None, due_on, state)


def confirm(organisation: Organisation, actor: User, *, through: str = "confirm") -> None:
    """The administrator confirms the profile as it is ("confirm") or saved it ("edit")."""
    organisation.profile_confirmed_at = utcnow()
    db.session.flush()
    audit.record(
        AuditAction.PROFILE_CONFIRMED,
        actor=actor,
        organisation=organisation,
        target=organisation,
        details={"through": through},
    )


def flagged(today: date, limit: int = 50) -> list[tuple[Organisation, date]]:
    """Organisations whose check is more than the staff period overdue, longest first, with
    the date it was due."""
    rules = ref.profile_check(today)
    # Due (last confirmation + N months) before today - staff_after_days, i.e. last
    # confirmation before that day N months earlier.
    latest_due = today - timedelta(days=rules.staff_after_days)
    before = datetime.combine(
        add_months(latest_due, -rules.every_months) + timedelta(days=1), time.min, tzinfo=UTC
    )
    since = func.coalesce(Organisation.profile_confirmed_at, Organisation.created_at)
    rows = db.session.scalars(
        select(Organisation)
        .where(since < before, Organisation.frozen_at.is_(None))
        .order_by(since, Organisation.id)
        .limit(limit)
    ).all()
    return [(organisation, check_of(organisation, today).due_on) for organisation in rows]
