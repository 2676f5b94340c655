"""What the sponsor's page of a submitted residence case shows: its letters, what the IND is
waiting for, the statutory deadline and how far it moved, the documents."""

from sqlalchemy import select

from portal import clock
from portal.cases import clock as statutory_clock
from portal.extensions import db
from portal.models import Application, ApplicationStatus, Letter, Organisation
from portal.residence import documents, filing, presentation


def case_page(application: Application, organisation: Organisation) -> dict:
    """The values of the template residence/show.html for the organisation's case."""
    letters = db.session.scalars(
        select(Letter)
        .where(Letter.application_id == application.id, Letter.organisation_id == organisation.id)
        .order_by(Letter.issued_at, Letter.id)
    ).all()
    rtype = filing.residence_type(application)
    today = clock.today()
    suspension = (
        statutory_clock.open_suspension(application)
        if application.status == ApplicationStatus.INFORMATION_REQUESTED
        else None
    )
    return {
        "application": application,
        "rtype": rtype,
        "letters": letters,
        "waiting": presentation.waiting_for(application, letters),
        "moved_days": presentation.deadline_moved_days(application),
        "person_name": presentation.person_name(application),
        "requested_until": presentation.requested_until(application),
        "documents": documents.documents_of(application),
        "document_label": documents.document_label,
        "today": today,
        "display": presentation.display_value,
        "suspension": suspension,
        "projected_deadline": statutory_clock.projected_deadline(application, suspension, today),
    }
