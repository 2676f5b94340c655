"""To-do items of due process (issue 25): a case whose decision period has passed, for those
who may send the notice of default. The rule is portal/cases/default_notice.py
`possible_from` (the one clock); the query only narrows the cases it is asked about."""

from flask_babel import gettext as _
from sqlalchemy import select

from portal.cases import default_notice
from portal.cases.status import RUNNING_STATUSES
from portal.extensions import db
from portal.models import Application, NoticeOfDefault
from portal.permissions import Permission
from portal.todo import Item, provider


@provider("notice_of_default")
def late_decisions(scope, today):
    if Permission.APPLICATION_SUBMIT not in scope.permissions:
        return []
    candidates = db.session.scalars(
        select(Application)
        .where(
            Application.organisation_id == scope.organisation.id,
            Application.status.in_(RUNNING_STATUSES),
            Application.decision_deadline < today,
            scope.in_scope(Application.category),
            ~select(NoticeOfDefault.id)
            .where(NoticeOfDefault.application_id == Application.id)
            .exists(),
        )
        .order_by(Application.decision_deadline, Application.id)
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
