"""Password reset by e-mail, and confirming a new e-mail address from that address.

The request page says the same whether or not an account has the address. Links work once and
expire; following a link shows a page, and only the POST from that page changes anything (mail
scanners that open links change nothing).
"""

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _

from portal.blueprints.account import bp
from portal.blueprints.account.forms import ResetRequestForm
from portal.extensions import db, limiter
from portal.forms import EmptyForm
from portal.identity import accounts, lockout
from portal.identity import tokens as account_tokens
from portal.identity.forms import NewPasswordForm
from portal.models import TokenPurpose


def _limit() -> str:
    return current_app.config["SIGN_IN_RATE_LIMIT"]


def _email_key() -> str:
    return "reset:" + accounts.normalise_email(request.form.get("email", ""))[:254]


@bp.route("/password-reset", methods=["GET", "POST"])
@limiter.limit(_limit, methods=["POST"])
@limiter.limit(_limit, methods=["POST"], key_func=_email_key)
def request_reset():
    form = ResetRequestForm()
    if form.validate_on_submit():
        account_tokens.request_password_reset(form.email.data, get_locale().language)
        db.session.commit()
        return render_template("account/reset_sent.html", email=form.email.data)
    status = 400 if form.is_submitted() else 200
    return render_template("account/reset_request.html", form=form), status


def _invalid_link():
    return render_template("account/link_invalid.html"), 404


@bp.route("/password-reset/<token>", methods=["GET", "POST"])
@limiter.limit(_limit, methods=["POST"])
def reset_password(token: str):
    try:
        row = account_tokens.find(token, TokenPurpose.PASSWORD_RESET)
    except account_tokens.TokenInvalid:
        return _invalid_link()
    form = NewPasswordForm(user_inputs=[row.user.email, row.user.name])
    if form.validate_on_submit():
        try:
            user = account_tokens.reset_password(token, form.password.data)
        except account_tokens.TokenInvalid:  # used by another request a moment ago
            db.session.rollback()
            return _invalid_link()
        lockout.record_success(lockout.account_key(user.email))
        db.session.commit()
        flash(_("Your password has been changed. Sign in with your new password."), "success")
        return redirect(url_for("backoffice.sign_in" if user.is_staff else "account.sign_in"))
    status = 400 if form.is_submitted() else 200
    return render_template("account/reset_password.html", form=form), status


@bp.route("/email/confirm/<token>", methods=["GET", "POST"])
def confirm_email(token: str):
    try:
        row = account_tokens.find(token, TokenPurpose.EMAIL_CHANGE)
    except account_tokens.TokenInvalid:
        return _invalid_link()
    form = EmptyForm()
    if form.validate_on_submit():
        try:
            account_tokens.confirm_email_change(token, get_locale().language)
        except account_tokens.TokenInvalid:  # used by another request a moment ago
            db.session.rollback()
            return _invalid_link()
        except accounts.EmailTaken:
            db.session.commit()
            flash(_("This e-mail address already belongs to another account."), "error")
            return redirect(url_for("public.home"))
        db.session.commit()
        flash(_("Your e-mail address has been changed."), "success")
        return redirect(url_for("public.home"))
    return render_template("account/confirm_email.html", new_email=row.new_email, form=form)
