"""The UWV advice step on a single-permit (GVVA) case (issue 22): request, then record the
advice by hand (portal/cases/advice.py)."""

from flask_babel import gettext as _
from flask_login import current_user

from portal.blueprints.backoffice import bp
from portal.blueprints.backoffice.cases import _act, get_case_or_404
from portal.blueprints.backoffice.uwv_advice_forms import UwvRecordForm, UwvRequestForm
from portal.cases import advice, casework
from portal.models import UwvOutcome
from portal.permissions import Permission, staff_requires


def _refused(application):
    raise casework.NotAllowedNow(application.status)


@bp.post("/cases/<int:application_id>/uwv-advice/request")
@staff_requires(Permission.STAFF_CASE_REQUEST_INFORMATION)
def request_uwv_advice(application_id: int):
    def action(application, form):
        try:
            advice.request(application, current_user, (form.note.data or "").strip())
        except advice.AdviceNotPossible:
            _refused(application)

    return _act(
        application_id,
        "uwv_request",
        UwvRequestForm(prefix="uwv-request"),
        action,
        _("The request for UWV's advice has been recorded. Record the advice when it arrives."),
    )


@bp.post("/cases/<int:application_id>/uwv-advice/record")
@staff_requires(Permission.STAFF_CASE_DECIDE)
def record_uwv_advice(application_id: int):
    requested = advice.advice_of(get_case_or_404(application_id))

    def action(application, form):
        try:
            advice.record(
                application,
                current_user,
                UwvOutcome(form.outcome.data),
                form.received_on.data,
                form.text.data.strip(),
            )
        except advice.AdviceNotPossible:
            _refused(application)

    return _act(
        application_id,
        "uwv_record",
        UwvRecordForm(prefix="uwv-record", requested_on=requested and requested.requested_on),
        action,
        _("UWV's advice has been recorded."),
    )
