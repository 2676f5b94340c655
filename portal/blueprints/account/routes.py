from flask import flash, redirect, render_template, request, session, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from portal.blueprints.account import bp
from portal.blueprints.account.forms import SignUpForm
from portal.extensions import db, limiter
from portal.forms import EmptyForm
from portal.identity import accounts, federation, oidc
from portal.identity import sessions as session_policy
from portal.identity import sign_up as sign_ups
from portal.identity import tokens as account_tokens
from portal.identity.forms import SignInForm
from portal.identity.sign_in import (
    SIGN_UP_KEY,
    begin,
    check_password_sign_in,
    email_key,
    pending_sign_up,
    sign_in_limit,
    start_session,
)
from portal.models import OrganisationKind
from portal.organisations.profile import KvkNumberTaken
from portal.permissions import ASSERTED_KVK_SESSION_KEY
from portal.redirects import safe_next


def kvk_taken_message() -> str:
    return _(
        "An organisation with this KvK number already has an account. "
        "Ask its administrator to invite you."
    )


@bp.route("/sign-up", methods=["GET", "POST"])
@limiter.limit(sign_ups.rate_limit, methods=["POST"])
@limiter.limit(sign_ups.rate_limit, methods=["POST"], key_func=sign_ups.email_key)
def sign_up():
    form = SignUpForm()
    pending = pending_sign_up()  # after a first eHerkenning sign-in: the KvK number is fixed
    if pending:
        del form.password
        form.kvk_number.data = pending["kvk"]
        if not form.is_submitted():
            form.admin_name.data = pending["name"]
            form.admin_email.data = pending["email"]
    if form.validate_on_submit():
        data = accounts.SignUp(
            kvk_number=form.kvk_number.data,
            legal_name=form.legal_name.data,
            street_address=form.street_address.data,
            postcode=form.postcode.data,
            city=form.city.data,
            organisation_email=form.organisation_email.data,
            persons_employed=form.persons_employed.data,
            kind=OrganisationKind(form.kind.data),
            preferred_language=form.preferred_language.data,
            admin_name=form.admin_name.data,
            admin_email=form.admin_email.data,
            password=None if pending else form.password.data,
        )
        if not pending:
            # Nothing is created until the address is confirmed; the page says the same
            # whether or not the address has an account (the mail tells its owner).
            if accounts.kvk_number_taken(data.kvk_number):
                form.kvk_number.errors.append(kvk_taken_message())
            else:
                sign_ups.request_sign_up(data, get_locale().language)
                db.session.commit()
                return render_template("account/sign_up_sent.html", email=data.admin_email)
            return render_template("account/sign_up.html", form=form, pending=pending), 400
        try:
            identity = oidc.Identity("sponsor", pending["issuer"], pending["subject"], {})
            user = federation.sign_up_linked(data, identity)
            db.session.flush()
        except (KvkNumberTaken, accounts.EmailTaken, IntegrityError):
            db.session.rollback()
            if accounts.kvk_number_taken(data.kvk_number):
                form.kvk_number.errors.append(kvk_taken_message())
            if accounts.find_user_by_email(data.admin_email) is not None:
                form.admin_email.errors.append(
                    _("This e-mail address is already in use. Sign in, or use another address.")
                )
        else:
            start_session(user)
            session[ASSERTED_KVK_SESSION_KEY] = pending["kvk"]
            session.pop(SIGN_UP_KEY, None)
            db.session.commit()
            flash(_("Your organisation's account has been created."), "success")
            return redirect(url_for("dashboard.index"))
    status = 400 if form.is_submitted() else 200
    return render_template("account/sign_up.html", form=form, pending=pending), status


@bp.route("/sign-up/confirm/<token>", methods=["GET", "POST"])
@limiter.limit(sign_in_limit, methods=["POST"])
def confirm_sign_up(token: str):
    """The link in the sign-up mail: a page whose button creates the account; then the new
    administrator sets up two-step verification before the first session begins."""
    try:
        row = sign_ups.find(token)
    except account_tokens.TokenInvalid:
        return render_template("account/link_invalid.html", sign_up=True), 404
    row_id = row.id
    form = EmptyForm()
    if form.validate_on_submit():
        try:
            _organisation, user = sign_ups.confirm(token)
            db.session.flush()
        except account_tokens.TokenInvalid:
            db.session.rollback()
            return render_template("account/link_invalid.html", sign_up=True), 404
        except (KvkNumberTaken, accounts.EmailTaken, IntegrityError) as error:
            db.session.rollback()
            sign_ups.discard(row_id)
            db.session.commit()
            taken = "kvk" if isinstance(error, KvkNumberTaken) else "email"
            return render_template("account/sign_up_refused.html", taken=taken), 409
        db.session.commit()
        response = begin(user, url_for("dashboard.index"), staff=False)
        flash(_("Your organisation's account has been created."), "success")
        return response
    return render_template("account/sign_up_confirm.html", form=form, request_row=row)


@bp.route("/sign-in", methods=["GET", "POST"])
@limiter.limit(sign_in_limit, methods=["POST"])
@limiter.limit(sign_in_limit, methods=["POST"], key_func=email_key)
def sign_in():
    if current_user.is_authenticated and not current_user.is_staff:
        return redirect(url_for("dashboard.index"))
    form = SignInForm()
    status = 400 if form.is_submitted() else 200
    if form.validate_on_submit():
        user, status = check_password_sign_in(form, staff=False)
        if user is not None:
            target = safe_next(request.args.get("next"), url_for("dashboard.index"))
            return begin(user, target, staff=False)
    return render_template("account/sign_in.html", form=form, oidc=oidc), status


@bp.post("/sign-out")
def sign_out():
    session_policy.end()
    db.session.commit()
    flash(_("You have signed out."), "success")
    return redirect(url_for("account.sign_in"))
