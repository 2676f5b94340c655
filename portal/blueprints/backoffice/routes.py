from flask import redirect, render_template, request, url_for
from flask_login import current_user

from portal.blueprints.account import two_step
from portal.blueprints.account.forms import SignInForm
from portal.blueprints.account.routes import _email_key, _sign_in_limit, check_password_sign_in
from portal.blueprints.backoffice import bp
from portal.blueprints.backoffice.forms import CodeForm
from portal.blueprints.public.routes import safe_next
from portal.extensions import limiter
from portal.identity import oidc
from portal.identity import sessions as session_policy


@bp.route("/sign-in", methods=["GET", "POST"])
@limiter.limit(_sign_in_limit, methods=["POST"])
@limiter.limit(_sign_in_limit, methods=["POST"], key_func=_email_key)
def sign_in():
    if current_user.is_authenticated and current_user.is_staff:
        return redirect(url_for("backoffice.queue"))
    form = SignInForm()
    status = 400 if form.is_submitted() else 200
    if form.validate_on_submit():
        user, status = check_password_sign_in(form, staff=True)
        if user is not None:
            target = safe_next(request.args.get("next"), url_for("backoffice.queue"))
            return two_step.begin(user, target, staff=True)
    return render_template("backoffice/sign_in.html", form=form, oidc=oidc), status


@bp.route("/sign-in/code", methods=["GET", "POST"])
@limiter.limit(_sign_in_limit, methods=["POST"])
def sign_in_code():
    user, target = two_step.pending_user()
    if user is None or not user.is_staff or not user.totp_secret:
        return redirect(url_for("backoffice.sign_in"))
    form = CodeForm()
    status = 400 if form.is_submitted() else 200
    if form.validate_on_submit():
        status = two_step.check_code(user, form)
        if status == 200:
            return two_step.finish(user, target)
    return render_template("backoffice/sign_in_code.html", form=form), status


@bp.post("/sign-out")
def sign_out():
    session_policy.end()
    return redirect(url_for("backoffice.sign_in"))
