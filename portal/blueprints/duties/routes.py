"""A sponsor's duties: reports of changes, the duties dashboard, the permits overview, exports."""

from flask import Response, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from portal import audit, clock
from portal.audit import AuditAction
from portal.blueprints.duties import bp
from portal.blueprints.duties.forms import ReportForm, StudyProgressForm
from portal.csv_io import write_csv
from portal.duties import overview as duty_overview
from portal.duties import reports
from portal.extensions import db
from portal.forms import EmptyForm
from portal.inputs import parse_id, parse_whole
from portal.labels import CATEGORY, PERMIT_STATE, REPORT_KIND
from portal.models import Person, ReportKind
from portal.models.duty import ORGANISATION_REPORTS
from portal.people import export as people_export_rows
from portal.people import permits
from portal.permissions import Permission, requires
from portal.reference.residence import extension_window_months
from portal.residence.rules import HSM_KINDS

PERMITS_PAGE_SIZE = 50
PERMIT_FILTERS = ("all", *permits.STATES)


def _scoped_person(raw) -> Person | None:
    person_id = parse_id(raw)
    if person_id is None:
        return None
    return db.session.scalar(
        select(Person).where(
            Person.id == person_id,
            Person.organisation_id == g.organisation.id,
            g.context.in_scope(Person.category),
        )
    )


def _people_choices(offered: list[ReportKind]) -> list[tuple[str, str]]:
    people = db.session.scalars(
        select(Person)
        .where(Person.organisation_id == g.organisation.id, g.context.in_scope(Person.category))
        .order_by(Person.sort_key, Person.id)
        .limit(10_000)
    ).all()
    blank = (
        _("None: the report is about the organisation")
        if any(k in ORGANISATION_REPORTS for k in offered)
        else _("Choose a person")
    )
    choices = [("", blank)]
    for person in people:
        label = person.full_name + (f" ({person.v_number})" if person.v_number else "")
        label += f" – {CATEGORY[person.category]}"
        if person.is_archived:
            label += " – " + _("archived")
        choices.append((str(person.id), label))
    return choices


@bp.route("/reports/new", methods=["GET", "POST"])
@requires(Permission.APPLICATION_SUBMIT)
def report_new():
    scope = g.context.categories
    offered = reports.kinds_offered(g.organisation, scope)
    form = ReportForm()
    form.kind.choices = [(k.value, REPORT_KIND[k]) for k in offered]
    form.person.choices = _people_choices(offered)
    if request.method == "GET" and request.args.get("person"):
        prefilled = _scoped_person(request.args["person"])
        if prefilled is None:
            abort(404)
        form.person.data = str(prefilled.id)
    if form.validate_on_submit():
        kind = ReportKind(form.kind.data)
        person = _scoped_person(form.person.data)
        today = clock.today()
        if form.person.data and person is None:
            form.person.errors.append(_("Choose a person from the list"))
        else:
            try:
                report = reports.file_report(
                    g.organisation,
                    current_user,
                    kind=kind,
                    event_date=form.event_date.data,
                    details=(form.details.data or "").replace("\x00", ""),
                    person=person,
                    today=today,
                )
            except reports.ReportRefused as refused:
                form[refused.field].errors.append(reports.refusal_message(refused.code, person))
            else:
                db.session.commit()
                flash(_("Your report has been filed. A letter confirms it."), "success")
                return redirect(url_for("duties.report", report_id=report.id))
    status = 400 if form.is_submitted() else 200
    return render_template(
        "duties/report_new.html",
        form=form,
        offered=offered,
        due_hint=True,
    ), status


@bp.get("/reports")
@requires(Permission.APPLICATION_READ)
def reports_index():
    before = request.args.get("before", "")
    page = reports.report_page(
        g.organisation.id,
        g.context.in_scope,
        parse_id(before),
    )
    return render_template(
        "duties/reports.html",
        page=page,
        first_page=bool(before),
        can_file=g.context.can(Permission.APPLICATION_SUBMIT),
    )


@bp.get("/duties")
@requires(Permission.APPLICATION_READ)
def index():
    today = clock.today()
    study = None
    if duty_overview.study_progress_applies(g.organisation, g.context.categories):
        study = duty_overview.study_progress_duty(g.organisation, today)
    extensions = duty_overview.extension_duties(g.organisation.id, g.context.in_scope, today)
    return render_template(
        "duties/index.html",
        today=today,
        study=study,
        extensions=extensions,
        recent=duty_overview.recent_reports(g.organisation.id, g.context.in_scope),
        can_file=g.context.can(Permission.APPLICATION_SUBMIT),
        can_disclose=g.context.can(Permission.DISCLOSURE_CREATE) and not g.context.on_behalf,
    )


