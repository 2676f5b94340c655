"""One permission vocabulary for sponsor and staff roles, and the decorators that guard views.
Every endpoint carries a permission (`requires` / `staff_requires`), an API scope
(blueprints/api/guard.py) or is on PUBLIC_ENDPOINTS; tests/test_routes_protected.py proves it."""

from dataclasses import dataclass, replace
from enum import StrEnum
from functools import wraps

from flask import abort, flash, g, has_request_context, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import true

from portal import clock
from portal.cases.intermediaries import filed_for
from portal.extensions import db
from portal.models import Category, Mandate, Membership, Organisation, OrgRole, StaffRole
from portal.scoping import scoped_or_404  # noqa: F401 - where views have always found it


class Permission(StrEnum):
    ORGANISATION_READ = "organisation:read"
    APPLICATION_READ = "organisation:application:read"
    APPLICATION_CREATE = "organisation:application:create"
    APPLICATION_SUBMIT = "organisation:application:submit"
    LETTER_READ = "organisation:letter:read"
    LETTER_REPLY = "organisation:letter:reply"
    PROFILE_EDIT = "organisation:profile:edit"
    MEMBER_MANAGE = "organisation:member:manage"
    MANDATE_MANAGE = "organisation:mandate:manage"
    API_CLIENT_MANAGE = "organisation:api-client:manage"
    DISCLOSURE_CREATE = "organisation:disclosure:create"  # own breach of a duty (issue 25)
    PERSON_READ = "organisation:person:read"
    PERSON_EDIT = "organisation:person:edit"
    ORGANISATION_TAKE_OVER = "organisation:take-over"  # a frozen namesake's people and cases
    CONTEXT_SWITCH = "account:context:switch"  # which organisation to act for: every user
    ACCOUNT_MANAGE = "account:manage"  # one's own sign-in settings; any signed-in user

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
    STAFF_CHANGE_REPORT_DECIDE = "staff:change_report:decide"
    STAFF_FINANCE = "staff:finance"  # import the fee account's bank statements
    STAFF_ADMIN_RIGHTS_DECIDE = "staff:admin_rights:decide"  # members' requests (issue 25)
    STAFF_TRIAGE_MANAGE = "staff:triage:manage"  # switch and set triage rules (issue 24)


_READER = {
    Permission.ORGANISATION_READ,
    Permission.APPLICATION_READ,
    Permission.LETTER_READ,
    Permission.PERSON_READ,
    Permission.CONTEXT_SWITCH,
}
_SUBMITTER = _READER | {
    Permission.APPLICATION_CREATE,
    Permission.APPLICATION_SUBMIT,
    Permission.PERSON_EDIT,
}
_ADMINISTRATOR = _SUBMITTER | {
    Permission.ORGANISATION_TAKE_OVER,
    Permission.PROFILE_EDIT,
    Permission.MEMBER_MANAGE,
    Permission.MANDATE_MANAGE,
    Permission.API_CLIENT_MANAGE,
    Permission.DISCLOSURE_CREATE,
}

ORG_ROLE_PERMISSIONS: dict[OrgRole, frozenset[Permission]] = {
    OrgRole.READER: frozenset(_READER),
    OrgRole.SUBMITTER: frozenset(_SUBMITTER),
    OrgRole.ADMINISTRATOR: frozenset(_ADMINISTRATOR),
}

# What a mandate lets an intermediary's users do for the sponsor (further limited by their own
# role in the intermediary): cases and people within the mandate's categories, and their letters
# (portal/letters/visibility.py); never the sponsor's profile, team or mandates. After it ends:
# only reading the cases it filed and their letters.
MANDATE_PERMISSIONS = frozenset(
    {
        Permission.ORGANISATION_READ,
        Permission.APPLICATION_READ,
        Permission.APPLICATION_CREATE,
        Permission.APPLICATION_SUBMIT,
        Permission.PERSON_READ,
        Permission.PERSON_EDIT,
        Permission.LETTER_READ,
        Permission.LETTER_REPLY,
        Permission.CONTEXT_SWITCH,
    }
)
ENDED_MANDATE_PERMISSIONS = frozenset(
    {Permission.APPLICATION_READ, Permission.LETTER_READ, Permission.CONTEXT_SWITCH}
)

