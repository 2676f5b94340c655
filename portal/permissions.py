"""One permission vocabulary for sponsor and staff roles, and the decorators that guard views.
Every endpoint carries a permission (`requires` / `staff_requires`), an API scope
(blueprints/api/guard.py) or is on PUBLIC_ENDPOINTS; tests/test_routes_protected.py proves it."""

from dataclasses import dataclass, replace
from functools import wraps

from flask import abort, flash, g, has_request_context, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import true
from sqlalchemy.orm import joinedload

from portal import clock
from portal.cases.intermediaries import filed_for
from portal.extensions import db
from portal.models import Category, Mandate, Membership, Organisation
from portal.roles import (  # noqa: F401 - where views have always found them
    ENDED_MANDATE_PERMISSIONS,
    FROZEN_WITHHELD,
    MANDATE_PERMISSIONS,
    ORG_ROLE_PERMISSIONS,
    PUBLIC_ENDPOINTS,
    STAFF_ROLE_PERMISSIONS,
    Permission,
)
from portal.scoping import scoped_or_404  # noqa: F401 - where views have always found it

ORG_SESSION_KEY = "organisation_id"
MANDATE_SESSION_KEY = "mandate_id"
# Set at an eHerkenning sign-in: the session may only act for the organisation with this KvK number.
ASSERTED_KVK_SESSION_KEY = "asserted_kvk"


def usable_memberships(user) -> list[Membership]:
    """The memberships this session may act under: after an eHerkenning sign-in only those of
    the verified organisation whose KvK number it asserted (issue 8), never an unverified one."""
    asserted = session.get(ASSERTED_KVK_SESSION_KEY) if has_request_context() else None
    if asserted is None:
        return list(user.memberships)
    return [
        m
        for m in user.memberships
        if m.organisation.kvk_number == asserted and m.organisation.is_verified
    ]


def current_membership() -> Membership | None:
    """The membership the sponsor user acts under (under a mandate: the intermediary's), or None."""
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
        # The mandate with the organisation acted for and its recognitions: one statement.
        mandate = db.session.get(
            Mandate,
            mandate_id,
            options=[joinedload(Mandate.sponsor).joinedload(Organisation.recognitions)],
        )
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
