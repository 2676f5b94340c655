"""Staff accounts, managed by administrators: invite, role, deactivate.

An administrator invites; the invitee sets their own password and enrols their own authenticator
from a single-use, expiring link, so no one ever sees another's password or second factor. The
CLI (`flask staff create`) still makes the first administrator.
"""

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from portal.blueprints.backoffice import bp
from portal.blueprints.backoffice.forms import StaffActiveForm, StaffCreateForm, StaffRoleForm
from portal.collation import by_name
from portal.extensions import db, limiter
from portal.identity import accounts
from portal.identity import tokens as account_tokens
from portal.identity.forms import NewPasswordForm
from portal.identity.sign_in import begin, sign_in_limit
from portal.models import StaffRole, TokenPurpose, User
from portal.permissions import Permission, staff_requires


def get_staff_or_404(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None or not user.is_staff:
        abort(404)
    return user


@bp.get("/staff")
@staff_requires(Permission.STAFF_USERS_MANAGE)
def staff_list():
    users = db.session.scalars(
        select(User)
        .where(User.staff_role.is_not(None))
        .order_by(User.active.desc(), by_name(User.name))
    ).all()
    return render_template(
        "backoffice/staff_list.html",
        users=users,
        role_forms={
            u.id: StaffRoleForm(formdata=None, data={"role": u.staff_role.value}, prefix=f"u{u.id}")
            for u in users
        },
        active_form=StaffActiveForm(formdata=None),
        invitation_pending=accounts.invitation_pending,
    )


@bp.route("/staff/new", methods=["GET", "POST"])
@staff_requires(Permission.STAFF_USERS_MANAGE)
def staff_new():
    form = StaffCreateForm()
    if form.validate_on_submit():
        try:
            user = accounts.invite_staff(
                form.email.data, form.name.data, StaffRole(form.role.data), actor=current_user
            )
        except accounts.EmailTaken:
            db.session.rollback()
            form.email.errors = [_("This e-mail address already has an account")]
        else:
            account_tokens.send_staff_invitation(user, current_user, get_locale().language)
            db.session.commit()
            flash(_("Invitation sent to %(email)s.", email=user.email), "success")
            return redirect(url_for("backoffice.staff_list"))
    status = 400 if form.is_submitted() else 200
    return render_template("backoffice/staff_new.html", form=form), status


@bp.post("/staff/<int:user_id>/role")
@staff_requires(Permission.STAFF_USERS_MANAGE)
def staff_role(user_id: int):
    user = get_staff_or_404(user_id)
    form = StaffRoleForm(prefix=f"u{user.id}")
    if not form.validate_on_submit():
        flash(_("Choose a role from the list."), "error")
        return redirect(url_for("backoffice.staff_list"))
    if user.id == current_user.id:
        flash(_("You cannot change your own role. Ask another administrator."), "error")
        return redirect(url_for("backoffice.staff_list"))
    accounts.change_staff_role(user, StaffRole(form.role.data), actor=current_user)
    db.session.commit()
    flash(_("The role of %(name)s has been changed.", name=user.name), "success")
    return redirect(url_for("backoffice.staff_list"))


@bp.post("/staff/<int:user_id>/active")
@staff_requires(Permission.STAFF_USERS_MANAGE)
def staff_active(user_id: int):
    user = get_staff_or_404(user_id)
    form = StaffActiveForm()
    if not form.validate_on_submit():
        abort(400)
    if user.id == current_user.id:
        flash(_("You cannot deactivate your own account. Ask another administrator."), "error")
        return redirect(url_for("backoffice.staff_list"))
    accounts.set_staff_active(user, not user.active, actor=current_user)
    db.session.commit()
    message = (
        _("%(name)s can sign in again.", name=user.name)
        if user.active
        else _("%(name)s can no longer sign in.", name=user.name)
    )
    flash(message, "success")
    return redirect(url_for("backoffice.staff_list"))


@bp.route("/invitation/<token>", methods=["GET", "POST"])
@limiter.limit(sign_in_limit, methods=["POST"])
def accept_invitation(token: str):
    """The invitee's own password; then their own authenticator, before the first session.
    An expired or used link gets a clear page and changes nothing."""
    try:
        row = account_tokens.find(token, TokenPurpose.STAFF_INVITATION)
    except account_tokens.TokenInvalid:
        return render_template("backoffice/invitation_invalid.html"), 404
    user = row.user
    form = NewPasswordForm(user_inputs=[user.email, user.name])
    if form.validate_on_submit():
        try:
            user = account_tokens.accept_staff_invitation(token, form.password.data)
        except account_tokens.TokenInvalid:  # used by another request a moment ago
            db.session.rollback()
            return render_template("backoffice/invitation_invalid.html"), 404
        db.session.commit()
        return begin(user, url_for("backoffice.queue"), staff=True)
    status = 400 if form.is_submitted() else 200
    return render_template("backoffice/invitation.html", form=form, user=user), status
