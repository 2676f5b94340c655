from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from portal.blueprints.account import bp
from portal.blueprints.account.forms import SignInForm, SignUpForm
from portal.blueprints.public.routes import safe_next
from portal.extensions import db, limiter
from portal.identity import accounts, federation, lockout, oidc
from portal.identity import sessions as session_policy
from portal.models import OrganisationKind
from portal.permissions import ASSERTED_KVK_SESSION_KEY


def _sign_in_limit() -> str:
    return current_app.config["SIGN_IN_RATE_LIMIT"]


def _email_key() -> str:
    return "email:" + accounts.normalise_email(request.form.get("email", ""))[:254]


def start_session(user) -> None:
    """A fresh session at sign-in (no fixation), keeping only the language choice."""
    session_policy.begin(user)
    accounts.record_sign_in(user)


def lockout_keys(email: str) -> tuple[lockout.Key, lockout.Key]:
    return lockout.account_key(email), lockout.address_key(request.remote_addr)


def locked_message(seconds: int) -> str:
    minutes = max(1, -(-seconds // 60))
    return ngettext(
        "Signing in is paused after several failed attempts. Try again in %(num)d minute, "
        "or reset your password.",
        "Signing in is paused after several failed attempts. Try again in %(num)d minutes, "
        "or reset your password.",
        minutes,
    )


def check_password_sign_in(form, *, staff: bool):
    """(user, status): the user when the password is right and nothing is locked.

    The same messages whether or not an account exists; failures count per account and address.
    """
    keys = lockout_keys(form.email.data)
    locked = lockout.seconds_locked(*keys)
    if locked:
        form.password.errors = list(form.password.errors) + [locked_message(locked)]
        return None, 429
    user = accounts.authenticate(form.email.data, form.password.data, staff=staff)
    if user is None:
        lockout.record_failure(*keys)
        db.session.commit()
        form.password.errors = list(form.password.errors) + [
            _("The e-mail address or password is not right.")
        ]
        return None, 400
    return user, 200


@bp.route("/sign-up", methods=["GET", "POST"])
def sign_up():
    from portal.blueprints.oidc.routes import SIGN_UP_KEY, pending_sign_up

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
        try:
            if pending:
                identity = oidc.Identity("sponsor", pending["issuer"], pending["subject"], {})
                user = federation.sign_up_linked(data, identity)
            else:
                _organisation, user = accounts.sign_up(data)
            db.session.flush()
        except (accounts.KvkNumberTaken, accounts.EmailTaken, IntegrityError):
            db.session.rollback()
            if accounts.kvk_number_taken(data.kvk_number):
                form.kvk_number.errors.append(
                    _(
                        "An organisation with this KvK number already has an account. "
                        "Ask its administrator to invite you."
                    )
                )
            if accounts.find_user_by_email(data.admin_email) is not None:
                form.admin_email.errors.append(
                    _("This e-mail address is already in use. Sign in, or use another address.")
                )
        else:
            start_session(user)
            if pending:
                session[ASSERTED_KVK_SESSION_KEY] = pending["kvk"]
            session.pop(SIGN_UP_KEY, None)
            db.session.commit()
            flash(_("Your organisation's account has been created."), "success")
            return redirect(url_for("dashboard.index"))
    status = 400 if form.is_submitted() else 200
    return render_template("account/sign_up.html", form=form, pending=pending), status


@bp.route("/sign-in", methods=["GET", "POST"])
@limiter.limit(_sign_in_limit, methods=["POST"])
@limiter.limit(_sign_in_limit, methods=["POST"], key_func=_email_key)
def sign_in():
    if current_user.is_authenticated and not current_user.is_staff:
        return redirect(url_for("dashboard.index"))
    form = SignInForm()
    status = 400 if form.is_submitted() else 200
    if form.validate_on_submit():
        user, status = check_password_sign_in(form, staff=False)
        if user is not None:
            target = safe_next(request.args.get("next"), url_for("dashboard.index"))
            return two_step.begin(user, target, staff=False)
    return render_template("account/sign_in.html", form=form, oidc=oidc), status


@bp.post("/sign-out")
def sign_out():
    session_policy.end()
    flash(_("You have signed out."), "success")
    return redirect(url_for("account.sign_in"))


from portal.blueprints.account import two_step  # noqa: E402
