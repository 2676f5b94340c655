"""Staff accounts, managed by administrators: create with TOTP enrolment, role, deactivate."""

import pyotp
from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from portal.blueprints.backoffice import bp
from portal.blueprints.backoffice.forms import StaffActiveForm, StaffCreateForm, StaffRoleForm
from portal.extensions import db
from portal.identity import accounts
from portal.models import StaffRole, User
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
        select(User).where(User.staff_role.is_not(None)).order_by(User.active.desc(), User.name)
    ).all()
    return render_template(
        "backoffice/staff_list.html",
        users=users,
        role_forms={
            u.id: StaffRoleForm(formdata=None, data={"role": u.staff_role.value}, prefix=f"u{u.id}")
            for u in users
        },
        active_form=StaffActiveForm(formdata=None),
    )


@bp.route("/staff/new", methods=["GET", "POST"])
@staff_requires(Permission.STAFF_USERS_MANAGE)
def staff_new():
    form = StaffCreateForm()
    if form.validate_on_submit():
        secret = pyotp.random_base32()
        try:
            user = accounts.create_staff(
                form.email.data,
                form.name.data,
                StaffRole(form.role.data),
                form.password.data,
                secret,
                actor=current_user,
            )
        except accounts.EmailTaken:
            db.session.rollback()
            form.email.errors = [_("This e-mail address already has an account")]
        else:
            db.session.commit()
            uri = pyotp.TOTP(secret).provisioning_uri(
                name=user.email, issuer_name="IND Sponsor Portal"
            )
            # Shown once, in this response only: the secret is not retrievable later.
            return render_template(
                "backoffice/staff_created.html", user=user, secret=secret, uri=uri
            )
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
