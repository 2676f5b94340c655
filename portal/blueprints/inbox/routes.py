from datetime import datetime

from flask import Response, abort, g, render_template, request
from flask_login import current_user
from sqlalchemy import and_, or_, select
from sqlalchemy.orm import undefer

from portal.blueprints.inbox import bp
from portal.extensions import db
from portal.models import Letter
from portal.permissions import Permission, requires
from portal.services import letters as service

PAGE_SIZE = 25


def get_letter_or_404(letter_id: int, *, with_pdf: bool = False) -> Letter:
    query = select(Letter).where(
        Letter.id == letter_id, Letter.organisation_id == g.organisation.id
    )
    if with_pdf:
        query = query.options(undefer(Letter.pdf))
    letter = db.session.scalar(query)
    if letter is None:
        abort(404)
    return letter


def _parse_cursor(raw: str | None):
    """A keyset cursor 'issued_at_iso~id' for the page after a letter."""
    if not raw or "~" not in raw:
        return None
    stamp, _, letter_id = raw.rpartition("~")
    try:
        moment = datetime.fromisoformat(stamp)
        if moment.tzinfo is None:
            return None
        return moment, int(letter_id)
    except ValueError:
        return None


@bp.get("")
@requires(Permission.LETTER_READ)
def index():
    organisation_id = g.organisation.id
    read = service.is_read_clause(current_user.id).label("is_read")
    query = (
        select(Letter, read)
        .where(Letter.organisation_id == organisation_id)
        .order_by(Letter.issued_at.desc(), Letter.id.desc())
    )
    cursor = _parse_cursor(request.args.get("after"))
    if cursor:
        moment, letter_id = cursor
        query = query.where(
            or_(
                Letter.issued_at < moment,
                and_(Letter.issued_at == moment, Letter.id < letter_id),
            )
        )
    rows = db.session.execute(query.limit(PAGE_SIZE + 1)).all()
    next_cursor = None
    if len(rows) > PAGE_SIZE:
        rows = rows[:PAGE_SIZE]
        last = rows[-1][0]
        next_cursor = f"{last.issued_at.isoformat()}~{last.id}"
    return render_template(
        "inbox/index.html",
        rows=rows,
        next_cursor=next_cursor,
        first_page=cursor is None,
        unread=service.unread_count(organisation_id, current_user.id),
    )


@bp.get("/<int:letter_id>")
@requires(Permission.LETTER_READ)
def show(letter_id: int):
    letter = get_letter_or_404(letter_id)
    service.mark_read(letter, current_user)
    db.session.commit()
    return render_template("inbox/show.html", letter=letter)


@bp.get("/<int:letter_id>/pdf")
@requires(Permission.LETTER_READ)
def pdf(letter_id: int):
    letter = get_letter_or_404(letter_id, with_pdf=True)
    service.mark_read(letter, current_user)
    db.session.commit()
    filename = f"{letter.kind.value}-{letter.id}.pdf"
    return Response(
        letter.pdf,
        mimetype="application/pdf",
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "private, no-store",
            "X-Letter-SHA256": letter.sha256,
        },
    )
