"""Session lifetime: a fresh session at sign-in, idle and absolute timeouts, sign out everywhere.

The session (a signed cookie) carries when it began, when it was last used and the user's
session version at sign-in. "Sign out everywhere" and a password change raise the version in the
database, which ends every other session at its next request (checked in the user loader).
"""

import time

from flask import current_app, flash, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

VERSION_KEY = "_sv"
STARTED_KEY = "_started"
SEEN_KEY = "_seen"
KEPT_KEYS = ("lang",)
# Looking at the warning page is not activity: it must not keep the session alive by itself.
PASSIVE_ENDPOINTS = frozenset({"static", "account.session_status"})


def reset_session() -> None:
    """Drop everything in the session but the language (no fixation across sign-in)."""
    kept = {key: session[key] for key in KEPT_KEYS if key in session}
    session.clear()
    session.update(kept)


def begin(user) -> None:
    reset_session()
    now = int(time.time())
    session.permanent = True
    session[VERSION_KEY] = user.session_version
    session[STARTED_KEY] = now
    session[SEEN_KEY] = now
    login_user(user)


def end() -> None:
    logout_user()
    reset_session()


def version_matches(user) -> bool:
    return session.get(VERSION_KEY) == user.session_version


def _absolute_seconds() -> float:
    return current_app.permanent_session_lifetime.total_seconds()


def seconds_left() -> int:
    """Seconds until the idle timeout (or the absolute one, whichever is first)."""
    config = current_app.config
    now = time.time()
    idle_end = session.get(SEEN_KEY, 0) + config["SESSION_IDLE_TIMEOUT"]
    absolute_end = session.get(STARTED_KEY, 0) + _absolute_seconds()
    return max(0, int(min(idle_end, absolute_end) - now))


def touch() -> None:
    session[SEEN_KEY] = int(time.time())


def _expired() -> str | None:
    config = current_app.config
    now = time.time()
    started, seen = session.get(STARTED_KEY), session.get(SEEN_KEY)
    if started is None or seen is None:
        return "absolute"
    if now - started > _absolute_seconds():
        return "absolute"
    if now - seen > config["SESSION_IDLE_TIMEOUT"]:
        return "idle"
    return None


def enforce():
    """before_request: end a session that has been idle or open too long."""
    if request.endpoint == "static":
        return None
    if not current_user.is_authenticated:
        return None
    reason = _expired()
    if reason is None:
        if request.endpoint not in PASSIVE_ENDPOINTS:
            touch()
        return None
    staff = current_user.is_staff
    end()
    if reason == "idle":
        minutes = current_app.config["SESSION_IDLE_TIMEOUT"] // 60
        flash(
            _(
                "You have been signed out because you did not use the portal for %(minutes)d "
                "minutes. Sign in again to continue.",
                minutes=minutes,
            ),
            "info",
        )
    else:
        flash(_("You have been signed out because your session ended. Sign in again."), "info")
    target = request.full_path if request.method == "GET" else None
    endpoint = "backoffice.sign_in" if staff else "account.sign_in"
    return redirect(url_for(endpoint, next=target) if target else url_for(endpoint))


def init_app(app) -> None:
    app.before_request(enforce)
