from flask import Blueprint, abort, current_app, redirect, request, session, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user, logout_user

from portal.permissions import Permission, staff_has

bp = Blueprint("backoffice", __name__, url_prefix="/backoffice")

OPEN_ENDPOINTS = {
    "backoffice.sign_in",
    "backoffice.sign_in_code",
    "backoffice.sign_out",
    "backoffice.accept_invitation",  # the invitee has no session yet
}


@bp.before_request
def staff_only():
    """The whole back office is for staff, guarded here for every route (fail closed):
    sponsor users get a 404, strangers the sign-in, deactivated staff are signed out, and a
    staff member reaches a view only when their role carries the view's permission."""
    if request.endpoint in OPEN_ENDPOINTS:
        return None
    if not current_user.is_authenticated:
        return redirect(url_for("backoffice.sign_in", next=request.full_path))
    if not current_user.is_staff:
        abort(404)
    if not current_user.is_active:
        logout_user()
        session.clear()
        return redirect(url_for("backoffice.sign_in"))
    view = current_app.view_functions.get(request.endpoint)
    permission = getattr(view, "required_permission", None)
    if permission is None or not staff_has(current_user, permission):
        abort(403)
    return None


# The back-office menu: (endpoint, label, permission); each shown only to roles that have it.
NAVIGATION = (
    ("backoffice.queue", _l("Work queue"), Permission.STAFF_CASE_READ),
    ("backoffice.organisations", _l("Sponsor accounts"), Permission.STAFF_ORGANISATION_READ),
    ("backoffice.staff_list", _l("Staff accounts"), Permission.STAFF_USERS_MANAGE),
    ("backoffice.compose", _l("Send a letter"), Permission.STAFF_LETTER_SEND),
    ("backoffice.change_reports", _l("Change reports"), Permission.STAFF_CHANGE_REPORT_DECIDE),
    (
        "backoffice.admin_rights_requests",
        _l("Administrator rights"),
        Permission.STAFF_ADMIN_RIGHTS_DECIDE,
    ),
    ("backoffice.audit_search", _l("Audit log"), Permission.STAFF_AUDIT_READ),
    ("backoffice.statements", _l("Bank statements"), Permission.STAFF_FINANCE),
    ("backoffice.triage_rules", _l("Triage rules"), Permission.STAFF_TRIAGE_MANAGE),
    ("backoffice.failed_jobs", _l("Failed jobs"), Permission.STAFF_JOBS_MANAGE),
    ("backoffice.desks_index", _l("IND desks"), Permission.STAFF_DESK_PLANNING),
    (
        "backoffice.management_information",
        _l("Management information"),
        Permission.STAFF_REPORTS_READ,
    ),
)


@bp.context_processor
def staff_navigation():
    if not (current_user.is_authenticated and current_user.is_staff):
        return {"staff_nav": ()}
    return {"staff_nav": [item for item in NAVIGATION if staff_has(current_user, item[2])]}


from portal.blueprints.backoffice import (  # noqa: E402,F401
    admin_rights,
    cases,
    change_reports,
    compose,
    decisions,
    desks,
    due_process,
    fees,
    forecast,
    insight,
    jobs,
    letters,
    not_considered,
    organisations,
    replies,
    routes,
    staff,
    triage,
    uwv_advice,
)
