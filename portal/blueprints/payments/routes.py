"""Paying a fee online (portal/payments/): start at the provider, come back, status updates.

Without `MOLLIE_API_KEY` online payment is off: no button, and these routes answer 404.
"""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from portal import clock, payments, reference
from portal.blueprints.payments import bp
from portal.extensions import csrf, db
from portal.fees import records as fee_records
from portal.forms import EmptyForm
from portal.models import Application
from portal.payments import mollie
from portal.permissions import Permission, requires, scoped_or_404
from portal.redirects import public_url

UNAVAILABLE = _l("Online payment is not available right now. Pay by bank transfer, or try later.")


@bp.app_context_processor
def online_payment():
    return {"online_payment": payments.configured()}


def _case_or_404(application_id: int) -> Application:
    if not payments.configured():
        abort(404)
    application = scoped_or_404(Application, application_id)
    if application.fee is None:
        abort(404)
    return application


def _case_url(application: Application) -> str:
    endpoint = "residence.show" if application.kind.is_residence else "applications.show"
    return url_for(endpoint, application_id=application.id)


@bp.post("/applications/<int:application_id>/pay")
@requires(Permission.APPLICATION_SUBMIT)
def pay(application_id: int):
    application = _case_or_404(application_id)
    if not EmptyForm().validate():
        abort(400)
    try:
        payment = mollie.start(
            application,
            current_user,
            redirect_url=public_url("payments.returned", application_id=application.id),
            webhook_url=public_url("payments.webhook"),
        )
    except mollie.NotPayableOnline:
        db.session.rollback()
        flash(_("This fee cannot be paid now: it has been paid, or the case is closed."), "info")
        return redirect(_case_url(application))
    except mollie.ProviderUnavailable:
        db.session.rollback()
        flash(str(UNAVAILABLE), "error")
        return redirect(_case_url(application))
    if not payments.checkout_allowed(payment.checkout_url):
        db.session.rollback()
        mollie.refuse("checkout_host", payment.provider_id)
        db.session.commit()
        flash(str(UNAVAILABLE), "error")
        return redirect(_case_url(application))
    db.session.commit()
    return redirect(payment.checkout_url, 303)


@bp.get("/applications/<int:application_id>")
@requires(Permission.APPLICATION_READ)
def returned(application_id: int):
    """Where the provider sends the sponsor back: the honest state, fetched from the provider
    when the status update has not come in yet."""
    application = _case_or_404(application_id)
    payment = mollie.latest(application.fee)
    unavailable = False
    if payment is not None and payment.handled_at is None:
        try:
            mollie.update_status(payment.provider_id)
            db.session.commit()
        except mollie.ProviderUnavailable:
            db.session.rollback()
            unavailable = True
    today = clock.today()
    return render_template(
        "payments/returned.html",
        application=application,
        payment=payment,
        unavailable=unavailable,
        ended=payment is not None and payment.status in mollie.ENDED,
        fee=fee_records.state_of(application.fee, today),
        case_url=_case_url(application),
        bank_account=reference.ind_bank_account(today),
    )


@bp.post("/webhook")
@csrf.exempt  # the provider calls with only an id; the status is fetched from its API
def webhook():
    """Mollie's status update: only the id; fetched by id with the portal's own key. An id
    the portal did not create is refused and logged; the answer does not say which ids exist
    (Mollie's advice), so it is 200 unless the provider could not be asked (503: retry)."""
    if not payments.configured():
        abort(404)
    payment_id = (request.form.get("id") or "")[:100]
    try:
        mollie.update_status(payment_id)
    except mollie.CallbackRefused as refused:
        db.session.rollback()
        mollie.refuse(refused.reason, payment_id)
    except mollie.ProviderUnavailable:
        db.session.rollback()
        return "", 503
    db.session.commit()
    return "", 200
