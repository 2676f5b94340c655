"""Back office: the sponsor's replies to letters on a case, with their documents."""

from flask import abort, render_template
from flask_login import current_user

from portal import audit
from portal.audit import AuditAction
from portal.blueprints.backoffice import bp
from portal.cases import documents
from portal.cases.replies import replies_for_case
from portal.extensions import db
from portal.models import Application, Organisation
from portal.permissions import Permission, staff_requires


@bp.get("/cases/<int:application_id>/replies")
@staff_requires(Permission.STAFF_CASE_READ)
def case_replies(application_id: int):
    application = db.session.get(Application, application_id)
    if application is None or application.submitted_at is None:
        abort(404)
    audit.record(
        AuditAction.STAFF_CASE_REPLIES_VIEWED,
        actor=current_user,
        organisation=application.organisation,
        target=application,
    )
    db.session.commit()
    return render_template(
        "backoffice/case_replies.html",
        application=application,
        replies=replies_for_case(application.id),
    )


@bp.get("/documents/<int:document_id>")
@staff_requires(Permission.STAFF_CASE_READ)
def document(document_id: int):
    found = documents.staff_document(document_id)  # drafts' documents: 404
    if found is None:
        abort(404)
    audit.record(
        AuditAction.STAFF_DOCUMENT_VIEWED,
        actor=current_user,
        organisation=db.session.get(Organisation, found.organisation_id),
        target=found,
    )
    db.session.commit()
    return documents.download(found)
