"""The team of an organisation: invitations by e-mail (single use, expiring, only a hash of the
secret stored), roles, removal — and always at least one administrator."""

import hashlib
import secrets
from datetime import timedelta

from flask import current_app, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import func, select, update

from portal import audit
from portal.audit import AuditAction
from portal.collation import by_name
from portal.extensions import db
from portal.identity import sessions
from portal.identity.accounts import find_user_by_email, normalise_email
from portal.identity.passwords import hash_password
from portal.mail import send_mail
from portal.models import Invitation, Membership, Organisation, OrgRole, User
from portal.models.base import utcnow
from portal.organisations import team_mail

INVITATION_VALID_FOR = timedelta(days=7)


class AlreadyMember(Exception):
    pass


class LastAdministrator(Exception):
    """The change would leave the organisation without an administrator."""


class InvitationInvalid(Exception):
    """reason: 'unknown' (forged or mistyped), 'used', 'expired' or 'revoked'."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class WrongAccount(Exception):
    """Signed in as someone other than the person invited."""


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def members(organisation: Organisation) -> list[Membership]:
    return db.session.scalars(
        select(Membership)
        .join(User, Membership.user_id == User.id)
        .where(Membership.organisation_id == organisation.id)
        .order_by(by_name(User.name), Membership.id)
    ).all()


def pending_invitations(organisation: Organisation) -> list[Invitation]:
    return db.session.scalars(
        select(Invitation)
        .where(
            Invitation.organisation_id == organisation.id,
            Invitation.accepted_at.is_(None),
            Invitation.revoked_at.is_(None),
            Invitation.expires_at > utcnow(),
        )
        .order_by(Invitation.created_at.desc())
    ).all()


def is_member(organisation: Organisation, email: str) -> bool:
    return (
        db.session.scalar(
            select(func.count())
            .select_from(Membership)
            .join(User, Membership.user_id == User.id)
            .where(
                Membership.organisation_id == organisation.id,
                User.email == normalise_email(email),
            )
        )
        > 0
    )


def invite(organisation: Organisation, email: str, role: OrgRole, actor: User):
    """A new invitation (replacing a pending one for the same address); returns it and the
    secret token, which exists only in the e-mail."""
    email = normalise_email(email)
    if is_member(organisation, email):
        raise AlreadyMember(email)
    now = utcnow()
    db.session.execute(
        update(Invitation)
        .where(
            Invitation.organisation_id == organisation.id,
            Invitation.email == email,
            Invitation.accepted_at.is_(None),
            Invitation.revoked_at.is_(None),
        )
        .values(revoked_at=now)
        .execution_options(synchronize_session=False)
    )
    token = secrets.token_urlsafe(32)
    invitation = Invitation(
        organisation_id=organisation.id,
        email=email,
        role=role,
        token_hash=_hash(token),
        invited_by_id=actor.id,
        created_at=now,
        expires_at=now + INVITATION_VALID_FOR,
    )
    db.session.add(invitation)
    db.session.flush()
    audit.record(
        AuditAction.MEMBER_INVITED,
        actor=actor,
        organisation=organisation,
        target=invitation,
        details={"email": email, "role": role.value},
    )
    team_mail.tell_administrators(organisation, "invited", actor=actor.name, role=role)
    return invitation, token


def invitation_link(token: str) -> str:
    base = current_app.config["PUBLIC_BASE_URL"].rstrip("/")
    return base + url_for("organisation.invitation", token=token)


def send_invitation(invitation: Invitation, token: str, actor: User) -> None:
    """One e-mail, in Dutch and English (we do not know the invitee's language)."""
    organisation = invitation.organisation
    link = invitation_link(token)
    parts = []
    for language in ("nl", "en"):
        with force_locale(language):
            parts.append(
                _(
                    "%(name)s invites you to act for %(organisation)s in the IND Sponsor "
                    "Portal.\n\nAccept the invitation with this link (valid for 7 days, "
                    "once):\n%(link)s\n\nIf you did not expect this e-mail, ignore it.",
                    name=actor.name,
                    organisation=organisation.legal_name,
                    link=link,
                )
            )
    with force_locale("nl"):
        subject_nl = _("Invitation to the IND Sponsor Portal")
    with force_locale("en"):
        subject_en = _("Invitation to the IND Sponsor Portal")
    send_mail(invitation.email, f"{subject_nl} / {subject_en}", "\n\n---\n\n".join(parts))


def find_invitation(token: str) -> Invitation:
    invitation = db.session.scalar(
        select(Invitation).where(Invitation.token_hash == _hash(token or ""))
    )
    if invitation is None:
        raise InvitationInvalid("unknown")
    if invitation.accepted_at is not None:
        raise InvitationInvalid("used")
    if invitation.revoked_at is not None:
        raise InvitationInvalid("revoked")
    if invitation.expires_at <= utcnow():
        raise InvitationInvalid("expired")
    return invitation


def accept(invitation: Invitation, user: User) -> Membership:
    """Join the organisation. Single use: of two accepts at once, one wins."""
    if normalise_email(user.email) != invitation.email or user.is_staff:
        raise WrongAccount(invitation.id)
    organisation = invitation.organisation
    if is_member(organisation, user.email):
        raise AlreadyMember(user.email)
    now = utcnow()
    result = db.session.execute(
        update(Invitation)
        .where(
            Invitation.id == invitation.id,
            Invitation.accepted_at.is_(None),
            Invitation.revoked_at.is_(None),
            Invitation.expires_at > now,
        )
        .values(accepted_at=now, accepted_by_id=user.id)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise InvitationInvalid("used")
    membership = Membership(user_id=user.id, organisation_id=organisation.id, role=invitation.role)
    db.session.add(membership)
    db.session.flush()
    audit.record(
        AuditAction.MEMBER_JOINED,
        actor=user,
        organisation=organisation,
        target=membership,
        details={"role": invitation.role.value, "invitation": invitation.id},
    )
    team_mail.tell_administrators(organisation, "joined", member=user.name, role=invitation.role)
    db.session.refresh(user)
    return membership


def register_and_accept(invitation: Invitation, name: str, password: str) -> User:
    """A new account for the invited address (the link proves the address), then join."""
    user = User(email=invitation.email, name=name, password_hash=hash_password(password))
    db.session.add(user)
    db.session.flush()
    audit.record(AuditAction.USER_REGISTERED_BY_INVITATION, actor=user, target=user)
    accept(invitation, user)
    return user


def _administrator_count(organisation_id: int) -> int:
    # Lock the organisation's memberships (PostgreSQL) so two demotions cannot cross.
    roles = db.session.scalars(
        select(Membership.role)
        .where(Membership.organisation_id == organisation_id)
        .with_for_update()
    ).all()
    return sum(1 for role in roles if role == OrgRole.ADMINISTRATOR)


def change_role(membership: Membership, role: OrgRole, actor: User) -> Membership:
    if membership.role == role:
        return membership
    if (
        membership.role == OrgRole.ADMINISTRATOR
        and _administrator_count(membership.organisation_id) <= 1
    ):
        raise LastAdministrator(membership.id)
    old = membership.role
    membership.role = role
    audit.record(
        AuditAction.MEMBER_ROLE_CHANGED,
        actor=actor,
        organisation=membership.organisation,
        target=membership,
        details={"user": membership.user_id, "from": old.value, "to": role.value},
    )
    db.session.flush()
    team_mail.tell_administrators(
        membership.organisation,
        "role_changed",
        actor=actor.name,
        member=membership.user.name,
        old_role=old,
        role=role,
    )
    return membership


def remove_member(membership: Membership, actor: User) -> None:
    if (
        membership.role == OrgRole.ADMINISTRATOR
        and _administrator_count(membership.organisation_id) <= 1
    ):
        raise LastAdministrator(membership.id)
    audit.record(
        AuditAction.MEMBER_REMOVED,
        actor=actor,
        organisation=membership.organisation,
        target=membership,
        details={"user": membership.user_id, "role": membership.role.value},
    )
    user_id = membership.user_id
    organisation, name = membership.organisation, membership.user.name
    db.session.delete(membership)
    # Their sessions end now, not at the next sign-in: a session may still act for this team.
    sessions.revoke_all(user_id)
    db.session.flush()
    team_mail.tell_administrators(organisation, "removed", actor=actor.name, member=name)


def revoke_invitation(invitation: Invitation, actor: User) -> None:
    if invitation.accepted_at is None and invitation.revoked_at is None:
        invitation.revoked_at = utcnow()
        audit.record(
            AuditAction.MEMBER_INVITATION_REVOKED,
            actor=actor,
            organisation=invitation.organisation,
            target=invitation,
        )
        db.session.flush()


def find_account(email: str) -> User | None:
    return find_user_by_email(email)
