from flask import Blueprint, abort, redirect, request, url_for
from flask_login import current_user

bp = Blueprint("backoffice", __name__, url_prefix="/backoffice")

OPEN_ENDPOINTS = {"backoffice.sign_in", "backoffice.sign_in_code", "backoffice.sign_out"}


@bp.before_request
def staff_only():
    """The whole back office is for staff: sponsor users get a 404, strangers the sign-in."""
    if request.endpoint in OPEN_ENDPOINTS:
        return None
    if not current_user.is_authenticated:
        return redirect(url_for("backoffice.sign_in", next=request.full_path))
    if not current_user.is_staff:
        abort(404)
    return None


from portal.blueprints.backoffice import routes  # noqa: E402,F401
