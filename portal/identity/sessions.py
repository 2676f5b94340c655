"""Session lifetime: a fresh session at sign-in, idle and absolute timeouts, revocation.

Every signed-in session has a record in the database (`UserSession`); the signed cookie carries
only a random id for it, when the session began and when it was last used. The user loader
accepts a cookie only while its record is not revoked, so sign-out, "sign out everywhere", a
new password and being removed from a team end the session at once, for every process and for
every copy of the cookie. Nothing is cached between requests. Last-seen stays in the cookie, so
an ordinary page view writes nothing; it moves only once it is SEEN_RESOLUTION seconds old, so
the cookie is not re-signed and re-sent on every request (the idle timeout can only end a
session that much *earlier*, never later).

One statement loads the session record's user with their memberships, organisations and the
organisations' recognitions (`load_user`): every signed-in request starts with one round
trip, not two.
"""

import hashlib
import secrets
import time
from functools import cache

from flask import current_app, flash, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user
from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import joinedload

from portal.extensions import db
from portal.models import Membership, Organisation, User, UserSession
from portal.models.base import utcnow

SESSION_ID_KEY = "_sid"
STARTED_KEY = "_started"
SEEN_KEY = "_seen"
KEPT_KEYS = ("lang",)
# Looking at the warning page is not activity: it must not keep the session alive by itself.
PASSIVE_ENDPOINTS = frozenset({"static", "account.session_status"})
# Last-seen is moved when it is at least this old (seconds).
SEEN_RESOLUTION = 60


def reset_session() -> None:
    """Drop everything in the session but the language (no fixation across sign-in)."""
    kept = {key: session[key] for key in KEPT_KEYS if key in session}
    session.clear()
    session.update(kept)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def begin(user) -> None:
    """Sign the user in with a new session record (flushed; the caller commits)."""
    reset_session()
    token = secrets.token_urlsafe(32)
    db.session.add(UserSession(user_id=user.id, token_hash=_hash(token)))
    db.session.flush()
    now = int(time.time())
    session.permanent = True
    session[SESSION_ID_KEY] = token
    session[STARTED_KEY] = now
    session[SEEN_KEY] = now
    login_user(user)


def end() -> None:
    """Sign out: this session's record is revoked (the caller commits) and the cookie cleared."""
    token = session.get(SESSION_ID_KEY)
    if isinstance(token, str):
        db.session.execute(
            update(UserSession)
            .where(UserSession.token_hash == _hash(token), UserSession.revoked_at.is_(None))
            .values(revoked_at=utcnow())
        )
    logout_user()
    reset_session()


def revoke_all(user_id: int) -> None:
    """End every session of the user, wherever it is (flushes; the caller commits)."""
    db.session.execute(
        update(UserSession)
        .where(UserSession.user_id == user_id, UserSession.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )


@cache
def _user_of_session():
    """The user of a session record still standing, built once (bound per request): with
    their memberships, organisations (Membership.organisation is joined) and the
    organisations' recognitions — what the acting context and the overview read."""
    return (
        select(User)
        .join(UserSession, UserSession.user_id == User.id)
        .where(
            User.id == bindparam("user_id"),
            UserSession.token_hash == bindparam("token_hash"),
            UserSession.revoked_at.is_(None),
        )
        .options(
            joinedload(User.memberships)
            .joinedload(Membership.organisation)
            .joinedload(Organisation.recognitions)
        )
    )


def load_user(user_id: str) -> User | None:
    """Flask-Login's user loader: the user of this cookie while its session record stands."""
    token = session.get(SESSION_ID_KEY)
    if not isinstance(token, str) or not user_id.isdigit() or len(user_id) > 18:
        return None
    parameters = {"user_id": int(user_id), "token_hash": _hash(token)}
    return db.session.scalars(_user_of_session(), parameters).unique().one_or_none()


def _absolute_seconds() -> float:
    return current_app.permanent_session_lifetime.total_seconds()


def seconds_left() -> int:
    """Seconds until the idle timeout (or the absolute one, whichever is first)."""
    config = current_app.config
    now = time.time()
    idle_end = session.get(SEEN_KEY, 0) + config["SESSION_IDLE_TIMEOUT"]
    absolute_end = session.get(STARTED_KEY, 0) + _absolute_seconds()
    return max(0, int(min(idle_end, absolute_end) - now))


def idle_seconds_left() -> int:
    """Seconds until the idle timeout, for the warning's script (last-seen may lag a little)."""
    idle_end = session.get(SEEN_KEY, 0) + current_app.config["SESSION_IDLE_TIMEOUT"]
    return max(0, int(idle_end - time.time()))


def touch() -> None:
    session[SEEN_KEY] = int(time.time())


def _touch_when_stale() -> None:
    """Activity: move last-seen, but only once it is SEEN_RESOLUTION seconds old."""
    if time.time() - session.get(SEEN_KEY, 0) >= SEEN_RESOLUTION:
        touch()


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
            _touch_when_stale()
        return None
    staff = current_user.is_staff
    end()
    db.session.commit()
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
    app.jinja_env.globals["idle_seconds_left"] = idle_seconds_left
