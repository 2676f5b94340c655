"""The sponsor's notice of default (Awb 4:17): a page that says what it does, then the notice
(portal/cases/default_notice.py). Too early, or with the clock standing still, it is refused
with the day from which it is possible."""

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal import clock, reference
from portal.blueprints.applications import bp
from portal.blueprints.applications.forms import NoticeOfDefaultForm
from portal.cases import default_notice
from portal.extensions import db
from portal.models import Application
from portal.permissions import Permission, requires, scoped_or_404


@bp.route("/<int:application_id>/notice-of-default", methods=["GET", "POST"])
@requires(Permission.APPLICATION_SUBMIT)
def notice_of_default(application_id: int):
    application = scoped_or_404(Application, application_id)
    today = clock.today()
    if default_notice.notice_of(application) is not None:
        flash(_("You have already sent a notice of default about this application."), "info")
        return redirect(url_for("applications.show", application_id=application.id))
    form = NoticeOfDefaultForm()
    if form.validate_on_submit():
        try:
            default_notice.send(application, current_user, today)
        except default_notice.AlreadySent:
            db.session.rollback()
            flash(_("You have already sent a notice of default about this application."), "info")
            return redirect(url_for("applications.show", application_id=application.id))
        except default_notice.NoticeRefused:
            db.session.rollback()  # the page below says from when it is possible
        else:
            db.session.commit()
            flash(
                _(
                    "Your notice of default has been received. The letter confirming it is in "
                    "your inbox."
                ),
                "success",
            )
            return redirect(
                url_for("applications.show", application_id=application.id, _anchor="notice")
            )
    first_day = default_notice.possible_from(application, today)
    status = 400 if form.is_submitted() else 200
    return render_template(
        "applications/notice_of_default.html",
        form=form,
        application=application,
        possible_from=first_day,
        too_early=first_day is None or today < first_day,
        rules=reference.late_decision_penalty(today),
        penalty_from=default_notice.penalty_start(today),
    ), status
