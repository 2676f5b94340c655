from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user
from sqlalchemy.exc import IntegrityError

from portal.blueprints.account import bp
from portal.blueprints.account.forms import SignInForm, SignUpForm
from portal.blueprints.public.routes import safe_next
from portal.extensions import db, limiter
from portal.models import OrganisationKind
from portal.services import accounts


def _sign_in_limit() -> str:
    return current_app.config["SIGN_IN_RATE_LIMIT"]


def _email_key() -> str:
    return "email:" + accounts.normalise_email(request.form.get("email", ""))[:254]


def start_session(user) -> None:
    """A fresh session at sign-in (no fixation), keeping only the language choice."""
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang
    session.permanent = True
    login_user(user)
    accounts.record_sign_in(user)


@bp.route("/sign-up", methods=["GET", "POST"])
def sign_up():
    form = SignUpForm()
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
            password=form.password.data,
        )
        try:
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
            db.session.commit()
            flash(_("Your organisation's account has been created."), "success")
            return redirect(url_for("dashboard.index"))
    status = 400 if form.is_submitted() else 200
    return render_template("account/sign_up.html", form=form), status


@bp.route("/sign-in", methods=["GET", "POST"])
@limiter.limit(_sign_in_limit, methods=["POST"])
@limiter.limit(_sign_in_limit, methods=["POST"], key_func=_email_key)
def sign_in():
    if current_user.is_authenticated and not current_user.is_staff:
        return redirect(url_for("dashboard.index"))
    form = SignInForm()
    if form.validate_on_submit():
        user = accounts.authenticate(form.email.data, form.password.data, staff=False)
        if user is not None:
            start_session(user)
            db.session.commit()
            return redirect(safe_next(request.args.get("next"), url_for("dashboard.index")))
        form.password.errors = list(form.password.errors) + [
            _("The e-mail address or password is not right.")
        ]
    status = 400 if form.is_submitted() else 200
    return render_template("account/sign_in.html", form=form), status


@bp.post("/sign-out")
def sign_out():
    lang = session.get("lang")
    logout_user()
    session.clear()
    if lang:
        session["lang"] = lang
    flash(_("You have signed out."), "success")
    return redirect(url_for("account.sign_in"))
