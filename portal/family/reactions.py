"""When a main application ends without a permit (withdrawn, refused, not considered), the
family members' pending applications filed with it are flagged and the sponsor is told in a
letter. Called by portal/cases/lifecycle.py on every status change."""

from sqlalchemy import select

from portal import audit
from portal.audit import AuditAction
from portal.extensions import db
from portal.family.checks import ENDED
from portal.letters.issuing import issue_letter
from portal.models import Application, FamilyLink, LetterKind, User
from portal.models.application import OPEN_STATUSES
from portal.models.base import utcnow
from portal.residence.presentation import person_name, person_of


def main_moved(application: Application, to_status, actor: User) -> None:
    if to_status not in ENDED:
        return
    pending = db.session.execute(
        select(FamilyLink, Application)
        .join(Application, Application.id == FamilyLink.application_id)
        .where(
            FamilyLink.main_application_id == application.id,
            FamilyLink.flagged_at.is_(None),
            Application.status.in_(OPEN_STATUSES),
        )
        .order_by(FamilyLink.id)
    ).all()
    if not pending:
        return
    now = utcnow()
    for link, _member in pending:
        link.flagged_because = to_status.value
        link.flagged_at = now
    members = [
        {"name": person_name(member), "reference": member.reference, "status": member.status}
        for _link, member in pending
    ]
    issue_letter(
        application.organisation,
        LetterKind.FAMILY_MAIN_ENDED,
        application=application,
        actor=actor,
        person=person_of(application),
        ended=to_status.value,
        members=members,
    )
    audit.record(
        AuditAction.FAMILY_MAIN_ENDED,
        actor=actor,
        organisation=application.organisation,
        target=application,
        details={"ended": to_status.value, "family": [m.id for _l, m in pending]},
    )
    db.session.flush()
