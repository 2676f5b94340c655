"""Filing a family member's application with a main application: who may, with which main
application, and starting the draft about the family member's own person record."""

from flask_babel import gettext as _
from sqlalchemy import select

from portal import audit
from portal.audit import AuditAction
from portal.cases.lifecycle import status_event
from portal.extensions import db
from portal.family.checks import ENDED
from portal.family.types import FAMILY_KINDS
from portal.models import (
    Application,
    ApplicationKind,
    ApplicationStatus,
    Category,
    FamilyLink,
    Person,
    User,
)
from portal.oversight.status import effective_status
from portal.residence.filing import recognition_reason


class NotFileable(Exception):
    """No family member's application can be filed with this main application, or for this
    person: the message says why."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


def main_applications(person: Person) -> list[Application]:
    """The person's residence applications a family member can be filed with: not a family
    member's own, not ended (granted ones included: the family can follow later)."""
    return main_applications_of([person])[person.id]


def main_applications_of(people: list[Person]) -> dict[int, list[Application]]:
    """main_applications of several people in one statement (a bulk import names many),
    oldest first per person."""
    found: dict[int, list[Application]] = {person.id: [] for person in people}
    if not found:
        return found
    applications = db.session.scalars(
        select(Application)
        .join(Person, Person.id == Application.person_id)
        .where(
            Application.person_id.in_(sorted(found)),
            Application.organisation_id == Person.organisation_id,
            Application.kind.not_in([ApplicationKind.RECOGNITION, *FAMILY_KINDS]),
            Application.status.not_in(ENDED),
        )
        .order_by(Application.created_at, Application.id)
    )
    for application in applications:
        found[application.person_id].append(application)
    return found


def reason_not_fileable(main: Application) -> str | None:
    """Why no family member can be filed with this main application now (None: they can)."""
    if main.kind == ApplicationKind.RECOGNITION or main.kind in FAMILY_KINDS:
        return _("Family members are filed with the main applicant's own residence application.")
    if main.status in ENDED:
        return _("The main application has ended: family members can no longer follow it.")
    if main.category == Category.EXCHANGE:
        return _("Family members of exchange participants cannot be filed in this portal.")
    states = {r.category: effective_status(r) for r in main.organisation.recognitions}
    return recognition_reason(states, main.category)


def filed_already(main: Application, member_id: int) -> Application | None:
    """The family member's application with this main application that has not ended."""
    return db.session.scalar(
        select(Application)
        .join(FamilyLink, FamilyLink.application_id == Application.id)
        .where(
            FamilyLink.main_application_id == main.id,
            Application.person_id == member_id,
            Application.status.not_in(ENDED),
        )
    )


def start_family(main: Application, kind: ApplicationKind, member: Person, actor: User):
    """A draft of the family member's application, about their own person record, linked to
    the main application; its category (and so its filing right) is the main application's."""
    reason = reason_not_fileable(main)
    if reason is not None:
        raise NotFileable(str(reason))
    if kind not in FAMILY_KINDS:
        raise NotFileable(_("Choose whether this is the partner or a child"), "kind")
    if member.id == main.person_id or member.organisation_id != main.organisation_id:
        raise NotFileable(_("Choose the family member, not the main applicant"), "person")
    if filed_already(main, member.id) is not None:
        raise NotFileable(
            _(
                "An application for %(name)s with this main application exists already.",
                name=member.full_name,
            ),
            "person",
        )
    application = Application(
        kind=kind,
        category=main.category,
        organisation_id=main.organisation_id,
        status=ApplicationStatus.DRAFT,
        created_by_id=actor.id,
        person_id=member.id,
        answers={},
    )
    db.session.add(application)
    db.session.flush()
    db.session.add(
        FamilyLink(
            application_id=application.id,
            main_application_id=main.id,
            organisation_id=main.organisation_id,
        )
    )
    status_event(application, None, ApplicationStatus.DRAFT, actor)
    audit.record(
        AuditAction.FAMILY_APPLICATION_STARTED,
        actor=actor,
        organisation=main.organisation,
        target=application,
        details={"main_application": main.id, "kind": kind.value},
    )
    db.session.flush()
    return application
