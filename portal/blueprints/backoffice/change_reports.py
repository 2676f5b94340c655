"""Change reports (legal identity of a recognised sponsor): staff accept or reject; accepted
changes are applied to the profile with history. Its own module on the back-office blueprint."""

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from portal import audit
from portal.audit import AuditAction
from portal.blueprints.backoffice import bp
from portal.blueprints.backoffice.forms import DecideChangeReportForm
from portal.extensions import db
from portal.models import ChangeReport, ChangeReportStatus
from portal.organisations import profile as service
from portal.organisations.profile_fields import FIELD_LABELS, display_value
from portal.permissions import Permission, staff_requires


def _render(report: ChangeReport, form, status: int = 200):
    return render_template(
        "backoffice/change_report.html",
        report=report,
        form=form,
        labels_for=FIELD_LABELS,
        display=display_value,
    ), status


@bp.get("/change-reports")
@staff_requires(Permission.STAFF_CHANGE_REPORT_DECIDE)
def change_reports():
    pending = db.session.scalars(
        select(ChangeReport)
        .where(ChangeReport.status == ChangeReportStatus.PENDING)
        .order_by(ChangeReport.submitted_at, ChangeReport.id)
        .limit(200)
    ).all()
    decided = db.session.scalars(
        select(ChangeReport)
        .where(ChangeReport.status != ChangeReportStatus.PENDING)
        .order_by(ChangeReport.decided_at.desc(), ChangeReport.id.desc())
        .limit(20)
    ).all()
    return render_template("backoffice/change_reports.html", pending=pending, decided=decided)


@bp.route("/change-reports/<int:report_id>", methods=["GET", "POST"])
@staff_requires(Permission.STAFF_CHANGE_REPORT_DECIDE)
def change_report(report_id: int):
    report = db.session.get(ChangeReport, report_id)
    if report is None:
        abort(404)
    form = DecideChangeReportForm()
    if not form.is_submitted():
        # The report shows the organisation's legal data and who reported the change.
        audit.record(
            AuditAction.STAFF_CHANGE_REPORT_VIEWED,
            actor=current_user,
            organisation=report.organisation,
            target=report,
        )
        db.session.commit()
    if report.status != ChangeReportStatus.PENDING or not form.validate_on_submit():
        return _render(report, form, 400 if form.is_submitted() else 200)
    accept = form.decision.data == "accept"
    try:
        service.decide_change_report(report, current_user, accept=accept, note=form.note.data)
    except service.NotPending:
        db.session.rollback()
        flash(_("This change report has already been decided. Nothing was changed."), "error")
    except service.KvkNumberTaken:
        db.session.rollback()
        form.decision.errors.append(
            _("Another organisation already has this KvK number. Reject the report.")
        )
        return _render(db.session.get(ChangeReport, report_id), form, 400)
    else:
        db.session.commit()
        flash(
            _("Change report accepted: the profile has been changed.")
            if accept
            else _("Change report rejected: the profile is unchanged."),
            "success",
        )
    return redirect(url_for("backoffice.change_reports"))
