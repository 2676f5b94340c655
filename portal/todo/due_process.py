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
from portal.extensions import db
from portal.models import Application, ApplicationStatus, NoticeOfDefault, SignOff, User
from portal.permissions import Permission
from portal.todo import Group, Item, provider


def _late(scope, today):
    if Permission.APPLICATION_SUBMIT not in scope.permissions:
        return None
    return select(Application).where(
        Application.organisation_id == scope.organisation.id,
        Application.status.in_(RUNNING_STATUSES),
        Application.decision_deadline < today,
        scope.in_scope(Application.category),
        ~select(NoticeOfDefault.id)
        .where(NoticeOfDefault.application_id == Application.id)
        .exists(),
    )


@provider("notice_of_default", gate=_late)
def late_decisions(scope, today):
    query = _late(scope, today)
    if query is None:
        return []
    candidates = db.session.scalars(
        query.order_by(Application.decision_deadline, Application.id)
    ).all()
    items = []
    for application in candidates:
        first_day = default_notice.possible_from(application, today)
        if first_day is None or first_day > today:
            continue
        items.append(
            Item(
                "notice_of_default",
                _(
                    "The decision on %(reference)s is late: you can send a notice of default",
                    reference=application.reference,
                ),
                first_day,
                "applications.show",
                {"application_id": application.id, "_anchor": "notice"},
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
    return select(Application).where(
        Application.organisation_id == scope.organisation.id,
        Application.status == ApplicationStatus.DRAFT,
        scope.in_scope(Application.category),
        select(SignOff.id).where(SignOff.application_id == Application.id).exists(),
    )


@provider(
    "sign_off_returned",
    Group(
        lambda n: ngettext(
            "%(num)d application sent back to you", "%(num)d applications sent back to you", n
        ),
        "dashboard.todo_page",
    ),
    gate=_sent_back,
)
def applications_sent_back(scope, today):
    """For who prepared them: drafts an administrator sent back, with the reason."""
    query = _sent_back(scope, today)
    if query is None:
        return []
    drafts = db.session.scalars(query.order_by(Application.id)).all()
    items = []
    for application in drafts:
        step = sign_off.last_returned(application)
        if step is None:
            continue
        items.append(
            Item(
                "sign_off_returned",
                _(
                    "Sent back by %(name)s: %(reason)s",
                    name=step.decided_by.name,
                    reason=step.reason,
                ),
                clock.local_date(step.decided_at),
                "residence.tasks" if application.kind.is_residence else "applications.check",
                {"application_id": application.id},
                date_label="since",
            )
        )
    return items
