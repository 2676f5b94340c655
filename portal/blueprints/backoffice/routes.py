import pyotp
from flask import redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, logout_user

from portal.blueprints.account.forms import SignInForm
from portal.blueprints.account.routes import _email_key, _sign_in_limit, start_session
from portal.blueprints.backoffice import bp
from portal.blueprints.backoffice.forms import CodeForm
from portal.blueprints.public.routes import safe_next
from portal.extensions import db, limiter
from portal.models import User
from portal.services import accounts

PENDING_KEY = "staff_pending_user_id"
PENDING_NEXT_KEY = "staff_pending_next"


@bp.route("/sign-in", methods=["GET", "POST"])
@limiter.limit(_sign_in_limit, methods=["POST"])
@limiter.limit(_sign_in_limit, methods=["POST"], key_func=_email_key)
def sign_in():
    if current_user.is_authenticated and current_user.is_staff:
        return redirect(url_for("backoffice.queue"))
    form = SignInForm()
    if form.validate_on_submit():
        user = accounts.authenticate(form.email.data, form.password.data, staff=True)
        if user is not None:
            session[PENDING_KEY] = user.id
            session[PENDING_NEXT_KEY] = safe_next(request.args.get("next"), "")
            return redirect(url_for("backoffice.sign_in_code"))
        form.password.errors = list(form.password.errors) + [
            _("The e-mail address or password is not right.")
        ]
    status = 400 if form.is_submitted() else 200
    return render_template("backoffice/sign_in.html", form=form), status


@bp.route("/sign-in/code", methods=["GET", "POST"])
@limiter.limit(_sign_in_limit, methods=["POST"])
def sign_in_code():
    user_id = session.get(PENDING_KEY)
    user = db.session.get(User, user_id) if user_id else None
    if user is None or not user.is_staff or not user.totp_secret:
        return redirect(url_for("backoffice.sign_in"))
    form = CodeForm()
    if form.validate_on_submit():
        if pyotp.TOTP(user.totp_secret).verify(form.code.data, valid_window=1):
            target = session.get(PENDING_NEXT_KEY) or url_for("backoffice.queue")
            session.pop(PENDING_KEY, None)
            start_session(user)
            db.session.commit()
            return redirect(target)
        form.code.errors = list(form.code.errors) + [
            _("The code is not right. Enter the current code from your authenticator app.")
        ]
    status = 400 if form.is_submitted() else 200
    return render_template("backoffice/sign_in_code.html", form=form), status


@bp.post("/sign-out")
def sign_out():
    lang = session.get("lang")
    logout_user()
    session.clear()
    if lang:
        session["lang"] = lang
    return redirect(url_for("backoffice.sign_in"))
