"""A user's own sign-in settings: second factor, recovery codes, e-mail address, sessions."""

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from portal.audit import AuditAction
from portal.blueprints.account import bp
from portal.blueprints.account.forms import ChangeEmailForm, CodeForm, PasswordConfirmForm
from portal.blueprints.account.two_step import confirm_enrolment, render_enrolment
from portal.extensions import db, limiter
from portal.forms import EmptyForm
from portal.identity import accounts, second_factor
from portal.identity import sessions as session_policy
from portal.identity import tokens as account_tokens
from portal.identity.forms import ChangePasswordForm
from portal.permissions import signed_in
from portal.redirects import safe_next


def _render_settings(status=200, **forms):
    return render_template(
        "account/settings.html",
        has_password=accounts.has_password(current_user),
        recovery_left=second_factor.unused_recovery_codes(current_user)
        if current_user.totp_secret
        else 0,
        turn_off_form=forms.get("turn_off_form") or PasswordConfirmForm(prefix="off"),
        form=EmptyForm(),
    ), status


@bp.get("/account")
@signed_in
def settings():
    return _render_settings()


@bp.route("/account/second-factor", methods=["GET", "POST"])
@signed_in
def enrol():
    if current_user.totp_secret:
        return redirect(url_for("account.settings"))
    form = CodeForm()
    if form.validate_on_submit():
        codes = confirm_enrolment(current_user, form)
        if codes is not None:
            db.session.commit()
            return render_template(
                "account/recovery_codes.html",
                codes=codes,
                continue_url=url_for("account.settings"),
                new=True,
            )
    status = 400 if form.is_submitted() else 200
    return render_enrolment(current_user, form, request.path, status)


@bp.post("/account/recovery-codes")
@signed_in
def new_recovery_codes():
    if not current_user.totp_secret or not EmptyForm().validate_on_submit():
        return redirect(url_for("account.settings"))
    codes = second_factor.new_recovery_codes(current_user)
    from portal import audit

    audit.record(AuditAction.USER_RECOVERY_CODES_RENEWED, actor=current_user, target=current_user)
    db.session.commit()
    return render_template(
        "account/recovery_codes.html",
        codes=codes,
        continue_url=url_for("account.settings"),
        new=False,
    )


@bp.post("/account/second-factor/turn-off")
@signed_in
def turn_off():
    if not current_user.totp_secret or current_user.requires_second_factor:
        return redirect(url_for("account.settings"))
    form = PasswordConfirmForm(prefix="off")
    if form.validate_on_submit():
        if accounts.check_password(current_user, form.password.data):
            second_factor.turn_off(current_user)
            db.session.commit()
            flash(_("Two-step verification is off."), "success")
            return redirect(url_for("account.settings"))
        form.password.errors = list(form.password.errors) + [_("The password is not right.")]
    return _render_settings(400, turn_off_form=form)


@bp.route("/account/email", methods=["GET", "POST"])
@signed_in
def change_email():
    form = ChangeEmailForm()
    needs_password = accounts.has_password(current_user)
    if not needs_password:
        del form.password
    if form.validate_on_submit():
        if needs_password and not accounts.check_password(current_user, form.password.data):
            form.password.errors = list(form.password.errors) + [_("The password is not right.")]
        elif accounts.normalise_email(form.email.data) == current_user.email:
            form.email.errors = list(form.email.errors) + [
                _("This is already your e-mail address. Enter a new one.")
            ]
        else:
            account_tokens.request_email_change(
                current_user, form.email.data, get_locale().language
            )
            db.session.commit()
            flash(
                _(
                    "We have sent a link to %(email)s. Your e-mail address changes when you "
                    "follow it. Until then, use your current address to sign in.",
                    email=accounts.normalise_email(form.email.data),
                ),
                "success",
            )
            return redirect(url_for("account.settings"))
    status = 400 if form.is_submitted() else 200
    return render_template("account/change_email.html", form=form), status


@bp.route("/account/password", methods=["GET", "POST"])
@signed_in
@limiter.limit(lambda: current_app.config["SIGN_IN_RATE_LIMIT"], methods=["POST"])
def change_password():
    """Current password, then the new one: every other session ends, this one starts afresh."""
    if not accounts.has_password(current_user):  # signs in with eHerkenning only
        return redirect(url_for("account.settings"))
    form = ChangePasswordForm(user_inputs=[current_user.email, current_user.name])
    if form.validate_on_submit():
        user = current_user._get_current_object()
        try:
            account_tokens.change_password(
                user, form.current.data, form.password.data, get_locale().language
            )
        except account_tokens.WrongPassword:
            form.current.errors = list(form.current.errors) + [_("The password is not right.")]
        else:
            session_policy.begin(user)  # a fresh session here; the others were revoked
            db.session.commit()
            flash(
                _("Your password has been changed. You have been signed out everywhere else."),
                "success",
            )
            return redirect(url_for("account.settings"))
    status = 400 if form.is_submitted() else 200
    return render_template("account/change_password.html", form=form), status


@bp.post("/account/sign-out-everywhere")
@signed_in
def sign_out_everywhere():
    if not EmptyForm().validate_on_submit():
        return redirect(url_for("account.settings"))
    staff = current_user.is_staff
    accounts.sign_out_everywhere(current_user)
    db.session.commit()
    session_policy.end()
    flash(_("You have been signed out on every device and browser."), "success")
    return redirect(url_for("backoffice.sign_in" if staff else "account.sign_in"))


@bp.get("/account/session")
@signed_in
def session_status():
    """The idle-timeout warning: looking at it does not count as activity."""
    return render_template(
        "account/session.html",
        seconds_left=session_policy.seconds_left(),
        next_url=request.args.get("next", ""),
        form=EmptyForm(),
    )


@bp.post("/account/session")
@signed_in
def stay_signed_in():
    EmptyForm().validate_on_submit()
    session_policy.touch()
    flash(_("You are still signed in."), "success")
    return redirect(safe_next(request.form.get("next"), url_for("public.home")))
