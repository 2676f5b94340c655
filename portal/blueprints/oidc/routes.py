"""Sign-in through OpenID Connect: eHerkenning for sponsor users, single sign-on for staff.

Each refusal gets a page that says what went wrong and what to do (status 400 or 403), never a
server error; an audit event records it.
"""

import time

from flask import abort, redirect, render_template, request, session, url_for
from flask_babel import lazy_gettext as _l

from portal import audit
from portal.audit import AuditAction
from portal.blueprints.oidc import bp
from portal.extensions import db
from portal.identity import federation, oidc
from portal.identity import sessions as session_policy
from portal.identity.sign_in import SIGN_UP_KEY, begin, start_session
from portal.permissions import ASSERTED_KVK_SESSION_KEY
from portal.redirects import safe_next

NEXT_KEY = "oidc_next"
FORBIDDEN_REASONS = {"acr", "role", "wrong_account", "inactive"}
NOT_COMPLETED = _l("The sign-in could not be completed")
TITLES = {
    "state": NOT_COMPLETED,
    "code": NOT_COMPLETED,
    "issuer": _l("The sign-in came from an unknown source"),
    "audience": _l("The sign-in was not meant for this portal"),
    "token": _l("The sign-in could not be verified"),
    "cancelled": _l("You cancelled signing in"),
    "provider_error": _l("The sign-in service reported an error"),
    "unavailable": _l("The sign-in service cannot be reached"),
    "kvk": _l("eHerkenning did not say which organisation you act for"),
    "acr": _l("Your eHerkenning level is too low"),
    "no_email": _l("We cannot create your account automatically"),
    "wrong_account": _l("This account cannot sign in here"),
    "inactive": _l("This account cannot sign in here"),
    "role": _l("You have no role in the Sponsor Portal"),
}


def _start(kind: str, callback: str):
    if not oidc.configured(kind):
        abort(404)
    next_url = safe_next(request.args.get("next"), "")
    try:
        response = oidc.start(kind, url_for(callback, _external=True))
    except oidc.Refused as refusal:
        return _refused(kind, refusal)
    session[NEXT_KEY] = next_url
    return response


def _refused(kind: str, refusal: oidc.Refused):
    db.session.rollback()
    audit.record(
        AuditAction.OIDC_REFUSED,
        details={"kind": kind, "reason": refusal.reason, "detail": refusal.detail[:200]},
    )
    db.session.commit()
    status = 403 if refusal.reason in FORBIDDEN_REASONS else 400
    restart = url_for("backoffice.sign_in" if kind == "staff" else "account.sign_in")
    return render_template(
        "oidc/refused.html",
        reason=refusal.reason,
        title=TITLES.get(refusal.reason, NOT_COMPLETED),
        restart=restart,
    ), status


@bp.get("/eherkenning")
def sponsor_start():
    return _start("sponsor", "oidc.sponsor_callback")


@bp.get("/eherkenning/callback")
def sponsor_callback():
    if not oidc.configured("sponsor"):
        abort(404)
    next_url = session.pop(NEXT_KEY, "")
    try:
        identity = oidc.complete("sponsor")
        kvk_number = oidc.sponsor_kvk(identity)
        result = federation.sponsor_sign_in(identity, kvk_number)
    except oidc.Refused as refusal:
        return _refused("sponsor", refusal)
    if isinstance(result, federation.NeedsSignUp):
        db.session.commit()
        session_policy.reset_session()
        session[SIGN_UP_KEY] = {
            "issuer": identity.issuer,
            "subject": identity.subject,
            "kvk": result.kvk_number,
            "name": result.name[:200],
            "email": result.email[:254],
            "at": int(time.time()),
        }
        return redirect(url_for("account.sign_up"))
    start_session(result)
    session[ASSERTED_KVK_SESSION_KEY] = kvk_number
    db.session.commit()
    return redirect(next_url or url_for("dashboard.index"))


@bp.get("/staff")
def staff_start():
    return _start("staff", "oidc.staff_callback")


@bp.get("/staff/callback")
def staff_callback():
    if not oidc.configured("staff"):
        abort(404)
    next_url = session.pop(NEXT_KEY, "")
    try:
        identity = oidc.complete("staff")
        role = federation.staff_role(identity, oidc.staff_role_values(identity), oidc.role_map())
        user = federation.staff_sign_in(identity, role)
    except oidc.Refused as refusal:
        return _refused("staff", refusal)
    if not oidc.staff_second_factor(identity):
        # No evidence of a second factor from the provider: the portal's own TOTP (set up now
        # if the account has none yet) before the session begins.
        db.session.commit()
        return begin(user, next_url or url_for("backoffice.queue"), staff=True)
    start_session(user)
    db.session.commit()
    return redirect(next_url or url_for("backoffice.queue"))
