import pyotp
from flask import abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, logout_user
from sqlalchemy import select

from portal import clock
from portal.blueprints.account.forms import SignInForm
from portal.blueprints.account.routes import _email_key, _sign_in_limit, start_session
from portal.blueprints.backoffice import bp
from portal.blueprints.backoffice.forms import CodeForm, DecisionForm
from portal.blueprints.public.routes import safe_next
from portal.extensions import db, limiter
from portal.models import Application, Letter, User
from portal.permissions import Permission, staff_requires
from portal.services import accounts, audit
from portal.services import applications as service

PENDING_KEY = "staff_pending_user_id"
PENDING_NEXT_KEY = "staff_pending_next"


@bp.route("/sign-in", methods=["GET", "POST"])
@limiter.limit(_sign_in_limit, methods=["POST"])
@limiter.limit(_sign_in_limit, methods=["POST"], key_func=_email_key)
def sign_in():
    if current_user.is_authenticated and current_user.is_staff:
        return redirect(url_for("backoffice.queue"))
    form = SignInForm()
    if form.validate_on_submit():
        user = accounts.authenticate(form.email.data, form.password.data, staff=True)
        if user is not None:
            session[PENDING_KEY] = user.id
            session[PENDING_NEXT_KEY] = safe_next(request.args.get("next"), "")
            return redirect(url_for("backoffice.sign_in_code"))
        form.password.errors = list(form.password.errors) + [
            _("The e-mail address or password is not right.")
        ]
    status = 400 if form.is_submitted() else 200
    return render_template("backoffice/sign_in.html", form=form), status


@bp.route("/sign-in/code", methods=["GET", "POST"])
@limiter.limit(_sign_in_limit, methods=["POST"])
def sign_in_code():
    user_id = session.get(PENDING_KEY)
    user = db.session.get(User, user_id) if user_id else None
    if user is None or not user.is_staff or not user.totp_secret:
        return redirect(url_for("backoffice.sign_in"))
    form = CodeForm()
    if form.validate_on_submit():
        if pyotp.TOTP(user.totp_secret).verify(form.code.data, valid_window=1):
            target = session.get(PENDING_NEXT_KEY) or url_for("backoffice.queue")
            start_session(user)
            db.session.commit()
            return redirect(target)
        form.code.errors = list(form.code.errors) + [
            _("The code is not right. Enter the current code from your authenticator app.")
        ]
    status = 400 if form.is_submitted() else 200
    return render_template("backoffice/sign_in_code.html", form=form), status


@bp.post("/sign-out")
def sign_out():
    lang = session.get("lang")
    logout_user()
    session.clear()
    if lang:
        session["lang"] = lang
    return redirect(url_for("backoffice.sign_in"))


@bp.get("/")
@staff_requires(Permission.STAFF_QUEUE_READ)
def queue():
    cases = db.session.scalars(service.review_queue().limit(200)).all()
    return render_template("backoffice/queue.html", cases=cases, today=clock.today())


def get_case_or_404(application_id: int) -> Application:
    application = db.session.get(Application, application_id)
    if application is None or application.submitted_at is None:
        abort(404)
    return application


def _render_case(application: Application, form: DecisionForm, status: int = 200):
    letters = db.session.scalars(
        select(Letter).where(Letter.application_id == application.id).order_by(Letter.id)
    ).all()
    return render_template(
        "backoffice/case.html",
        application=application,
        form=form,
        letters=letters,
        today=clock.today(),
        decidable=application.status in service.DECIDABLE_STATUSES,
    ), status


@bp.get("/cases/<int:application_id>")
@staff_requires(Permission.STAFF_CASE_READ)
def case(application_id: int):
    application = get_case_or_404(application_id)
    audit.record(
        "staff.case.viewed",
        actor=current_user,
        organisation=application.organisation,
        target=application,
    )
    db.session.commit()
    return _render_case(application, DecisionForm())


@bp.post("/cases/<int:application_id>/decision")
@staff_requires(Permission.STAFF_CASE_DECIDE)
def decide(application_id: int):
    application = get_case_or_404(application_id)
    form = DecisionForm()
    if not form.validate_on_submit():
        return _render_case(application, form, 400)
    try:
        service.decide(
            application,
            current_user,
            grant=form.outcome.data == "grant",
            reason=form.reason.data or "",
        )
    except service.NotDecidable:
        db.session.rollback()
        flash(_("This case has already been decided. Nothing was changed."), "error")
        return redirect(url_for("backoffice.case", application_id=application_id))
    db.session.commit()
    flash(
        _(
            "Decision recorded for %(reference)s. The letter has been sent.",
            reference=application.reference,
        ),
        "success",
    )
    return redirect(url_for("backoffice.queue"))
