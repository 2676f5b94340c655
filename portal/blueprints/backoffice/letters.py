"""Back office: one letter as issued (its text and PDF), opened from the case page. Letters
name people and their cases, so every staff view is an audit event."""

from flask import Response, abort, render_template
from flask_login import current_user

from portal import audit
from portal.audit import AuditAction
from portal.blueprints.backoffice import bp
from portal.extensions import db
from portal.models import Letter
from portal.permissions import Permission, staff_requires


def _letter_or_404(letter_id: int, *, with_pdf: bool = False) -> Letter:
    letter = db.session.get(Letter, letter_id)
    if letter is None:
        abort(404)
    audit.record(
        AuditAction.STAFF_LETTER_VIEWED,
        actor=current_user,
        organisation=letter.organisation,
        target=letter,
        details={"pdf": True} if with_pdf else None,
    )
    db.session.commit()
    return letter


@bp.get("/letters/<int:letter_id>")
@staff_requires(Permission.STAFF_CASE_READ)
def letter(letter_id: int):
    return render_template("backoffice/letter.html", letter=_letter_or_404(letter_id))


@bp.get("/letters/<int:letter_id>/pdf")
@staff_requires(Permission.STAFF_CASE_READ)
def letter_pdf(letter_id: int):
    letter = _letter_or_404(letter_id, with_pdf=True)
    return Response(
        letter.pdf,
        mimetype="application/pdf",
        headers={
            "Content-Disposition": f'attachment; filename="{letter.kind.value}-{letter.id}.pdf"',
            "Cache-Control": "private, no-store",
            "X-Letter-SHA256": letter.sha256,
        },
    )
