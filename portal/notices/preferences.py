"""Who gets which e-mail notice, for one organisation.

Each user chooses per organisation: *immediate* (an e-mail for each new letter, and the daily
digest of to-do items coming due), *daily digest* (one e-mail a day) or *off*. Without a choice,
administrators get immediate notices and everyone else none. The organisation's contact address
gets what administrators get, unless an administrator turns it off. An address whose mail
bounced gets nothing until it is cleared (portal/notices/bounces.py).
"""

from dataclasses import dataclass

from sqlalchemy import and_, exists, select

from portal import audit
from portal.audit import AuditAction
from portal.extensions import db
from portal.models import (
    Mandate,
    Membership,
    NoticeMode,
    NoticePreference,
    Organisation,
    OrgRole,
    User,
)
from portal.models.base import utcnow
from portal.notices import bounces

# What the organisation's contact address gets (the same as an administrator by default).
CONTACT_MODE = NoticeMode.IMMEDIATE


def default_mode(role: OrgRole | None) -> NoticeMode:
    """Without a choice: administrators immediate, other members and intermediaries off."""
    return NoticeMode.IMMEDIATE if role == OrgRole.ADMINISTRATOR else NoticeMode.OFF


def _role(user: User, organisation: Organisation) -> OrgRole | None:
    return next((m.role for m in user.memberships if m.organisation_id == organisation.id), None)


def mode_of(user: User, organisation: Organisation) -> NoticeMode:
    chosen = db.session.get(NoticePreference, (user.id, organisation.id))
    return chosen.mode if chosen is not None else default_mode(_role(user, organisation))


def set_mode(user: User, organisation: Organisation, mode: NoticeMode) -> bool:
    """The user's own choice (flushes, audited). False when nothing changed."""
    before = mode_of(user, organisation)
    chosen = db.session.get(NoticePreference, (user.id, organisation.id))
    if chosen is None:
        db.session.add(
            NoticePreference(user_id=user.id, organisation_id=organisation.id, mode=mode)
        )
    elif chosen.mode != mode:
        chosen.mode, chosen.updated_at = mode, utcnow()
    db.session.flush()
    if before == mode:
        return False
    audit.record(
        AuditAction.NOTICE_MODE_CHANGED,
        actor=user,
        organisation=organisation,
        target=user,
        details={"from": before.value, "to": mode.value},
    )
    return True


def set_contact_notices(organisation: Organisation, wanted: bool, actor: User) -> bool:
    """An administrator turns the contact address's notices on or off (flushes, audited)."""
    if organisation.contact_notices == wanted:
        return False
    organisation.contact_notices = wanted
    db.session.flush()
    audit.record(
        AuditAction.NOTICE_CONTACT_CHANGED,
        actor=actor,
        organisation=organisation,
        target=organisation,
        details={"address": organisation.email, "on": wanted},
    )
    return True


@dataclass(frozen=True)
class Recipient:
    address: str
    mode: NoticeMode
    user_id: int | None  # None: the organisation's contact address
    role: OrgRole = OrgRole.ADMINISTRATOR  # the contact address reads what administrators do


def member_recipients(organisation: Organisation) -> list[Recipient]:
    """Members (active accounts) and the contact address with the notices they get, each
    address once, bounced addresses left out. Modes other than off only."""
    rows = db.session.execute(
        select(User.id, User.email, Membership.role, NoticePreference.mode)
        .join(Membership, Membership.user_id == User.id)
        .outerjoin(
            NoticePreference,
            and_(
                NoticePreference.user_id == User.id,
                NoticePreference.organisation_id == organisation.id,
            ),
        )
        .where(Membership.organisation_id == organisation.id, User.active.is_(True))
        .order_by(User.id)
    ).all()
    candidates = [
        Recipient(email, mode if mode is not None else default_mode(role), user_id, role)
        for user_id, email, role, mode in rows
    ]
    if organisation.contact_notices and organisation.email:
        candidates.append(Recipient(organisation.email, CONTACT_MODE, None))
    wanted = [r for r in candidates if r.mode != NoticeMode.OFF]
    keep = set(map(bounces.normalise, bounces.deliverable([r.address for r in wanted])))
    result, seen = [], set()
    for recipient in wanted:
        key = bounces.normalise(recipient.address)
        if key in keep and key not in seen:
            seen.add(key)
            result.append(recipient)
    return result


def addresses_of_organisation(organisation: Organisation) -> list[str]:
    """Every address notices for the organisation may go to: members' and the contact's
    (what an administrator sees bounces of)."""
    members = db.session.scalars(
        select(User.email)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.organisation_id == organisation.id)
        .order_by(User.email)
    ).all()
    return [*members, organisation.email] if organisation.email else list(members)


@dataclass(frozen=True)
class Agent:
    """A user of an intermediary who chose notices for a sponsor, with the mandate in force."""

    address: str
    mode: NoticeMode
    mandate: Mandate


def intermediary_recipients(organisation: Organisation, today) -> list[Agent]:
    """Intermediary users (not members) who chose notices for the organisation and act for it
    under a mandate in force today; bounced addresses left out."""
    rows = db.session.execute(
        select(User.id, User.email, NoticePreference.mode)
        .join(NoticePreference, NoticePreference.user_id == User.id)
        .where(
            NoticePreference.organisation_id == organisation.id,
            NoticePreference.mode != NoticeMode.OFF,
            User.active.is_(True),
            ~exists().where(
                Membership.user_id == User.id, Membership.organisation_id == organisation.id
            ),
        )
        .order_by(User.id)
    ).all()
    keep = set(map(bounces.normalise, bounces.deliverable([email for _, email, _ in rows])))
    result = []
    for user_id, email, mode in rows:
        if bounces.normalise(email) not in keep:
            continue
        mandates = db.session.scalars(
            select(Mandate)
            .join(Membership, Membership.organisation_id == Mandate.intermediary_id)
            .where(Membership.user_id == user_id, Mandate.sponsor_id == organisation.id)
            .order_by(Mandate.id)
        ).all()
        in_force = next((m for m in mandates if m.active_on(today)), None)
        if in_force is not None:
            result.append(Agent(email, mode, in_force))
    return result
