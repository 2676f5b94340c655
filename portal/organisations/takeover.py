"""Taking over a frozen organisation: the legitimate company signed up with a password before
it had eHerkenning, then proved its KvK number. Its verified administrator moves the frozen
account's people, drafts and open cases (with everything that belongs to them) in one audited
step. Nothing moves without that step; decided cases about no one moved stay where they were.
"""

from dataclasses import dataclass

from sqlalchemy import and_, func, or_, select, tuple_, update

from portal import audit
from portal.audit import AuditAction
from portal.extensions import db
from portal.letters import unread
from portal.models import (
    Application,
    CaseReply,
    ChangeHistory,
    ChangeSubject,
    Document,
    Letter,
    Membership,
    Organisation,
    Permit,
    Person,
    ReminderSent,
    Report,
    User,
)
from portal.models.application import OPEN_STATUSES


class NotTakeable(Exception):
    """Not a frozen organisation with the verified organisation's KvK number."""


class PeopleInBoth(Exception):
    """Some people are in both registers (same nationality and passport number)."""

    def __init__(self, count: int):
        super().__init__(count)
        self.count = count


@dataclass(frozen=True)
class Holdings:
    people: int
    drafts: int
    open_cases: int

    @property
    def empty(self) -> bool:
        return not (self.people or self.drafts or self.open_cases)


def _check(verified: Organisation, frozen: Organisation) -> None:
    if not (
        verified.is_verified
        and frozen.is_frozen
        and frozen.id != verified.id
        and frozen.kvk_number == verified.kvk_number
    ):
        raise NotTakeable(frozen.id)


def holdings(frozen: Organisation) -> Holdings:
    """What a take-over would move: people, drafts and open (submitted, undecided) cases."""

    def count(*where):
        return db.session.scalar(select(func.count()).where(*where))

    drafts = count(Application.organisation_id == frozen.id, Application.status == OPEN_STATUSES[0])
    open_cases = count(
        Application.organisation_id == frozen.id, Application.status.in_(OPEN_STATUSES[1:])
    )
    return Holdings(count(Person.organisation_id == frozen.id), drafts, open_cases)


def _move(model, frozen: Organisation, verified: Organisation, *where) -> int:
    return db.session.execute(
        update(model)
        .where(model.organisation_id == frozen.id, *where)
        .values(organisation_id=verified.id)
        .execution_options(synchronize_session=False)
    ).rowcount


def take_over(verified: Organisation, frozen: Organisation, actor: User) -> Holdings:
    """Move the frozen organisation's people, drafts and open cases to the verified one."""
    _check(verified, frozen)
    moved = holdings(frozen)
    person_ids = select(Person.id).where(Person.organisation_id == frozen.id)
    clashes = db.session.scalar(
        select(func.count()).where(
            Person.organisation_id == frozen.id,
            tuple_(Person.nationality, Person.passport_number).in_(
                select(Person.nationality, Person.passport_number).where(
                    Person.organisation_id == verified.id
                )
            ),
        )
    )
    if clashes:
        raise PeopleInBoth(clashes)
    # The cases that go: drafts and open cases, and every case about a person who goes (so no
    # case of one organisation points at another's person).
    application_ids = db.session.scalars(
        select(Application.id).where(
            Application.organisation_id == frozen.id,
            or_(Application.status.in_(OPEN_STATUSES), Application.person_id.in_(person_ids)),
        )
    ).all()
    permit_ids = db.session.scalars(select(Permit.id).where(Permit.person_id.in_(person_ids))).all()
    moved_person_ids = db.session.scalars(person_ids).all()

    _move(Permit, frozen, verified, Permit.id.in_(permit_ids))
    _move(ReminderSent, frozen, verified, ReminderSent.permit_id.in_(permit_ids))
    _move(Report, frozen, verified, Report.person_id.in_(moved_person_ids))
    _move(
        ChangeHistory,
        frozen,
        verified,
        and_(
            ChangeHistory.subject_type == ChangeSubject.PERSON,
            ChangeHistory.subject_id.in_(moved_person_ids),
        ),
    )
    _move(Letter, frozen, verified, Letter.application_id.in_(application_ids))
    _move(Document, frozen, verified, Document.application_id.in_(application_ids))
    _move(CaseReply, frozen, verified, CaseReply.application_id.in_(application_ids))
    _move(Application, frozen, verified, Application.id.in_(application_ids))
    _move(Person, frozen, verified, Person.id.in_(moved_person_ids))
    db.session.expire_all()
    # Letters moved with their cases: recount the members' unread counters of both.
    connection = db.session.connection()
    for organisation in (frozen, verified):
        for user_id in db.session.scalars(
            select(Membership.user_id).where(Membership.organisation_id == organisation.id)
        ):
            unread.count_for_member(connection, user_id, organisation.id)
    details = {
        "people": moved.people,
        "drafts": moved.drafts,
        "open_cases": moved.open_cases,
        "cases_moved": len(application_ids),
        "from": frozen.id,
        "to": verified.id,
    }
    audit.record(
        AuditAction.ORGANISATION_TAKEN_OVER,
        actor=actor,
        organisation=verified,
        target=frozen,
        details=details,
    )
    audit.record(
        AuditAction.ORGANISATION_HANDED_OVER,
        actor=actor,
        organisation=frozen,
        target=frozen,
        details=details,
    )
    db.session.flush()
    return moved
