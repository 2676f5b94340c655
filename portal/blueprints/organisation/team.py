"""Team: administrators invite colleagues, change roles and remove members; an invited person
follows the link, signs in or creates an account, and joins."""

from flask import abort, flash, g, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from wtforms import EmailField, PasswordField, RadioField, SelectChoice, StringField
from wtforms.validators import DataRequired, InputRequired

from portal import clock
from portal.blueprints.organisation import bp
from portal.extensions import db
from portal.formatting import before_full_stop
from portal.forms import BaseForm, EmptyForm
from portal.labels import ORG_ROLE
from portal.models import Invitation, Membership, OrgRole
from portal.organisations import continuity
from portal.organisations import team as service
from portal.permissions import ORG_SESSION_KEY, Permission, requires
from portal.validators import MAX_200, email_address, require_strong_password

ROLE_CHOICES = [SelectChoice(role.value, label) for role, label in ORG_ROLE.items()]


class InviteForm(BaseForm):
    email = EmailField(
        _l("E-mail address of your colleague"),
        validators=email_address(_l("Enter the e-mail address of the person you invite")),
    )
    role = RadioField(
        _l("Role"),
        choices=ROLE_CHOICES,
        validators=[InputRequired(_l("Choose a role"))],
    )


class RoleForm(BaseForm):
    role = RadioField(
        _l("Role"), choices=ROLE_CHOICES, validators=[InputRequired(_l("Choose a role"))]
    )


