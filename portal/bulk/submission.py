"""Bulk submit: residence drafts chosen in the applications list (or every draft one student
import made), each checked again with the rules `residence.submission.submit` applies — a
passport may have expired since the import — then submitted together under one declaration.

All or nothing: if any chosen draft has a problem, none is submitted and the problems are
listed per student. The acknowledgement and fee letters are issued per application, inline.
"""

from dataclasses import dataclass
from datetime import date

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from portal import audit
from portal.audit import AuditAction
from portal.extensions import db
from portal.models import Application, ApplicationKind, ApplicationStatus, Organisation, User
from portal.residence import submission


@dataclass(frozen=True)
class Verdict:
    application: Application
    problems: list[str]

    @property
    def person_name(self) -> str:
        person = self.application.person
        return person.full_name if person is not None else "–"


class NotAllSubmittable(Exception):
    """At least one draft cannot be submitted: nothing was submitted."""

    def __init__(self, verdicts: list[Verdict]):
        super().__init__(sum(1 for v in verdicts if v.problems))
        self.verdicts = verdicts


def limit() -> int:
    return current_app.config["BULK_SUBMIT_MAX"]


def chosen_drafts(visible, ids: list[int], batch_id: int | None) -> list[Application]:
    """The residence drafts among `ids` — or all of one import's, with `batch_id` — that the
    viewer may see (`visible`: the case clause); at most `limit()` (plus one, to tell)."""
    query = (
        select(Application)
        .options(selectinload(Application.person))
        .where(
            visible,
            Application.status == ApplicationStatus.DRAFT,
            Application.kind != ApplicationKind.RECOGNITION,
        )
    )
    if batch_id is not None:
        query = query.where(Application.import_batch_id == batch_id)
    else:
        query = query.where(Application.id.in_(ids[: limit() + 1]))
    return list(db.session.scalars(query.order_by(Application.id).limit(limit() + 1)))


def check_all(applications: list[Application], today: date) -> list[Verdict]:
    return [Verdict(a, submission.problems(a, today)) for a in applications]


def submit_all(
    organisation: Organisation, applications: list[Application], actor: User, today: date
) -> list[Verdict]:
    """Check every draft again, then submit them all; raises NotAllSubmittable (nothing
    submitted) when any has a problem. The caller commits, or rolls back on any error."""
    verdicts = check_all(applications, today)
    if any(v.problems for v in verdicts):
        raise NotAllSubmittable(verdicts)
    for application in applications:
        submission.submit(application, actor, today)
    audit.record(
        AuditAction.APPLICATIONS_BULK_SUBMITTED,
        actor=actor,
        organisation=organisation,
        details={"applications": [a.id for a in applications]},
    )
    return verdicts
