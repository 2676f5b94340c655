"""What a verified OpenID Connect sign-in means for accounts.

Sponsor users (eHerkenning): the broker vouches that this person acts for the organisation with
the asserted KvK number. The first sign-in links the person to the *verified* organisation with
that number (as a submitter; administrators change roles), or, when there is none, leads to
sign-up with the number fixed: that organisation is verified at once, and unverified ones that
claimed the number (password sign-ups) are frozen (portal/organisations/kvk.py). An eHerkenning
sign-in never joins an unverified organisation. Staff: the IND identity provider's role claim
decides the role, at every sign-in.
"""

from dataclasses import dataclass

from sqlalchemy import select

from portal import audit
from portal.audit import AuditAction
from portal.extensions import db
from portal.identity import accounts
from portal.identity.oidc import Identity, Refused
from portal.models import (
    ExternalIdentity,
    IdentityKind,
    KvkProof,
    Membership,
    OrgRole,
    StaffRole,
    User,
)
from portal.models.base import utcnow
from portal.organisations import continuity, kvk, team_mail

NO_PASSWORD = "!external"  # noqa: S105 - not a hash: no password can match it


@dataclass
class NeedsSignUp:
    kvk_number: str
    name: str
    email: str


def _linked_user(identity: Identity) -> User | None:
    link = db.session.scalar(
        select(ExternalIdentity).where(
            ExternalIdentity.issuer == identity.issuer,
            ExternalIdentity.subject == identity.subject,
        )
    )
    if link is None:
        return None
    link.last_used_at = utcnow()
    return link.user


def link(user: User, identity: Identity) -> None:
    db.session.add(
        ExternalIdentity(
            user_id=user.id,
            kind=IdentityKind(identity.kind),
            issuer=identity.issuer,
            subject=identity.subject,
            last_used_at=utcnow(),
        )
    )
    db.session.flush()
    audit.record(
        AuditAction.USER_IDENTITY_LINKED, actor=user, target=user, details={"kind": identity.kind}
    )


def sponsor_sign_in(identity: Identity, kvk_number: str) -> User | NeedsSignUp:
    organisation = kvk.verified(kvk_number)
    user = _linked_user(identity)
    if user is not None and user.is_staff:
        raise Refused("wrong_account")
    if user is None:
        if organisation is None:
            return NeedsSignUp(
                kvk_number,
                str(identity.claims.get("name") or ""),
                str(identity.claims.get("email") or ""),
            )
        email = accounts.normalise_email(str(identity.claims.get("email") or ""))
        if not email or "@" not in email or accounts.find_user_by_email(email) is not None:
            raise Refused("no_email")
        user = User(
            email=email,
            name=str(identity.claims.get("name") or email)[:200],
            password_hash=NO_PASSWORD,
        )
        db.session.add(user)
        db.session.flush()
        link(user, identity)
    elif not user.is_active:
        raise Refused("inactive")
    elif organisation is None:
        return NeedsSignUp(kvk_number, user.name, user.email)
    if not any(m.organisation_id == organisation.id for m in user.memberships):
        membership = Membership(
            user_id=user.id, organisation_id=organisation.id, role=OrgRole.SUBMITTER
        )
        db.session.add(membership)
        db.session.flush()
        db.session.refresh(user)
        audit.record(
            AuditAction.MEMBERSHIP_CREATED_BY_EHERKENNING,
            actor=user,
            organisation=organisation,
            target=membership,
        )
        team_mail.tell_administrators(
            organisation, "joined_eherkenning", member=user.name, role=OrgRole.SUBMITTER
        )
    else:
        # eHerkenning proves the person acts for the company: a pending request for
        # administrator rights is granted at once (issue 25).
        continuity.grant_through_eherkenning(user, organisation)
    return user


def sign_up_linked(data: accounts.SignUp, identity: Identity) -> User:
    """Sign-up after a first eHerkenning sign-in: the new administrator is linked at once and
    the organisation is verified (eHerkenning asserted its KvK number); unverified ones with the
    same number are frozen."""
    existing = _linked_user(identity)
    organisation, user = accounts.sign_up(data, existing_user=existing)
    if existing is None:
        link(user, identity)
    kvk.verify(organisation, KvkProof.EHERKENNING, user)
    return user


def staff_role(identity: Identity, values: list[str], mapping: dict[str, str]) -> StaffRole:
    roles = {mapping[v] for v in values if v in mapping}
    for role in (StaffRole.ADMINISTRATOR, StaffRole.SUPERVISOR, StaffRole.REVIEWER):
        if role.value in roles:
            return role
    raise Refused("role", ",".join(values))


def staff_sign_in(identity: Identity, role: StaffRole) -> User:
    user = _linked_user(identity)
    if user is None:
        email = accounts.normalise_email(str(identity.claims.get("email") or ""))
        if not email or "@" not in email:
            raise Refused("no_email")
        user = accounts.find_user_by_email(email)
        if user is not None and not user.is_staff:
            raise Refused("wrong_account")
        if user is None:
            user = User(
                email=email,
                name=str(identity.claims.get("name") or email)[:200],
                password_hash=NO_PASSWORD,
                staff_role=role,
            )
            db.session.add(user)
            db.session.flush()
            audit.record(
                AuditAction.STAFF_CREATED, target=user, details={"role": role.value, "sso": True}
            )
        link(user, identity)
    if not user.is_staff:
        raise Refused("wrong_account")
    if not user.is_active:
        raise Refused("inactive")
    if user.staff_role != role:
        audit.record(
            AuditAction.STAFF_ROLE_CHANGED,
            target=user,
            details={"from": user.staff_role.value, "to": role.value, "sso": True},
        )
        user.staff_role = role
    db.session.flush()
    return user
