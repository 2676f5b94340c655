"""Sign-up and sign-in of sponsor organisations and their users."""

from dataclasses import dataclass

from sqlalchemy import select

from portal import audit
from portal.audit import AuditAction
from portal.extensions import db
from portal.identity import sessions
from portal.identity.passwords import hash_password, verify_password
from portal.models import Membership, Organisation, OrganisationKind, OrgRole, StaffRole, User
from portal.models.base import utcnow
from portal.organisations import kvk
from portal.organisations.kvk import KvkNumberTaken

__all__ = ["KvkNumberTaken"]


class EmailTaken(Exception):
    pass


@dataclass
class SignUp:
    kvk_number: str
    legal_name: str
    street_address: str
    postcode: str
    city: str
    organisation_email: str
    persons_employed: int
    kind: OrganisationKind
    preferred_language: str
    admin_name: str
    admin_email: str
    password: str | None  # None: signs in through eHerkenning only


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


def kvk_number_taken(kvk_number: str) -> bool:
    """A verified organisation has this KvK number (unverified ones do not block a sign-up)."""
    return kvk.taken(kvk_number)


def sign_up(
    data: SignUp, existing_user: User | None = None, password_hash: str | None = None
) -> tuple[Organisation, User]:
    """Create an organisation with its first administrator (new, or an existing user).

    The organisation is unverified: anyone can type a KvK number. An eHerkenning sign-up
    verifies it at once (federation.sign_up_linked); a password sign-up comes here only once
    its administrator confirmed the e-mail address (portal/identity/sign_up.py), with the
    password's hash.
    """
    if kvk_number_taken(data.kvk_number):
        raise KvkNumberTaken(data.kvk_number)
    if existing_user is None and find_user_by_email(data.admin_email) is not None:
        raise EmailTaken(data.admin_email)
    organisation = Organisation(
        kvk_number=data.kvk_number,
        legal_name=data.legal_name,
        street_address=data.street_address,
        postcode=data.postcode,
        city=data.city,
        country="NL",
        email=normalise_email(data.organisation_email),
        persons_employed=data.persons_employed,
        kind=data.kind,
        preferred_language=data.preferred_language,
    )
    user = existing_user or User(
        email=normalise_email(data.admin_email),
        name=data.admin_name,
        password_hash=password_hash
        or (hash_password(data.password) if data.password else "!external"),
    )
    db.session.add_all([organisation, user])
    db.session.flush()
    db.session.add(
        Membership(user_id=user.id, organisation_id=organisation.id, role=OrgRole.ADMINISTRATOR)
    )
    db.session.flush()
    audit.record(
        AuditAction.ORGANISATION_SIGNED_UP,
        actor=user,
        organisation=organisation,
        target=organisation,
    )
    return organisation, user


def authenticate(email: str, password: str, *, staff: bool) -> User | None:
    """The user if the password matches and the account is of the kind asked; else None.

    The hash is always verified, so a wrong e-mail and a wrong password take as long.
    """
    user = find_user_by_email(email)
    ok = verify_password(user.password_hash if user else None, password)
    if not ok or user is None or user.is_staff != staff or not user.is_active:
        return None
    return user


def record_sign_in(user: User) -> None:
    user.last_sign_in_at = utcnow()
    audit.record(AuditAction.USER_SIGNED_IN, actor=user)


def create_staff(
    email: str, name: str, role: StaffRole, password: str, totp_secret: str, actor=None
) -> User:
    if find_user_by_email(email) is not None:
        raise EmailTaken(email)
    user = User(
        email=normalise_email(email),
        name=name,
        password_hash=hash_password(password),
        staff_role=role,
        totp_secret=totp_secret,
    )
    db.session.add(user)
    db.session.flush()
    audit.record(AuditAction.STAFF_CREATED, actor=actor, target=user, details={"role": role.value})
    return user


INVITED = "!invited"  # not a hash: no password matches until the invitee sets one


def invite_staff(email: str, name: str, role: StaffRole, actor: User) -> User:
    """A staff account without password or second factor: the invitee sets both from the
    e-mailed link (portal/identity/tokens.py send_staff_invitation)."""
    if find_user_by_email(email) is not None:
        raise EmailTaken(email)
    user = User(email=normalise_email(email), name=name, password_hash=INVITED, staff_role=role)
    db.session.add(user)
    db.session.flush()
    audit.record(AuditAction.STAFF_INVITED, actor=actor, target=user, details={"role": role.value})
    return user


def invitation_pending(user: User) -> bool:
    return user.password_hash == INVITED


def change_staff_role(user: User, role: StaffRole, actor: User) -> None:
    previous = user.staff_role
    user.staff_role = role
    db.session.flush()
    audit.record(
        AuditAction.STAFF_ROLE_CHANGED,
        actor=actor,
        target=user,
        details={"from": previous.value, "to": role.value},
    )


def set_staff_active(user: User, active: bool, actor: User) -> None:
    user.active = active
    db.session.flush()
    audit.record(
        AuditAction.STAFF_ACTIVATED if active else AuditAction.STAFF_DEACTIVATED,
        actor=actor,
        target=user,
    )


def has_password(user: User) -> bool:
    """Users who only sign in through OpenID Connect have no usable password."""
    return user.password_hash.startswith("$argon2")


def check_password(user: User, password: str) -> bool:
    return verify_password(user.password_hash if has_password(user) else None, password)


def end_all_sessions(user: User) -> None:
    """Every session of this user ends at once (their records are revoked)."""
    sessions.revoke_all(user.id)
    db.session.flush()


def sign_out_everywhere(user: User) -> None:
    end_all_sessions(user)
    audit.record(AuditAction.USER_SIGNED_OUT_EVERYWHERE, actor=user, target=user)


def set_password(user: User, password: str) -> None:
    """A new password ends every session of the user."""
    user.password_hash = hash_password(password)
    end_all_sessions(user)
    audit.record(AuditAction.USER_PASSWORD_CHANGED, actor=user, target=user)
