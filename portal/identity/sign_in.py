"""The sign-in flow across requests, shared by the sponsor and back-office sign-in pages and by
OpenID Connect: the password step (rate limits, lockout, the same message whether or not an
account exists), the second step waiting in the session, a fresh session at the end, and an
eHerkenning identity waiting for its organisation's sign-up.

Between the password and the second step the session holds only who is signing in (not signed
in yet), for a few minutes.
"""

import time

from flask import current_app, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_babel import ngettext

from portal.extensions import db
from portal.identity import accounts, lockout, second_factor
from portal.identity import sessions as session_policy
from portal.models import User

PENDING_KEY = "pending_sign_in"
PENDING_SECONDS = 10 * 60
SIGN_UP_KEY = "oidc_sign_up"
SIGN_UP_SECONDS = 30 * 60


def sign_in_limit() -> str:
    """The rate limit on sign-in POSTs (Flask-Limiter calls it per request)."""
    return current_app.config["SIGN_IN_RATE_LIMIT"]


def email_key() -> str:
    """The rate-limit key for the e-mail address typed in."""
    return "email:" + accounts.normalise_email(request.form.get("email", ""))[:254]


def start_session(user: User) -> None:
    """A fresh session at sign-in (no fixation), keeping only the language choice."""
    session_policy.begin(user)
    accounts.record_sign_in(user)


def lockout_keys(email: str) -> tuple[lockout.Key, lockout.Key]:
    return lockout.account_key(email), lockout.address_key(request.remote_addr)


def locked_message(seconds: int) -> str:
    minutes = max(1, -(-seconds // 60))
    return ngettext(
        "Signing in is paused after several failed attempts. Try again in %(num)d minute, "
        "or reset your password.",
        "Signing in is paused after several failed attempts. Try again in %(num)d minutes, "
        "or reset your password.",
        minutes,
    )


def check_password_sign_in(form, *, staff: bool):
    """(user, status): the user when the password is right and nothing is locked.

    The same messages whether or not an account exists; failures count per account and address.
    """
    keys = lockout_keys(form.email.data)
    locked = lockout.seconds_locked(*keys)
    if locked:
        form.password.errors = list(form.password.errors) + [locked_message(locked)]
        return None, 429
    user = accounts.authenticate(form.email.data, form.password.data, staff=staff)
    if user is None:
        lockout.record_failure(*keys)
        db.session.commit()
        form.password.errors = list(form.password.errors) + [
            _("The e-mail address or password is not right.")
        ]
        return None, 400
    return user, 200


# --- the second step ---------------------------------------------------------------------


def default_target(user: User) -> str:
    return url_for("backoffice.queue") if user.is_staff else url_for("dashboard.index")


def begin(user: User, target: str, *, staff: bool):
    """After a right password: sign in, or ask for the code, or make the user set one up."""
    if not user.totp_secret and not user.requires_second_factor:
        return finish(user, target)
    session_policy.reset_session()
    session[PENDING_KEY] = {"uid": user.id, "next": target, "at": int(time.time())}
    if user.totp_secret:
        return redirect(url_for("backoffice.sign_in_code" if staff else "account.sign_in_code"))
    return redirect(url_for("account.set_up_second_factor"))


def pending_user() -> tuple[User | None, str]:
    data = session.get(PENDING_KEY)
    if not isinstance(data, dict) or time.time() - data.get("at", 0) > PENDING_SECONDS:
        return None, ""
    user = db.session.get(User, data.get("uid") or 0)
    return user, data.get("next") or ""


def finish(user: User, target: str | None = None):
    target = target or default_target(user)
    start_session(user)
    lockout.record_success(lockout.account_key(user.email))
    db.session.commit()
    return redirect(target)


def check_code(user: User, form) -> int:
    """Status for the code form: 200 when the code is right, else the error is on the form."""
    keys = lockout_keys(user.email)
    locked = lockout.seconds_locked(*keys)
    if locked:
        form.code.errors = list(form.code.errors) + [locked_message(locked)]
        return 429
    if second_factor.verify_totp(user, form.code.data):
        return 200
    lockout.record_failure(*keys)
    db.session.commit()
    form.code.errors = list(form.code.errors) + [
        _("The code is not right. Enter the current code from your authenticator app.")
    ]
    return 400


# --- an eHerkenning identity waiting for sign-up -----------------------------------------


def pending_sign_up() -> dict | None:
    """The eHerkenning identity waiting for sign-up of its organisation, if recent."""
    data = session.get(SIGN_UP_KEY)
    if not isinstance(data, dict) or time.time() - data.get("at", 0) > SIGN_UP_SECONDS:
        return None
    return data
