"""Answering a letter: a message and documents, right on the letter's page."""

from flask import abort, flash, g, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from portal.blueprints.inbox import bp
from portal.blueprints.inbox.forms import ReplyForm
from portal.blueprints.inbox.helpers import get_letter_or_404
from portal.blueprints.inbox.routes import render_letter_page
from portal.cases import replies as service
from portal.cases.documents import UploadRejected, download
from portal.cases.lifecycle import NotAwaitingReply
from portal.extensions import db
from portal.letters import visibility
from portal.models import Application
from portal.permissions import Permission, requires


@bp.post("/<int:letter_id>/reply")
@requires(Permission.LETTER_REPLY)
def reply(letter_id: int):
    letter = get_letter_or_404(letter_id)
    form = ReplyForm()
    if not form.validate_on_submit():
        return render_letter_page(letter, form, 400)
    files = [f for f in request.files.getlist("documents") if f.filename]
    if len(files) > service.MAX_DOCUMENTS:
        form.documents.errors.append(str(service.TOO_MANY_DOCUMENTS))
        return render_letter_page(letter, form, 400)
    try:
        service.reply_to_letter(letter, current_user, form.message.data, files)
    except service.NotAnswerable:
        abort(404)
    except service.CaseClosed as closed:
        db.session.rollback()
        form.message.errors.append(service.case_closed_message(closed.application))
        return render_letter_page(letter, form, 400)
    except (service.AlreadyAnswered, NotAwaitingReply):
        db.session.rollback()
        flash(str(service.ALREADY_ANSWERED), "info")
        return redirect(url_for("inbox.show", letter_id=letter_id))
    except service.EmptyReply:
        form.message.errors.append(str(service.EMPTY_REPLY))
        return render_letter_page(letter, form, 400)
    except UploadRejected as rejected:
        db.session.rollback()
        form.documents.errors.append(rejected.message)
        return render_letter_page(letter, form, 400)
    db.session.commit()
    if letter.application is None:
        flash(_("Your response has been sent to the IND."), "success")
    else:
        flash(
            _(
                "Your reply has been added to case %(reference)s.",
                reference=letter.application.reference,
            ),
            "success",
        )
    return redirect(url_for("inbox.show", letter_id=letter.id))


@bp.get("/documents/<int:document_id>")
@requires(Permission.LETTER_READ)
def document(document_id: int):
    found = service.document_of_organisation(document_id, g.organisation.id)
    if found is None or not _case_visible(found.application_id):
        abort(404)
    return download(found)


def _case_visible(application_id: int | None) -> bool:
    """A document of a case the acting user may see (a mandate: within its scope)."""
    viewer = visibility.of_context(g.context)
    if viewer.everything:
        return True
    return (
        application_id is not None
        and db.session.scalar(
            select(Application.id).where(
                Application.id == application_id, visibility.case_clause(viewer)
            )
        )
        is not None
    )
