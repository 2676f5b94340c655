"""Fees in the back office: entering the amount of a fee reference data has no figure for."""

from flask import flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.blueprints.backoffice import bp
from portal.blueprints.backoffice.cases import _render_case, get_case_or_404
from portal.blueprints.backoffice.fee_forms import FeeAmountForm
from portal.extensions import db
from portal.fees import records as fee_records
from portal.permissions import Permission, staff_requires
from portal.residence.presentation import person_of


@bp.post("/cases/<int:application_id>/fee")
@staff_requires(Permission.STAFF_FEE_SET)
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
