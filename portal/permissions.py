"""One permission vocabulary for sponsor and staff roles, and the decorators that guard views.

Every endpoint either carries a permission (set by `requires` / `staff_requires`)
or is on PUBLIC_ENDPOINTS; tests/test_routes_protected.py walks the URL map to prove it.
"""

from enum import StrEnum
from functools import wraps

from flask import abort, g, redirect, request, session, url_for
from flask_login import current_user

from portal.models import Membership, OrgRole, StaffRole


class Permission(StrEnum):
    ORGANISATION_READ = "organisation:read"
    APPLICATION_READ = "organisation:application:read"
    APPLICATION_CREATE = "organisation:application:create"
    APPLICATION_SUBMIT = "organisation:application:submit"
    LETTER_READ = "organisation:letter:read"
    LETTER_REPLY = "organisation:letter:reply"

    STAFF_QUEUE_READ = "staff:queue:read"
    STAFF_CASE_READ = "staff:case:read"
    STAFF_CASE_DECIDE = "staff:case:decide"
    STAFF_CASE_CLAIM = "staff:case:claim"
    STAFF_CASE_ASSIGN = "staff:case:assign"
    STAFF_CASE_REQUEST_INFORMATION = "staff:case:request-information"
    STAFF_CASE_APPROVE_REFUSAL = "staff:case:approve-refusal"
    STAFF_ORGANISATION_READ = "staff:organisation:read"
    STAFF_SANCTION_RECORD = "staff:sanction:record"  # warning, fine
    STAFF_SANCTION_SUSPEND = "staff:sanction:suspend"  # suspend, extend, lift, withdraw
    STAFF_AUDIT_READ = "staff:audit:read"
    STAFF_REPORTS_READ = "staff:reports:read"  # management information, event-log export
    STAFF_USERS_MANAGE = "staff:users:manage"
    STAFF_LETTER_SEND = "staff:letter:send"


_READER = {
    Permission.ORGANISATION_READ,
    Permission.APPLICATION_READ,
    Permission.LETTER_READ,
}
_SUBMITTER = _READER | {Permission.APPLICATION_CREATE, Permission.APPLICATION_SUBMIT}

ORG_ROLE_PERMISSIONS: dict[OrgRole, frozenset[Permission]] = {
    OrgRole.READER: frozenset(_READER),
    OrgRole.SUBMITTER: frozenset(_SUBMITTER),
    OrgRole.ADMINISTRATOR: frozenset(_SUBMITTER),
}

_REVIEWER = {
    Permission.STAFF_QUEUE_READ,
    Permission.STAFF_CASE_READ,
    Permission.STAFF_CASE_DECIDE,
    Permission.STAFF_CASE_CLAIM,
    Permission.STAFF_CASE_REQUEST_INFORMATION,
    Permission.STAFF_CASE_APPROVE_REFUSAL,
    Permission.STAFF_ORGANISATION_READ,
    Permission.STAFF_SANCTION_RECORD,
}
_SUPERVISOR = _REVIEWER | {
    Permission.STAFF_CASE_ASSIGN,
    Permission.STAFF_SANCTION_SUSPEND,
    Permission.STAFF_AUDIT_READ,
    Permission.STAFF_REPORTS_READ,
}
# Administrators manage accounts; they do not handle cases or see sponsors' data.
_STAFF_ADMINISTRATOR = {
    Permission.STAFF_QUEUE_READ,
    Permission.STAFF_USERS_MANAGE,
    Permission.STAFF_AUDIT_READ,
}
STAFF_ROLE_PERMISSIONS: dict[StaffRole, frozenset[Permission]] = {
    StaffRole.REVIEWER: frozenset(_REVIEWER),
    StaffRole.SUPERVISOR: frozenset(_SUPERVISOR),
    StaffRole.ADMINISTRATOR: frozenset(_STAFF_ADMINISTRATOR),
}

# Inbox (issue 6): submitters answer letters; reviewers and supervisors send general letters.
for _role in (OrgRole.SUBMITTER, OrgRole.ADMINISTRATOR):
    ORG_ROLE_PERMISSIONS[_role] = ORG_ROLE_PERMISSIONS[_role] | {Permission.LETTER_REPLY}
for _role in (StaffRole.REVIEWER, StaffRole.SUPERVISOR):
    STAFF_ROLE_PERMISSIONS[_role] = STAFF_ROLE_PERMISSIONS[_role] | {Permission.STAFF_LETTER_SEND}

# Endpoints anyone may reach, signed in or not.
PUBLIC_ENDPOINTS = frozenset(
    {
        "static",
        "public.home",
        "public.set_language",
        "public.accessibility",
        "account.sign_in",
        "account.sign_up",
        "account.sign_out",
        "backoffice.sign_in",
        "backoffice.sign_in_code",
        "backoffice.sign_out",
    }
)

ORG_SESSION_KEY = "organisation_id"


def current_membership() -> Membership | None:
    """The membership the signed-in sponsor user acts under, or None."""
    if not current_user.is_authenticated or current_user.is_staff:
        return None
    memberships = current_user.memberships
    if not memberships:
        return None
    chosen = session.get(ORG_SESSION_KEY)
    for membership in memberships:
        if membership.organisation_id == chosen:
            return membership
    return memberships[0]


def requires(permission: Permission):
    """Guard a sponsor view: signed in, a member, with the permission. Sets g.organisation."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return redirect(url_for("account.sign_in", next=request.full_path))
            membership = current_membership()
            if membership is None:
                abort(403)
            if permission not in ORG_ROLE_PERMISSIONS[membership.role]:
                abort(403)
            g.membership = membership
            g.organisation = membership.organisation
            return view(*args, **kwargs)

        wrapped.required_permission = permission
        return wrapped

    return decorator


def staff_has(user, permission: Permission) -> bool:
    return bool(user.is_authenticated and user.is_staff and user.is_active) and (
        permission in STAFF_ROLE_PERMISSIONS[user.staff_role]
    )


def staff_requires(permission: Permission):
    """Guard a back-office view. The blueprint also refuses non-staff for every route."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not staff_has(current_user, permission):
                abort(403)
            return view(*args, **kwargs)

        wrapped.required_permission = permission
        return wrapped

    return decorator
