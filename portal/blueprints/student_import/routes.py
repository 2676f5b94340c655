"""Bulk student registration: upload a CSV, follow the check, read the preview (valid rows and
every problem, also as CSV), confirm; people and draft student applications are created in one
transaction. Progress pages refresh themselves (<meta http-equiv="refresh">): no JavaScript."""

from flask import (
    Response,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from portal import clock
from portal.blueprints.student_import import bp
from portal.blueprints.student_import.forms import UploadForm
from portal.bulk import family_rows, headers, storing, student_files, student_rows
from portal.bulk import student_import as service
from portal.bulk.reading import UnknownColumns
from portal.csv_io import CsvRejected, write_csv
from portal.extensions import db
from portal.forms import EmptyForm
from portal.inputs import parse_whole
from portal.models import Category, ImportBatch, ImportStatus
from portal.permissions import Permission, requires

PAGE_SIZE = 100


@bp.url_value_preprocessor
def _upload_limit(endpoint, _values):
    """A student file may be larger than other requests (set before the form is read)."""
    if endpoint == "student_import.upload":
        request.max_content_length = current_app.config["IMPORT_MAX_BYTES"] + 64 * 1024


def get_batch_or_404(batch_id: int) -> ImportBatch:
    batch = db.session.scalar(
        select(ImportBatch).where(
            ImportBatch.id == batch_id, ImportBatch.organisation_id == g.organisation.id
        )
    )
    if batch is None or not g.context.category_in_scope(Category.STUDY):
        abort(404)
    return batch


def _language() -> str:
    locale = get_locale()
    return locale.language if locale is not None and locale.language in ("en", "nl") else "nl"


def _index(form: UploadForm, status: int = 200):
    batches = db.session.scalars(
        select(ImportBatch)
        .where(ImportBatch.organisation_id == g.organisation.id)
        .order_by(ImportBatch.created_at.desc(), ImportBatch.id.desc())
        .limit(10)
    ).all()
    return render_template(
        "student_import/index.html",
        form=form,
        not_allowed=student_rows.why_not_allowed(g.organisation),
        batches=batches,
        columns=student_rows.column_help(),
        max_rows=current_app.config["IMPORT_MAX_ROWS"],
        max_mb=current_app.config["IMPORT_MAX_BYTES"] // (1024 * 1024),
    ), status


@bp.get("/")
@requires(Permission.APPLICATION_CREATE)
def index():
    if not g.context.category_in_scope(Category.STUDY):
        abort(404)
    return _index(UploadForm(formdata=None))


@bp.post("/")
@requires(Permission.APPLICATION_CREATE)
def upload():
    if not g.context.category_in_scope(Category.STUDY):
        abort(404)
    form = UploadForm()
    if not form.validate_on_submit():
        return _index(form, 400)
    not_allowed = student_rows.why_not_allowed(g.organisation)
    if not_allowed is not None:
        form.file.errors.append(not_allowed)
        return _index(form, 403)
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        form.file.errors.append(_("Choose the file with your students (Excel .xlsx or CSV)"))
        return _index(form, 400)
    try:
        data = upload.read()
        batch = service.create_batch(g.organisation, current_user, upload.filename, data)
    except CsvRejected as rejected:
        db.session.rollback()
        form.file.errors.append(str(rejected))
        return _index(form, 400)
    except UnknownColumns as unknown:
        db.session.rollback()
        batch = student_files.create_unmapped(
            g.organisation, current_user, upload.filename, data, unknown.unknown
        )
        db.session.commit()
        return redirect(url_for("student_import.columns", batch_id=batch.id))
    service.queue_check(batch)
    db.session.commit()
    service.check_unless_queued(batch)
    return redirect(url_for("student_import.show", batch_id=batch.id))


@bp.get("/template.csv")
@requires(Permission.APPLICATION_CREATE)
def template():
    example = student_rows.example_row(clock.today())
    lines = write_csv(student_rows.COLUMNS, [[example[c] for c in student_rows.COLUMNS]])
    return Response(
        "".join(lines),
        mimetype="text/csv",
        headers={"Content-Disposition": 'attachment; filename="students-template.csv"'},
    )


@bp.get("/<int:batch_id>")
@requires(Permission.APPLICATION_CREATE)
def show(batch_id: int):
    batch = get_batch_or_404(batch_id)
    if batch.status == ImportStatus.MAPPING:
        return redirect(url_for("student_import.columns", batch_id=batch.id))
    valid = storing.valid_rows(batch) if not batch.busy else []
    page = request.args.get("page", "1")
    page = parse_whole(page, 9_999, minimum=1) or 1
    pages = max(1, -(-len(valid) // PAGE_SIZE))
    page = min(page, pages)
    return render_template(
        "student_import/show.html",
        batch=batch,
        errors=service.error_list(batch, _language()) if not batch.busy else [],
        valid=valid[(page - 1) * PAGE_SIZE : page * PAGE_SIZE],
        valid_count=len(valid),
        linked_count=sum(1 for row in valid if row.get("person_id")),
        family_count=sum(1 for row in valid if student_rows.is_family(row["values"])),
        family_title=family_rows.kind_title,
        page=page,
        pages=pages,
        form=EmptyForm(),
        not_allowed=student_rows.why_not_allowed(g.organisation),
        statuses=ImportStatus,
    )


def _columns_page(batch: ImportBatch, chosen: dict, errors: dict, status: int = 200):
    return render_template(
        "student_import/columns.html",
        batch=batch,
        unknown=batch.result["unknown"],
        chosen=chosen,
        errors=errors,
        choices=[(name, label) for name, label, _required in student_rows.column_help()],
        ignore=headers.IGNORE,
        form=EmptyForm(),
    ), status


@bp.get("/<int:batch_id>/columns")
@requires(Permission.APPLICATION_CREATE)
def columns(batch_id: int):
    batch = get_batch_or_404(batch_id)
    if batch.status != ImportStatus.MAPPING:
        return redirect(url_for("student_import.show", batch_id=batch.id))
    return _columns_page(batch, {}, {})


@bp.post("/<int:batch_id>/columns")
@requires(Permission.APPLICATION_CREATE)
def map_columns(batch_id: int):
    """The user's column (or "ignore") per unknown header; remembered, then the file is read."""
    batch = get_batch_or_404(batch_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    if batch.status != ImportStatus.MAPPING:
        return redirect(url_for("student_import.show", batch_id=batch.id))
    allowed = {*student_rows.COLUMNS, headers.IGNORE}
    chosen = {str(p): request.form.get(f"column-{p}", "") for p, _h in batch.result["unknown"]}
    errors = {p: _("Choose a column, or ignore it") for p, c in chosen.items() if c not in allowed}
    taken: dict[str, str] = {}
    for position, column in chosen.items():
        if column in taken and column != headers.IGNORE:
            errors[position] = _("Another header is matched to this column already")
        taken.setdefault(column, position)
    if not errors:
        by_header = {header: chosen[str(p)] for p, header in batch.result["unknown"]}
        try:
            student_files.apply_mapping(batch, current_user, by_header)
        except (CsvRejected, UnknownColumns) as rejected:
            db.session.rollback()
            batch = get_batch_or_404(batch_id)
            errors[""] = str(rejected) if isinstance(rejected, CsvRejected) else ""
    if errors:
        return _columns_page(batch, chosen, errors, 400)
    service.queue_check(batch)
    db.session.commit()
    service.check_unless_queued(batch)
    return redirect(url_for("student_import.show", batch_id=batch.id))


@bp.get("/<int:batch_id>/errors.csv")
@requires(Permission.APPLICATION_CREATE)
def errors_csv(batch_id: int):
    batch = get_batch_or_404(batch_id)
    header = [_("Row"), _("Student"), _("Column"), _("Value"), _("Problem")]
    return Response(
        write_csv(header, service.error_list(batch, _language())),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="students-{batch.id}-problems.csv"'},
    )


@bp.post("/<int:batch_id>/confirm")
@requires(Permission.APPLICATION_CREATE)
def confirm(batch_id: int):
    batch = get_batch_or_404(batch_id)
    form = EmptyForm()
    if not form.validate_on_submit():
        abort(400)
    not_allowed = student_rows.why_not_allowed(g.organisation)
    if not_allowed is not None:
        flash(not_allowed, "error")
        return redirect(url_for("student_import.show", batch_id=batch.id))
    try:
        service.confirm(batch, current_user)
    except service.AlreadyConfirmed:
        db.session.rollback()
        flash(_("This file cannot be imported (again): see its status below."), "info")
        return redirect(url_for("student_import.show", batch_id=batch.id))
    service.queue_import(batch, current_user)
    db.session.commit()
    service.import_unless_queued(batch, current_user)
    return redirect(url_for("student_import.show", batch_id=batch.id))