@bp.route("/duties/study-progress", methods=["GET", "POST"])
@requires(Permission.APPLICATION_SUBMIT)
def study_progress():
    if not duty_overview.study_progress_applies(g.organisation, g.context.categories):
        abort(404)
    today = clock.today()
    duty = duty_overview.study_progress_duty(g.organisation, today)
    if duty.declaration is not None:
        flash(_("The study-progress check for %(year)d has already been declared.", year=duty.year))
        return redirect(url_for("duties.study_progress_done"))
    form = StudyProgressForm()
    if form.validate_on_submit():
        if form.checked_on.data > today:
            form.checked_on.errors.append(_("The date cannot be in the future"))
        elif form.checked_on.data.year != duty.year:
            form.checked_on.errors.append(
                _("Enter a date in %(year)d, the year of this check", year=duty.year)
            )
        else:
            try:
                duty_overview.declare_study_progress_checked(
                    g.organisation, current_user, duty.year, form.checked_on.data, today
                )
            except duty_overview.AlreadyDeclared:
                db.session.rollback()
            else:
                db.session.commit()
                flash(_("The study-progress check is marked as done."), "success")
            return redirect(url_for("duties.study_progress_done"))
    status = 400 if form.is_submitted() else 200
    return render_template("duties/study_progress.html", form=form, duty=duty), status


def _permit_filter() -> str:
    state = request.args.get("state", "all")
    return state if state in PERMIT_FILTERS else "all"


@bp.get("/permits")
@requires(Permission.PERSON_READ)
def permits_index():
    today = clock.today()
    state = _permit_filter()
    rows = permits.current_permits(g.organisation.id, g.context.in_scope, today)
    counts = {s: sum(1 for r in rows if r.state == s) for s in permits.STATES}
    if state != "all":
        rows = [r for r in rows if r.state == state]
    pages = max(1, -(-len(rows) // PERMITS_PAGE_SIZE))
    raw = request.args.get("page", "1")
    page = min(parse_whole(raw, 99_999, minimum=1) or 1, pages)
    rows = rows[(page - 1) * PERMITS_PAGE_SIZE : page * PERMITS_PAGE_SIZE]
    return render_template(
        "duties/permits.html",
        rows=rows,
        under_way=permits.open_applications(g.organisation.id, {r.person.id for r in rows}),
        state=state,
        filters=PERMIT_FILTERS,
        counts=counts,
        page=page,
        pages=pages,
        today=today,
        extendable=set(HSM_KINDS),
        window_months=extension_window_months(today),
        can_apply=g.context.can(Permission.APPLICATION_CREATE),
        button_form=EmptyForm(),
    )


# --- exports ----------------------------------------------------------------------------------


def _csv(name: str, header: list[str], rows: list[list], action: AuditAction) -> Response:
    audit.record(
        action,
        actor=current_user,
        organisation=g.organisation,
        details={"rows": len(rows)},
    )
    db.session.commit()
    return Response(
        "".join(write_csv(header, rows)),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


def _iso(value) -> str:
    return value.isoformat() if value else ""


@bp.get("/people/export.csv")
@requires(Permission.PERSON_READ)
def people_export():
    people = db.session.scalars(
        select(Person)
        .where(Person.organisation_id == g.organisation.id, g.context.in_scope(Person.category))
        .order_by(Person.sort_key, Person.id)
    ).all()
    rows = [people_export_rows.row(p) for p in people]
    return _csv("people.csv", people_export_rows.header(), rows, AuditAction.EXPORT_PEOPLE)


@bp.get("/permits/export.csv")
@requires(Permission.PERSON_READ)
def permits_export():
    today = clock.today()
    from portal.labels import APPLICATION_KIND

    rows = [
        [
            r.person.full_name,
            r.person.v_number or "",
            APPLICATION_KIND[r.permit.kind],
            r.permit.permit_number or "",
            _iso(r.permit.starts_on),
            _iso(r.permit.ends_on),
            _iso(r.window_opens),
            PERMIT_STATE[r.state],
        ]
        for r in permits.current_permits(g.organisation.id, g.context.in_scope, today)
    ]
    header = [
        _("Name"),
        _("V-number"),
        _("Permit"),
        _("Permit number"),
        _("Valid from"),
        _("Valid until"),
        _("Extension possible from"),
        _("State"),
    ]
    return _csv("permits.csv", header, rows, AuditAction.EXPORT_PERMITS)


@bp.get("/reports/export.csv")
@requires(Permission.APPLICATION_READ)
def reports_export():
    found = db.session.scalars(
        reports.reports_query(g.organisation.id, g.context.in_scope).limit(100_000)
    ).all()
    header = [
        _("Number"),
        _("Report"),
        _("Person"),
        _("V-number"),
        _("Category"),
        _("Date of the event"),
        _("Due by"),
        _("Filed on"),
        _("Days late"),
        _("Explanation"),
    ]
    rows = [
        [
            r.id,
            REPORT_KIND[r.kind],
            r.person.full_name if r.person else "",
            (r.person.v_number or "") if r.person else "",
            CATEGORY[r.category] if r.category else "",
            _iso(r.event_date),
            _iso(r.due_on),
            _iso(r.filed_on),
            r.days_late,
            r.details,
        ]
        for r in found
    ]
    return _csv("reports.csv", header, rows, AuditAction.EXPORT_REPORTS)