_REVIEWER = {
    Permission.STAFF_QUEUE_READ,
    Permission.STAFF_CASE_READ,
    Permission.STAFF_CASE_DECIDE,
    Permission.STAFF_CASE_CLAIM,
    Permission.STAFF_CASE_REQUEST_INFORMATION,
    Permission.STAFF_CASE_APPROVE_REFUSAL,
    Permission.STAFF_ORGANISATION_READ,
    Permission.STAFF_SANCTION_RECORD,
    Permission.STAFF_CHANGE_REPORT_DECIDE,
}
_SUPERVISOR = _REVIEWER | {
    Permission.STAFF_CASE_ASSIGN,
    Permission.STAFF_SANCTION_SUSPEND,
    Permission.STAFF_AUDIT_READ,
    Permission.STAFF_REPORTS_READ,
    Permission.STAFF_FINANCE,  # supervisors, no separate role: the roles stay a ladder
    Permission.STAFF_ADMIN_RIGHTS_DECIDE, Permission.STAFF_TRIAGE_MANAGE,
}  # fmt: skip
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

# What nobody may do for a frozen organisation (another organisation proved its KvK number:
# portal/organisations/kvk.py): everything beyond reading (people, documents, applications,
# members, mandates, the profile). Reading stays. The 403 page says why (errors/error.html).
FROZEN_WITHHELD = frozenset(_ADMINISTRATOR - _READER) | {Permission.LETTER_REPLY}

# Endpoints anyone may reach, signed in or not.
PUBLIC_ENDPOINTS = frozenset(
    {
        "static",
        "public.home",
        "public.set_language",
        "public.accessibility",
        "public.healthz",
        "public.favicon",
        # The public register of recognised sponsors (issue 7)
        "public.register_index",
        "public.register_page",
        "public.register_csv",
        "public.register_json",
        "account.sign_in",
        "account.sign_up",
        "account.confirm_sign_up",
        "account.sign_out",
        "organisation.invitation",
        "backoffice.sign_in",
        "backoffice.sign_in_code",
        "backoffice.sign_out",
        "backoffice.accept_invitation",
        # Sign-in steps before the user is signed in (issue 8)
        "account.sign_in_code",
        "account.sign_in_recovery",
        "account.set_up_second_factor",
        "account.request_reset",
        "account.reset_password",
        "account.confirm_email",
        "oidc.sponsor_start",
        "oidc.sponsor_callback",
        "oidc.staff_start",
        "oidc.staff_callback",
    }
) | {"api.token", "api.openapi_json", "api.docs"}  # the API: bearer tokens, not sessions

ORG_SESSION_KEY = "organisation_id"
MANDATE_SESSION_KEY = "mandate_id"
# Set at an eHerkenning sign-in: the session may only act for the organisation with this KvK number.
ASSERTED_KVK_SESSION_KEY = "asserted_kvk"


def usable_memberships(user) -> list[Membership]:
    """The memberships this session may act under: after an eHerkenning sign-in, only those of
    the verified organisation whose KvK number eHerkenning asserted (issue 8), never an
    unverified one that claims the same number."""
    asserted = session.get(ASSERTED_KVK_SESSION_KEY) if has_request_context() else None
    if asserted is None:
        return list(user.memberships)
    return [
        m
        for m in user.memberships
        if m.organisation.kvk_number == asserted and m.organisation.is_verified
    ]


def current_membership() -> Membership | None:
    """The membership the signed-in sponsor user acts under (under a mandate: their
    membership of the intermediary), or None."""
    if not current_user.is_authenticated or current_user.is_staff:
        return None
    memberships = usable_memberships(current_user)
    if not memberships:
        return None
    chosen = session.get(ORG_SESSION_KEY)
    for membership in memberships:
        if membership.organisation_id == chosen:
            return membership
    return memberships[0]


