"""To-do items of due process (issue 25): a case whose decision period has passed, for those
who may send the notice of default; applications waiting for an administrator's approval, and
those sent back (portal/cases/sign_off.py). The rule is portal/cases/default_notice.py
`possible_from` (the one clock); the query only narrows the cases it is asked about."""

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import select

from portal import clock
from portal.cases import default_notice, sign_off
from portal.cases.status import RUNNING_STATUSES
from portal.models import (
    Application,
    ApplicationKind,
    ApplicationStatus,
    NoticeOfDefault,
    SignOff,
    User,
)
from portal.permissions import Permission
from portal.todo import Group, Item, provider


def _late(scope, today):
    if Permission.APPLICATION_SUBMIT not in scope.permissions:
        return None
    return select(
        Application.id.label("id"),
        Application.reference.label("reference"),
        Application.status.label("status"),
        Application.decision_deadline.label("decision_deadline"),
    ).where(
        Application.organisation_id == scope.organisation.id,
        Application.status.in_(RUNNING_STATUSES),
        Application.decision_deadline < today,
        scope.in_scope(Application.category),
        ~select(NoticeOfDefault.id)
        .where(NoticeOfDefault.application_id == Application.id)
        .exists(),
    )


@provider("notice_of_default", rows=_late)
def late_decisions(scope, today, rows):
    items = []
    for row in sorted(rows, key=lambda row: (row.decision_deadline, row.id)):
        # The one clock (possible_from) on the case's facts as read (a case of these statuses
        # needs no more of its record).
        case = Application(
            id=row.id, status=ApplicationStatus(row.status), decision_deadline=row.decision_deadline
        )
        first_day = default_notice.possible_from(case, today)
        if first_day is None or first_day > today:
            continue
        items.append(
            Item(
                "notice_of_default",
                _(
                    "The decision on %(reference)s is late: you can send a notice of default",
                    reference=row.reference,
                ),
                first_day,
                "applications.show",
                {"application_id": row.id, "_anchor": "notice"},
                date_label="since",
            )
        )
    return items


def _waiting_for_approval(scope, today):
    if Permission.APPLICATION_APPROVE not in scope.permissions:
        return None
    return (
        select(
            Application.id.label("id"),
            User.name.label("text"),
            SignOff.requested_at.label("at"),
        )
        .join(SignOff, SignOff.application_id == Application.id)
        .join(User, User.id == SignOff.requested_by_id)
        .where(
            Application.organisation_id == scope.organisation.id,
            Application.status == ApplicationStatus.DRAFT,
            SignOff.decided_at.is_(None),
        )
    )


@provider(
    "sign_off",
    Group(
        lambda n: ngettext("%(num)d application to approve", "%(num)d applications to approve", n),
        "dashboard.todo_page",
    ),
    rows=_waiting_for_approval,
)
def applications_to_approve(scope, today, rows):
    """For administrators: colleagues' applications waiting for approval (issue 25)."""
    return [
        Item(
            "sign_off",
            _("Approve the application prepared by %(name)s", name=row.text),
            clock.local_date(row.at),
            "applications.sign_off_page",
            {"application_id": row.id},
            date_label="since",
        )
        for row in rows
    ]


def _sent_back(scope, today):
    if Permission.APPLICATION_SUBMIT not in scope.permissions:
        return None
    return sign_off.returned_query(scope.organisation.id, scope.in_scope)


@provider(
    "sign_off_returned",
    Group(
        lambda n: ngettext(
            "%(num)d application sent back to you", "%(num)d applications sent back to you", n
        ),
        "dashboard.todo_page",
    ),
    rows=_sent_back,
)
def applications_sent_back(scope, today, rows):
    """For who prepared them: drafts an administrator sent back, with the reason."""
    return [
        Item(
            "sign_off_returned",
            _("Sent back by %(name)s: %(reason)s", name=row.decided_by, reason=row.reason),
            clock.local_date(row.at),
            "residence.tasks" if ApplicationKind(row.kind).is_residence else "applications.check",
            {"application_id": row.id},
            date_label="since",
        )
        for row in rows
    ]
