from flask import redirect, render_template, request, url_for
from flask_login import current_user

from portal.blueprints.backoffice import bp
from portal.blueprints.backoffice.forms import CodeForm
from portal.extensions import db, limiter
from portal.identity import oidc
from portal.identity import sessions as session_policy
from portal.identity import sign_in as flow
from portal.identity.forms import SignInForm
from portal.redirects import safe_next


@bp.route("/sign-in", methods=["GET", "POST"])
@limiter.limit(flow.sign_in_limit, methods=["POST"])
@limiter.limit(flow.sign_in_limit, methods=["POST"], key_func=flow.email_key)
def sign_in():
    if current_user.is_authenticated and current_user.is_staff:
        return redirect(url_for("backoffice.queue"))
    form = SignInForm()
    status = 400 if form.is_submitted() else 200
    if form.validate_on_submit():
        user, status = flow.check_password_sign_in(form, staff=True)
        if user is not None:
            target = safe_next(request.args.get("next"), url_for("backoffice.queue"))
            return flow.begin(user, target, staff=True)
    return render_template("backoffice/sign_in.html", form=form, oidc=oidc), status


@bp.route("/sign-in/code", methods=["GET", "POST"])
@limiter.limit(flow.sign_in_limit, methods=["POST"])
def sign_in_code():
    user, target = flow.pending_user()
    if user is None or not user.is_staff or not user.totp_secret:
        return redirect(url_for("backoffice.sign_in"))
    form = CodeForm()
    status = 400 if form.is_submitted() else 200
    if form.validate_on_submit():
        status = flow.check_code(user, form)
        if status == 200:
            return flow.finish(user, target)
    return render_template("backoffice/sign_in_code.html", form=form), status


@bp.post("/sign-out")
def sign_out():
    session_policy.end()
    db.session.commit()
    return redirect(url_for("backoffice.sign_in"))
