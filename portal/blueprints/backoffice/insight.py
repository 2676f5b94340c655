"""The audit log search (supervisors, administrators) and management information with the
process-mining event log (supervisors)."""

from flask import Response, flash, redirect, render_template, request, stream_with_context, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal import audit, clock, filter_tokens
from portal.audit import AuditAction
from portal.backoffice import audit_log, management, management_charts
from portal.blueprints.backoffice import bp
from portal.blueprints.backoffice.insight_forms import AuditSearchForm, ManagementPeriodForm
from portal.csv_io import write_csv
from portal.extensions import db
from portal.permissions import Permission, staff_requires


def _download(chunks, mimetype: str, filename: str) -> Response:
    return Response(
        stream_with_context(chunks),
        mimetype=mimetype,
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "private, no-store",
        },
    )


# --- audit log ----------------------------------------------------------------------------


AUDIT_FIELDS = ("actor", "organisation", "action", "period_from", "period_to")
# Whose actions: an e-mail address is a personal identifier, kept behind a filter token.
AUDIT_PERSONAL = ("actor",)


def _audit_values():
    return filter_tokens.arguments(request.args, AUDIT_PERSONAL)


def _audit_query(form: AuditSearchForm, values) -> audit_log.AuditQuery | None:
    """The search the form describes; None when the form has errors."""
    if any(values.get(key) for key in AUDIT_FIELDS) and not form.validate():
        return None
    return audit_log.AuditQuery(
        actor=form.actor.data or None,
        organisation=form.organisation.data or None,
        action=form.action.data or None,
        start=form.period_from.data,
        end=form.period_to.data,
    )


@bp.route("/audit", methods=["GET", "POST"])
@staff_requires(Permission.STAFF_AUDIT_READ)
def audit_search():
    if request.method == "POST":
        terms = filter_tokens.query(request.form, AUDIT_FIELDS, AUDIT_PERSONAL)
        return redirect(url_for("backoffice.audit_search", **terms))
    args = filter_tokens.carried(request.args, AUDIT_FIELDS, AUDIT_PERSONAL)
    if filter_tokens.expired(request.args):
        flash(_("That search has expired. Search again."), "info")
        return redirect(url_for("backoffice.audit_search", **args))
    values = _audit_values()
    form = AuditSearchForm(values)
    query = _audit_query(form, values)
    if query is None:
        return render_template("backoffice/audit.html", form=form, page=None, args={}), 400
    after = audit_log.Cursor.parse(request.args.get("after"))
    # Reading the log is itself on record: who looked for what (it shows personal data).
    audit.record(
        AuditAction.STAFF_AUDIT_SEARCHED,
        actor=current_user,
        details={**query.as_details(), **({"page_after": after.id} if after else {})},
    )
    db.session.commit()
    page = audit_log.search(query, after)
    return render_template(
        "backoffice/audit.html",
        form=form,
        page=page,
        args=args,
        next_url=(
            url_for("backoffice.audit_search", **args, after=page.next_cursor.token())
            if page.next_cursor
            else None
        ),
        first_url=url_for("backoffice.audit_search", **args) if after else None,
    )


@bp.get("/audit.csv")
@staff_requires(Permission.STAFF_AUDIT_READ)
def audit_export():
    values = _audit_values()
    form = AuditSearchForm(values)
    query = _audit_query(form, values)
    if query is None:
        return render_template("backoffice/audit.html", form=form, page=None, args={}), 400
    audit.record(AuditAction.STAFF_AUDIT_EXPORTED, actor=current_user, details=query.as_details())
    db.session.commit()
    filename = f"audit-{clock.today().isoformat()}.csv"
    return _download(
        write_csv(audit_log.CSV_HEADER, audit_log.csv_rows(query)), "text/csv", filename
    )


# --- management information ---------------------------------------------------------------


def _period(form: ManagementPeriodForm):
    """The chosen period (missing ends filled in), or None when the form has errors."""
    today = clock.today()
    if request.args and not form.validate():
        return None
    end = form.period_to.data or max(today, form.period_from.data or today)
    start = form.period_from.data or management.default_period(end)[0]
    if (end - start).days > management.MAX_PERIOD_DAYS:
        form.period_from.errors = [_("Choose a period of at most three years")]
        return None
    return start, end


@bp.get("/management")
@staff_requires(Permission.STAFF_REPORTS_READ)
def management_information():
    form = ManagementPeriodForm(request.args)
    period = _period(form)
    if period is None:
        return render_template("backoffice/management.html", form=form, figures=None), 400
    start, end = period
    if not request.args:  # show the default period in the fields
        form.period_from.data, form.period_to.data = start, end
    today = clock.today()
    figures = management.figures(today, start, end)
    return render_template(
        "backoffice/management.html",
        form=form,
        figures=figures,
        decisions_chart=management_charts.decisions_chart(figures),
        today=today,
        export_args={"period_from": start.isoformat(), "period_to": end.isoformat()},
    )


def _event_log_period(form: ManagementPeriodForm):
    """The event log's period: only what was asked (no period: every case)."""
    if request.args and not form.validate():
        return None
    return form.period_from.data, form.period_to.data


def _event_log(fmt: str):
    form = ManagementPeriodForm(request.args)
    period = _event_log_period(form)
    if period is None:
        return render_template("backoffice/management.html", form=form, figures=None), 400
    start, end = period
    audit.record(
        AuditAction.STAFF_EVENT_LOG_EXPORTED,
        actor=current_user,
        details={
            "format": fmt,
            **({"from": start.isoformat()} if start else {}),
            **({"to": end.isoformat()} if end else {}),
        },
    )
    db.session.commit()
    filename = f"event-log-{clock.today().isoformat()}.{fmt}"
    if fmt == "csv":
        return _download(management.event_log_csv(start, end), "text/csv", filename)
    return _download(management.event_log_xes(start, end), "application/xml", filename)


@bp.get("/management/event-log.csv")
@staff_requires(Permission.STAFF_REPORTS_READ)
def event_log_csv():
    return _event_log("csv")


@bp.get("/management/event-log.xes")
@staff_requires(Permission.STAFF_REPORTS_READ)
def event_log_xes():
    return _event_log("xes")
