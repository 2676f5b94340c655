"""What the sponsor's page of a submitted residence case shows: its letters and what each asks,
the statutory clock (portal/cases/status.py), how far the deadline moved, the documents."""

from portal import clock, reference
from portal.cases import status as case_status
from portal.cases.next_steps import next_steps
from portal.fees import records as fee_records
from portal.forecast import expectation as forecast
from portal.letters import status as letter_status
from portal.letters import visibility
from portal.models import Application
from portal.residence import documents, filing, presentation


def case_page(application: Application, viewer: visibility.Viewer | None) -> dict:
    """The values of the template residence/show.html for the organisation's case; its letters
    as far as `viewer` may see them (None: no letters, the user may not read them)."""
    letters = visibility.letters_of_case(viewer, application.id) if viewer else []
    today = clock.today()
    case_clock = case_status.clock_of(application, today)
    return {
        "application": application,
        "rtype": filing.residence_type(application),
        "letters": letters,
        "actions": letter_status.states_for(letters, today),
        "clock": case_clock,
        "next_steps": next_steps(application, case_clock, today),
        "expectation": forecast.expectation_of(application, case_clock, today),
        "last_step": forecast.last_step(application),
        "moved_days": presentation.deadline_moved_days(application),
        "person_name": presentation.person_name(application),
        "requested_until": presentation.requested_until(application),
        "documents": case_status.case_documents(application),
        "document_label": documents.document_label,
        "today": today,
        "fee": fee_records.state_of(application.fee, today),
        "bank_account": reference.ind_bank_account(today),
        "display": presentation.display_value,
    }