class JoinForm(BaseForm):
    name = StringField(
        _l("Your full name"),
        validators=[DataRequired(_l("Enter your full name")), MAX_200],
    )
    password = PasswordField(_l("Password"), validators=[DataRequired(_l("Enter a password"))])

    def __init__(self, *args, email: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self._email = email

    def validate_password(self, field):
        require_strong_password(field.data, [self._email, self.name.data or ""])


INVALID_REASONS = {
    "unknown": _l(
        "This invitation link is not valid. Check that you copied the whole link from the "
        "e-mail, or ask for a new invitation."
    ),
    "used": _l("This invitation has already been used. Sign in to continue."),
    "expired": _l("This invitation has expired. Ask the administrator for a new one."),
    "revoked": _l("This invitation was withdrawn. Ask the administrator for a new one."),
}


def get_membership_or_404(membership_id: int) -> Membership:
    membership = db.session.scalar(
        select(Membership).where(
            Membership.id == membership_id, Membership.organisation_id == g.organisation.id
        )
    )
    if membership is None:
        abort(404)
    return membership


def _render_team(invite_form=None, status=200, role_errors=None):
    organisation = g.organisation
    return render_template(
        "organisation/team.html",
        organisation=organisation,
        members=service.members(organisation),
        invitations=service.pending_invitations(organisation),
        form=invite_form or InviteForm(),
        button_form=EmptyForm(),
        role_choices=ROLE_CHOICES,
        role_errors=role_errors or {},
        working_administrators=continuity.working_administrators(organisation),
        to_review=continuity.members_to_review(organisation, clock.today()),
    ), status


@bp.get("/team")
@requires(Permission.MEMBER_MANAGE)
def team():
    return _render_team()


@bp.post("/team/invite")
@requires(Permission.MEMBER_MANAGE)
def invite():
    form = InviteForm()
    if form.validate_on_submit():
        try:
            invitation, token = service.invite(
                g.organisation, form.email.data, OrgRole(form.role.data), current_user
            )
        except service.AlreadyMember:
            form.email.errors.append(_("This person is already a member of your organisation."))
        else:
            try:
                service.send_invitation(invitation, token, current_user)
            except OSError:
                db.session.rollback()
                flash(_("The invitation e-mail could not be sent. Try again later."), "error")
                return _render_team(form, 503)
            db.session.commit()
            flash(_("Invitation sent to %(email)s.", email=invitation.email), "success")
            return redirect(url_for("organisation.team"))
    return _render_team(form, 400)


@bp.post("/team/<int:membership_id>/role")
@requires(Permission.MEMBER_MANAGE)
def change_role(membership_id: int):
    membership = get_membership_or_404(membership_id)
    form = RoleForm()
    if not form.validate_on_submit():
        return _render_team(status=400, role_errors={membership.id: _("Choose a role")})
    try:
        service.change_role(membership, OrgRole(form.role.data), current_user)
    except service.LastAdministrator:
        db.session.rollback()
        return _render_team(
            status=400,
            role_errors={
                membership.id: _(
                    "Your organisation needs at least one administrator. Make someone else "
                    "administrator first."
                )
            },
        )
    db.session.commit()
    flash(_("The role of %(name)s has been changed.", name=membership.user.name), "success")
    return redirect(url_for("organisation.team"))


@bp.post("/team/<int:membership_id>/remove")
@requires(Permission.MEMBER_MANAGE)
def remove_member(membership_id: int):
    membership = get_membership_or_404(membership_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    name = membership.user.name
    try:
        service.remove_member(membership, current_user)
    except service.LastAdministrator:
        db.session.rollback()
        return _render_team(
            status=400,
            role_errors={
                membership.id: _(
                    "The last administrator cannot be removed. Make someone else "
                    "administrator first."
                )
            },
        )
    db.session.commit()
    flash(_("%(name)s is no longer a member.", name=name), "success")
    return redirect(url_for("organisation.team"))


@bp.post("/team/invitations/<int:invitation_id>/revoke")
@requires(Permission.MEMBER_MANAGE)
def revoke_invitation(invitation_id: int):
    invitation = db.session.scalar(
        select(Invitation).where(
            Invitation.id == invitation_id, Invitation.organisation_id == g.organisation.id
        )
    )
    if invitation is None:
        abort(404)
    if not EmptyForm().validate_on_submit():
        abort(400)
    service.revoke_invitation(invitation, current_user)
    db.session.commit()
    flash(_("The invitation to %(email)s was withdrawn.", email=invitation.email), "success")
    return redirect(url_for("organisation.team"))


@bp.route("/invitations/<token>", methods=["GET", "POST"])
def invitation(token: str):
    """Public: the secret token in the link is the proof. Never shows whose token it is when
    the link is not valid."""
    from portal.identity.sign_in import begin

    try:
        found = service.find_invitation(token)
    except service.InvitationInvalid as invalid:
        status = 404 if invalid.reason == "unknown" else 410
        return render_template(
            "organisation/invitation.html",
            reason=INVALID_REASONS[invalid.reason],
            invitation=None,
        ), status
    account = service.find_account(found.email)
    form = JoinForm(email=found.email) if account is None else EmptyForm()
    wrong_account = current_user.is_authenticated and (
        current_user.is_staff or current_user.email != found.email
    )
    if form.validate_on_submit() and not wrong_account:
        try:
            if account is None:
                user = service.register_and_accept(found, form.name.data, form.password.data)
                db.session.commit()
                # A new administrator sets up two-step verification before the first session.
                response = begin(user, url_for("dashboard.index"), staff=False)
                flash(
                    _(
                        "Welcome. You are now a member of %(name)s.",
                        name=before_full_stop(found.organisation.legal_name),
                    ),
                    "success",
                )
                return response
            if current_user.is_authenticated:
                user = current_user
                service.accept(found, user)
            else:
                return redirect(
                    url_for("account.sign_in", next=url_for(".invitation", token=token))
                )
        except service.AlreadyMember:
            db.session.rollback()
            flash(_("You are already a member of this organisation."), "info")
            return redirect(url_for("dashboard.index"))
        except service.InvitationInvalid:
            db.session.rollback()
            return render_template(
                "organisation/invitation.html", reason=INVALID_REASONS["used"], invitation=None
            ), 410
        from flask import session

        session[ORG_SESSION_KEY] = found.organisation_id
        session.pop("mandate_id", None)
        db.session.commit()
        flash(
            _(
                "Welcome. You are now a member of %(name)s.",
                name=before_full_stop(found.organisation.legal_name),
            ),
            "success",
        )
        return redirect(url_for("dashboard.index"))
    status = 400 if form.is_submitted() else (403 if wrong_account else 200)
    return render_template(
        "organisation/invitation.html",
        reason=None,
        invitation=found,
        account=account,
        form=form,
        wrong_account=wrong_account,
    ), status
