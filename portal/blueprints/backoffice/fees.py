"""Fees in the back office: entering the amount of a fee reference data has no figure for."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from portal import labels
from portal.blueprints.backoffice import bp
from portal.blueprints.backoffice.cases import _render_case, get_case_or_404
from portal.blueprints.backoffice.fee_forms import FeeAmountForm, StatementForm
from portal.extensions import db
from portal.fees import reconcile
from portal.fees import records as fee_records
from portal.forms import EmptyForm
from portal.models import StatementEntry
from portal.payments import mollie
from portal.permissions import Permission, staff_requires
from portal.residence.presentation import person_of


@bp.post("/cases/<int:application_id>/fee")
@staff_requires(Permission.STAFF_CASE_DECIDE)
def set_fee_amount(application_id: int):
    application = get_case_or_404(application_id)
    form = FeeAmountForm(prefix="fee")
    fee = fee_records.fee_of(application)
    if fee is None:
        flash(_("This case has no fee record."), "error")
        return redirect(url_for("backoffice.case", application_id=application.id))
    if not form.validate():
        return _render_case(application, 400, fee=form)
    person = person_of(application) if application.kind.is_residence else None
    try:
        fee_records.set_amount(fee, form.cents, current_user, person=person)
    except fee_records.AmountAlreadySet:
        db.session.rollback()
        flash(_("The amount of this fee was set already; nothing was changed."), "info")
    else:
        db.session.commit()
        flash(_("Amount set: the fee letter has been sent."), "success")
    return redirect(url_for("backoffice.case", application_id=application.id))


REFUSED = {
    "not_statement": _l("This file is not a camt.053 or MT940 bank statement."),
    "malformed": _l("The statement cannot be read: the file is damaged or incomplete."),
    "unsafe": _l(
        "The file was refused: it declares entities or an external document (not allowed in a "
        "statement)."
    ),
    "too_big": _l("The file is larger than 5 MB: import the statement of one day at a time."),
    "too_many": _l(
        "The statement has too many transactions for one import: import one day at a time."
    ),
    "wrong_account": _l("This statement is for another account, not the IND's fee account."),
    "not_positive": _l("The statement has an amount of zero or less: nothing was imported."),
    "currency": _l(
        "The statement has an amount in a currency other than euro: nothing was imported."
    ),
}
MATCH_REFUSED = {
    "unknown_reference": _l(
        "Enter the reference of an existing case, for example ER-2026-000042-K"
    ),
    "not_listed": _l("This transfer is not waiting to be matched."),
}
OUTCOME = {
    "paid": _l("fees paid"),
    "part": _l("part payments"),
    "manual": _l("for manual matching"),
    "reversed": _l("reversals"),
    "debit": _l("debits (ignored)"),
    "seen_before": _l("imported before (unchanged)"),
}


def _statements_page(form, status=200, match=None):
    return render_template(
        "backoffice/statements.html",
        form=form,
        entries=reconcile.manual_list(),
        online_not_booked=mollie.not_booked(),
        match=match or {},
    ), status


@bp.get("/fees/statements")
@staff_requires(Permission.STAFF_FINANCE)
def statements():
    return _statements_page(StatementForm())


@bp.post("/fees/statements")
@staff_requires(Permission.STAFF_FINANCE)
def import_statement():
    form = StatementForm()
    if not form.validate():
        return _statements_page(form, 400)
    upload = form.statement.data
    try:
        data = upload.read(reconcile.MAX_BYTES + 1)
    finally:
        upload.close()
    try:
        result = reconcile.import_statement(data, upload.filename, current_user)
        db.session.commit()
    except reconcile.StatementRefused as refused:
        db.session.rollback()
        form.statement.errors = [str(REFUSED[refused.code])]
        return _statements_page(form, 400)
    except (reconcile.AlreadyImported, IntegrityError):
        db.session.rollback()
        form.statement.errors = [_("This statement has been imported already: nothing changed.")]
        return _statements_page(form, 409)
    counts = ", ".join(f"{n} {OUTCOME[k]}" for k, n in sorted(result.counts.items()))
    flash(_("Statement imported: %(counts)s.", counts=counts or "0"), "success")
    return redirect(url_for("backoffice.statements"))


@bp.post("/fees/entries/<int:entry_id>/match")
@staff_requires(Permission.STAFF_FINANCE)
def match_entry(entry_id: int):
    entry = db.session.get(StatementEntry, entry_id)
    if entry is None:
        abort(404)
    form = EmptyForm()
    typed = (request.form.get("reference") or "").strip()[:100]
    if not form.validate():
        abort(400)
    try:
        reconcile.match_by_hand(entry, typed, current_user)
    except reconcile.NotMatchable as refused:
        db.session.rollback()
        message = MATCH_REFUSED.get(refused.reason) or labels.MATCH_REASON[refused.reason]
        match = {"entry_id": entry.id, "typed": typed, "error": str(message)}
        return _statements_page(StatementForm(formdata=None), 400, match)
    db.session.commit()
    flash(_("Transfer booked on %(reference)s.", reference=entry.application.reference), "success")
    return redirect(url_for("backoffice.statements"))