@dataclass(frozen=True)
class ActingContext:
    """Who acts for which organisation, with which rights and within which categories.

    Either the user's own membership, or — under a mandate — the user's membership of an
    intermediary acting for the sponsor. Views read g.organisation / g.context only.
    """

    organisation: Organisation
    membership: Membership
    permissions: frozenset[Permission]
    mandate: Mandate | None = None
    ended: bool = False  # the mandate ended: only the cases the intermediary filed remain

    @property
    def on_behalf(self) -> bool:
        return self.mandate is not None

    @property
    def frozen(self) -> bool:
        """The organisation acted for, or the intermediary acting, is frozen."""
        return self.organisation.is_frozen or self.membership.organisation.is_frozen

    @property
    def intermediary(self) -> Organisation | None:
        return self.membership.organisation if self.mandate is not None else None

    @property
    def categories(self) -> frozenset[Category] | None:
        """The categories this context may touch; None means all."""
        if self.ended:
            return frozenset()
        return self.mandate.category_set if self.mandate is not None else None

    def can(self, permission: Permission) -> bool:
        return permission in self.permissions

    def in_scope(self, column):
        """A SQL condition keeping rows of a category column within the mandate's scope."""
        categories = self.categories
        return true() if categories is None else column.in_(sorted(categories))

    def category_in_scope(self, category: Category) -> bool:
        return self.categories is None or category in self.categories


class OutsideMandate(Exception):
    """The category is not covered by the mandate the user acts under."""


MANDATE_SCOPE_MESSAGE = _l(
    "Your mandate for this organisation does not cover this category. Ask the organisation to "
    "extend the mandate."
)


class MandateLapsed(Exception):
    """The chosen mandate was revoked or is outside its period."""


def active_mandates_for(user) -> list[Mandate]:
    """Mandates the user may act under: given to an intermediary they belong to, in force."""
    if has_request_context() and session.get(ASSERTED_KVK_SESSION_KEY) is not None:
        return []  # eHerkenning asserted one organisation: no acting for others in this session
    intermediary_ids = [m.organisation_id for m in user.memberships]
    if not intermediary_ids:
        return []
    today = clock.today()
    mandates = db.session.scalars(
        db.select(Mandate)
        .where(Mandate.intermediary_id.in_(intermediary_ids), Mandate.revoked_at.is_(None))
        .order_by(Mandate.id)
    ).all()
    return [m for m in mandates if m.active_on(today)]


def current_context() -> ActingContext | None:
    """The context of this request (cached in g); raises MandateLapsed."""
    if "context" in g:
        return g.context
    membership = current_membership()
    if membership is None:
        return None
    mandate_id = session.get(MANDATE_SESSION_KEY)
    context = ActingContext(
        organisation=membership.organisation,
        membership=membership,
        permissions=ORG_ROLE_PERMISSIONS[membership.role],
    )
    if mandate_id is not None:
        mandate = db.session.get(Mandate, mandate_id)
        own = {m.organisation_id: m for m in usable_memberships(current_user)}
        if (
            session.get(ASSERTED_KVK_SESSION_KEY) is not None
            or mandate is None
            or mandate.intermediary_id not in own
        ):
            raise MandateLapsed(mandate_id)
        ended = not mandate.active_on(clock.today())
        if ended and not filed_for(mandate):
            raise MandateLapsed(mandate_id)
        via = own[mandate.intermediary_id]
        context = ActingContext(
            organisation=mandate.sponsor,
            membership=via,
            permissions=ORG_ROLE_PERMISSIONS[via.role]
            & (ENDED_MANDATE_PERMISSIONS if ended else MANDATE_PERMISSIONS),
            mandate=mandate,
            ended=ended,
        )
    if context.frozen:
        context = replace(context, permissions=context.permissions - FROZEN_WITHHELD)
    g.context = context
    return context


def requires(permission: Permission):
    """Guard a sponsor view: signed in, acting for an organisation, with the permission.

    Sets g.context, g.organisation (the organisation acted for) and g.membership. Under a
    mandate that lapsed the request is a 404 and the user falls back to their own organisation.
    """

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return redirect(url_for("account.sign_in", next=request.full_path))
            try:
                context = current_context()
            except MandateLapsed:
                session.pop(MANDATE_SESSION_KEY, None)
                flash(_("The mandate you acted under has ended or was revoked."), "error")
                abort(404)
            if context is None or not context.can(permission):
                abort(403)
            g.membership = context.membership
            g.organisation = context.organisation
            return view(*args, **kwargs)

        wrapped.required_permission = permission
        return wrapped

    return decorator


def signed_in(view):
    """Guard a view about the signed-in user's own account (sponsor or staff)."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        if not current_user.is_authenticated:
            return redirect(url_for("account.sign_in", next=request.full_path))
        return view(*args, **kwargs)

    wrapped.required_permission = Permission.ACCOUNT_MANAGE
    return wrapped


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
