"""Large exports (issue 21): ask for a ZIP of all the organisation's letters or a CSV of its
people register; a job makes it while a progress page refreshes itself (meta refresh, and a
link to refresh by hand); then a download link. Only the member who asked sees an export,
of the organisation it was asked for (404 otherwise); not under a mandate."""

from flask import Response, abort, g, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_login import current_user
from sqlalchemy import select

from portal.extensions import db
from portal.forms import EmptyForm
from portal.jobs import exports
from portal.models import Export, ExportKind, ExportStatus
from portal.permissions import Permission, requires

from . import bp

NEEDS = {
    ExportKind.LETTERS_ZIP: Permission.LETTER_READ,
    ExportKind.PEOPLE_CSV: Permission.PERSON_READ,
}
FILENAMES = {ExportKind.LETTERS_ZIP: "letters-{id}.zip", ExportKind.PEOPLE_CSV: "people-{id}.csv"}
MEDIA = {ExportKind.LETTERS_ZIP: "application/zip", ExportKind.PEOPLE_CSV: "text/csv"}
SHOWN = 20


def _own_organisation_only() -> None:
    if g.context.on_behalf:
        abort(404)


def _kinds() -> list[ExportKind]:
    return [kind for kind in ExportKind if g.context.can(NEEDS[kind])]


def _get_export_or_404(export_id: int) -> Export:
    _own_organisation_only()
    export = db.session.scalar(
        select(Export).where(
            Export.id == export_id,
            Export.organisation_id == g.organisation.id,
            Export.requested_by_id == current_user.id,
        )
    )
    if export is None or not g.context.can(NEEDS[export.kind]):
        abort(404)
    return export


@bp.get("/")
@requires(Permission.ORGANISATION_READ)
def index():
    _own_organisation_only()
    mine = db.session.scalars(
        select(Export)
        .where(
            Export.organisation_id == g.organisation.id, Export.requested_by_id == current_user.id
        )
        .order_by(Export.created_at.desc(), Export.id.desc())
        .limit(SHOWN)
    ).all()
    return render_template("exports/index.html", exports=mine, kinds=_kinds(), form=EmptyForm())


@bp.post("/")
@requires(Permission.ORGANISATION_READ)
def request_export():
    _own_organisation_only()
    if not EmptyForm().validate_on_submit():
        abort(400)
    kind = next((k for k in _kinds() if k.value == request.form.get("kind")), None)
    if kind is None:
        abort(404)
    locale = get_locale()
    language = locale.language if locale is not None and locale.language == "nl" else "en"
    export = exports.request_export(g.organisation, current_user, kind, language)
    db.session.commit()
    return redirect(url_for("exports.show", export_id=export.id))


@bp.get("/<int:export_id>")
@requires(Permission.ORGANISATION_READ)
def show(export_id: int):
    export = _get_export_or_404(export_id)
    failed = export.status != ExportStatus.READY and exports.failed(export)
    return render_template("exports/show.html", export=export, statuses=ExportStatus, failed=failed)


@bp.get("/<int:export_id>/download")
@requires(Permission.ORGANISATION_READ)
def download(export_id: int):
    export = _get_export_or_404(export_id)
    if export.status != ExportStatus.READY:
        abort(404)
    exports.downloaded(export, current_user)
    db.session.commit()
    name = FILENAMES[export.kind].format(id=export.id)
    return Response(
        export.content,
        mimetype=MEDIA[export.kind],
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
