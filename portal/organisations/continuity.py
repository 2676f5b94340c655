"""An organisation that survives its people (issue 25).

- A member asks for administrator rights when the only administrator left or is locked out;
  IND staff decide after checking (a supervisor's task), or an eHerkenning sign-in for the
  organisation — which proves the person acts for the company — grants the request at once.
- The portal warns while an organisation has one administrator.
- The review of members: who has not signed in for a while (reference data `member_review`) is
  listed for the administrators to keep or remove; a member kept drops off the list until the
  next review is due.

Every step is audited and e-mailed to the administrators (`team_mail`).
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from sqlalchemy import func, or_, select, update

from portal import audit
from portal import reference as ref
from portal.audit import AuditAction
from portal.collation import by_name
from portal.extensions import db
from portal.models import (
    AdminRightsRequest,
    AdminRightsStatus,
    Membership,
    Organisation,
    OrgRole,
    User,
)
from portal.models.base import utcnow
from portal.organisations import team_mail
from portal.residence.rules import add_months


class AlreadyAdministrator(Exception):
    pass


class RequestPending(Exception):
    """The member already has a request waiting for the IND."""


class AlreadyDecided(Exception):
    """The request was decided already (or its member left the organisation)."""


def working_administrators(organisation: Organisation) -> int:
    """Administrators whose account can still sign in."""
    return db.session.scalar(
        select(func.count())
        .select_from(Membership)
        .join(User, Membership.user_id == User.id)
        .where(
            Membership.organisation_id == organisation.id,
            Membership.role == OrgRole.ADMINISTRATOR,
            User.active.is_(True),
        )
    )


def pending_request(membership: Membership) -> AdminRightsRequest | None:
    return db.session.scalar(
        select(AdminRightsRequest).where(
            AdminRightsRequest.membership_id == membership.id,
            AdminRightsRequest.status == AdminRightsStatus.PENDING,
        )
    )


def request_rights(membership: Membership, reason: str, actor: User) -> AdminRightsRequest:
    if membership.role == OrgRole.ADMINISTRATOR:
        raise AlreadyAdministrator(membership.id)
    if pending_request(membership) is not None:
        raise RequestPending(membership.id)
    request = AdminRightsRequest(
        organisation_id=membership.organisation_id,
        membership_id=membership.id,
        user_id=membership.user_id,
        reason=reason.strip(),
    )
    db.session.add(request)
    db.session.flush()
    audit.record(
        AuditAction.ADMIN_RIGHTS_REQUESTED,
        actor=actor,
        organisation=membership.organisation,
        target=request,
    )
    team_mail.tell_administrators(
        membership.organisation, "rights_requested", member=membership.user.name
    )
    return request


def _close(request: AdminRightsRequest, status: AdminRightsStatus, **values) -> None:
    """Decide once: of two decisions at once, one wins (compare-and-set on the status)."""
    result = db.session.execute(
        update(AdminRightsRequest)
        .where(
            AdminRightsRequest.id == request.id,
            AdminRightsRequest.status == AdminRightsStatus.PENDING,
        )
        .values(status=status, decided_at=utcnow(), **values)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise AlreadyDecided(request.id)
    db.session.refresh(request)


def _make_administrator(request: AdminRightsRequest) -> Membership:
    membership = db.session.get(Membership, request.membership_id or 0)
    if membership is None:
        raise AlreadyDecided(request.id)
    membership.role = OrgRole.ADMINISTRATOR
    db.session.flush()
    return membership


def decide(request: AdminRightsRequest, staff: User, *, grant: bool, note: str) -> None:
    """A staff member grants (after checking with the organisation) or refuses."""
    if request.membership_id is None:
        raise AlreadyDecided(request.id)
    _close(
        request,
        AdminRightsStatus.GRANTED if grant else AdminRightsStatus.REFUSED,
        decided_by_id=staff.id,
        decided_through="staff",
        note=(note or "").strip() or None,
    )
    organisation = request.organisation
    if grant:
        _make_administrator(request)
    audit.record(
        AuditAction.ADMIN_RIGHTS_GRANTED if grant else AuditAction.ADMIN_RIGHTS_REFUSED,
        actor=staff,
        organisation=organisation,
        target=request,
        details={"user": request.user_id},
    )
    if grant:
        team_mail.tell_administrators(organisation, "rights_granted", member=request.user.name)


def grant_through_eherkenning(user: User, organisation: Organisation) -> bool:
    """The user signed in with eHerkenning for this organisation: a pending request of theirs
    is granted at once. Returns whether one was."""
    membership = db.session.scalar(
        select(Membership).where(
            Membership.user_id == user.id, Membership.organisation_id == organisation.id
        )
    )
    request = pending_request(membership) if membership is not None else None
    if request is None:
        return False
    _close(request, AdminRightsStatus.GRANTED, decided_through="eherkenning")
    _make_administrator(request)
    audit.record(
        AuditAction.ADMIN_RIGHTS_GRANTED,
        actor=user,
        organisation=organisation,
        target=request,
        details={"user": user.id, "through": "eherkenning"},
    )
    team_mail.tell_administrators(organisation, "rights_granted_eherkenning", member=user.name)
    return True


def pending_requests(limit: int = 200) -> list[AdminRightsRequest]:
    return db.session.scalars(
        select(AdminRightsRequest)
        .where(AdminRightsRequest.status == AdminRightsStatus.PENDING)
        .order_by(AdminRightsRequest.created_at, AdminRightsRequest.id)
        .limit(limit)
    ).all()


def recently_decided(limit: int = 20) -> list[AdminRightsRequest]:
    return db.session.scalars(
        select(AdminRightsRequest)
        .where(AdminRightsRequest.status != AdminRightsStatus.PENDING)
        .order_by(AdminRightsRequest.decided_at.desc(), AdminRightsRequest.id.desc())
        .limit(limit)
    ).all()


# --- the review of members who have not signed in for a while ----------------------------


@dataclass(frozen=True)
class Inactive:
    membership: Membership
    last_seen: datetime | None  # None: never signed in


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


def members_to_review(organisation: Organisation, today: date) -> list[Inactive]:
    """Members (other than through a pending invitation) who have not signed in for the
    review's number of months — counting from when they joined if they never did — and whom
    no administrator kept within the review period."""
    rules = ref.member_review(today)
    quiet_since = _start_of(add_months(today, -rules.inactive_months))
    kept_since = _start_of(add_months(today, -rules.review_every_months))
    rows = db.session.execute(
        select(Membership, User.last_sign_in_at)
        .join(User, Membership.user_id == User.id)
        .where(
            Membership.organisation_id == organisation.id,
            func.coalesce(User.last_sign_in_at, Membership.created_at) < quiet_since,
            or_(Membership.kept_at.is_(None), Membership.kept_at < kept_since),
        )
        .order_by(by_name(User.name), Membership.id)
    ).all()
    return [Inactive(membership, last_seen) for membership, last_seen in rows]


def keep_member(membership: Membership, actor: User) -> None:
    membership.kept_at = utcnow()
    db.session.flush()
    audit.record(
        AuditAction.MEMBER_KEPT,
        actor=actor,
        organisation=membership.organisation,
        target=membership,
        details={"user": membership.user_id},
    )
    team_mail.tell_administrators(
        membership.organisation, "member_kept", member=membership.user.name, actor=actor.name
    )
