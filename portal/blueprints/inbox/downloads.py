"""Downloads: a selection, or everything matching the filters, as one ZIP; verifying a letter."""

import hashlib
import re

from flask import (
    Response,
    abort,
    flash,
    g,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from portal import clock
from portal.blueprints.inbox import bp
from portal.blueprints.inbox.forms import FilterForm, VerifyForm
from portal.blueprints.inbox.helpers import inbox_filter, prepare_filter_form, scope
from portal.blueprints.inbox.routes import filter_args, filter_values
from portal.extensions import db
from portal.inputs import parse_id
from portal.letters import inbox as inbox_service
from portal.models import Letter
from portal.permissions import Permission, requires

SHA256_PATTERN = re.compile(r"^[0-9a-f]{64}$")


def _zip_response(ids: list[int]) -> Response:
    filename = f"letters-{clock.today().isoformat()}.zip"
    return Response(
        stream_with_context(inbox_service.zip_stream(ids)),
        mimetype="application/zip",
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "private, no-store",
        },
    )


@bp.get("/download")
@requires(Permission.LETTER_READ)
def download():
    organisation_id = g.organisation.id
    raw_ids = request.args.getlist("letter")
    if raw_ids:
        letter_ids = [parse_id(raw) for raw in raw_ids]
        if len(raw_ids) > inbox_service.ZIP_MAX_LETTERS or None in letter_ids:
            abort(404)
        ids = inbox_service.selected_letter_ids(organisation_id, letter_ids, scope())
        if ids is None:
            abort(404)
        return _zip_response(ids)
    if request.args.get("all") != "1":
        flash(_("Select the letters to download first."), "error")
        return redirect(url_for("inbox.index"))
    form = FilterForm(filter_values(request.args))
    prepare_filter_form(form)
    form.validate()
    f, case_found = inbox_filter(form, organisation_id)
    if not case_found or form.errors:
        abort(404 if not case_found else 400)
    try:
        ids = inbox_service.zip_letter_ids(organisation_id, current_user.id, f, scope())
    except inbox_service.TooManyLetters:
        return render_template(
            "inbox/download_too_many.html", zip_max=inbox_service.ZIP_MAX_LETTERS
        ), 400
    if not ids:
        flash(_("No letters match these filters: there is nothing to download."), "info")
        return redirect(url_for("inbox.index", **filter_args(request.args)))
    return _zip_response(ids)


def normalise_fingerprint(text: str) -> str:
    return re.sub(r"[\s:]", "", text or "").lower()


@bp.route("/verify", methods=["GET", "POST"])
@requires(Permission.LETTER_READ)
def verify():
    form = VerifyForm()
    result = None
    if form.validate_on_submit():
        upload = request.files.get("file")
        fingerprint = None
        if upload is not None and upload.filename:
            digest = hashlib.sha256()
            for chunk in iter(lambda: upload.stream.read(64 * 1024), b""):
                digest.update(chunk)
            fingerprint = digest.hexdigest()
        elif form.sha256.data:
            fingerprint = normalise_fingerprint(form.sha256.data)
            if not SHA256_PATTERN.match(fingerprint):
                form.sha256.errors.append(
                    _("Enter the fingerprint as 64 characters 0–9 and a–f, or choose a file")
                )
                fingerprint = None
        else:
            form.file.errors.append(_("Choose a downloaded letter, or enter its fingerprint"))
        if fingerprint:
            matches = db.session.scalars(
                select(Letter)
                .where(scope(), Letter.sha256 == fingerprint)
                .order_by(Letter.issued_at)
            ).all()
            result = {"fingerprint": fingerprint, "matches": matches}
    status = 400 if form.errors else 200
    return render_template("inbox/verify.html", form=form, result=result), status
