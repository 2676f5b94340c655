"""The second step of a password sign-in: a TOTP code or a recovery code, or enrolment.

The flow itself (what waits in the session, the code check) is `portal.identity.sign_in`;
staff use the code page in the back office; the rest is shared.
"""

from flask import flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import ngettext

from portal.blueprints.account import bp
from portal.blueprints.account.forms import CodeForm, RecoveryCodeForm
from portal.extensions import db, limiter
from portal.identity import lockout, second_factor
from portal.identity.sign_in import (
    check_code,
    default_target,
    finish,
    locked_message,
    lockout_keys,
    pending_user,
    sign_in_limit,
    start_session,
)
from portal.models import User

ENROL_SECRET_KEY = "enrol_secret"  # noqa: S105 - a session key


def sign_in_start_over(user: User | None):
    return redirect(url_for("backoffice.sign_in" if user and user.is_staff else "account.sign_in"))


@bp.route("/sign-in/code", methods=["GET", "POST"])
@limiter.limit(sign_in_limit, methods=["POST"])
def sign_in_code():
    user, target = pending_user()
    if user is None or not user.totp_secret:
        return sign_in_start_over(user)
    form = CodeForm()
    status = 400 if form.is_submitted() else 200
    if form.validate_on_submit():
        status = check_code(user, form)
        if status == 200:
            return finish(user, target)
    return render_template("account/sign_in_code.html", form=form), status


@bp.route("/sign-in/recovery-code", methods=["GET", "POST"])
@limiter.limit(sign_in_limit, methods=["POST"])
def sign_in_recovery():
    user, target = pending_user()
    if user is None or not user.totp_secret:
        return sign_in_start_over(user)
    form = RecoveryCodeForm()
    status = 400 if form.is_submitted() else 200
    if form.validate_on_submit():
        keys = lockout_keys(user.email)
        locked = lockout.seconds_locked(*keys)
        if locked:
            form.code.errors = list(form.code.errors) + [locked_message(locked)]
            status = 429
        elif second_factor.use_recovery_code(user, form.code.data):
            left = second_factor.unused_recovery_codes(user)
            response = finish(user, target)
            flash(
                ngettext(
                    "You used a recovery code. You have %(num)d left. Make new ones in your "
                    "account settings if you are running out.",
                    "You used a recovery code. You have %(num)d left. Make new ones in your "
                    "account settings if you are running out.",
                    left,
                ),
                "info",
            )
            return response
        else:
            lockout.record_failure(*keys)
            db.session.commit()
            form.code.errors = list(form.code.errors) + [
                _("This recovery code is not right or has been used already.")
            ]
            status = 400
    return render_template("account/sign_in_recovery.html", form=form, user=user), status


def render_enrolment(user: User, form: CodeForm, action: str, status: int = 200):
    secret = session.get(ENROL_SECRET_KEY)
    if not secret:
        secret = session[ENROL_SECRET_KEY] = second_factor.new_secret()
    uri = second_factor.provisioning_uri(secret, user.email)
    return render_template(
        "account/set_up_second_factor.html",
        form=form,
        secret=secret,
        qr=second_factor.qr_data_uri(uri),
        action=action,
        required=user.requires_second_factor,
    ), status


def confirm_enrolment(user: User, form: CodeForm) -> list[str] | None:
    """Recovery codes when the code confirms the secret being set up; else None (error set)."""
    secret = session.get(ENROL_SECRET_KEY)
    step = second_factor.confirm_step(secret, form.code.data) if secret else None
    if step is None:
        form.code.errors = list(form.code.errors) + [
            _("The code is not right. Check that you added the new key and enter the current code.")
        ]
        return None
    session.pop(ENROL_SECRET_KEY, None)
    return second_factor.enrol(user, secret, step)


@bp.route("/sign-in/set-up-code", methods=["GET", "POST"])
@limiter.limit(sign_in_limit, methods=["POST"])
def set_up_second_factor():
    """Enrolment at sign-in, for users who must have a second factor and have none yet."""
    user, target = pending_user()
    if user is None or user.totp_secret:
        return sign_in_start_over(user)
    form = CodeForm()
    if form.validate_on_submit():
        codes = confirm_enrolment(user, form)
        if codes is not None:
            target = target or default_target(user)
            start_session(user)
            db.session.commit()
            return render_template(
                "account/recovery_codes.html", codes=codes, continue_url=target, new=True
            )
    status = 400 if form.is_submitted() else 200
    return render_enrolment(user, form, request.path, status)
