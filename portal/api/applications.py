"""Residence applications as the API shows them: the case (status and clock from the one
status truth, portal/cases/status.py), its timeline (the case's status events), the draft's
sections and documents, and its ETag (changes with every answer, upload and step)."""

import hashlib
import json
from datetime import date

from flask_babel import force_locale

from portal import clock
from portal.api.problems import language
from portal.cases import status as case_status
from portal.forecast import expectation as forecast
from portal.labels import ACTIVITY
from portal.models import Application, ApplicationStatus
from portal.residence import drafts
from portal.residence.documents import documents_of
from portal.residence.filing import residence_type


def _day(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def etag(application: Application) -> str:
    state = {
        "version": application.version,
        "status": application.status.value,
        "answers": application.answers or {},
        "documents": [d.id for d in documents_of(application)],
    }
    return hashlib.sha256(json.dumps(state, sort_keys=True).encode()).hexdigest()[:32]


def _clock(application: Application, today: date) -> dict | None:
    if application.status == ApplicationStatus.DRAFT:
        return None
    found = case_status.clock_of(application, today)
    return {
        "deadline": _day(found.deadline),
        "running": found.running,
        "stopped_since": _day(found.stopped_since),
        "respond_by": _day(found.respond_by),
        "days_left": found.days_left,
        "waiting_for_payment": found.waiting_for_payment,
    }


def _expected(application: Application, today: date) -> dict | None:
    """The expected decision as the case page shows it (portal/forecast/expectation.py)."""
    found = forecast.expectation_of(application, case_status.clock_of(application, today), today)
    if found is None:
        return None
    body = {
        "state": found.state,
        "computed_on": found.computed_on.isoformat(),
        "window_weeks": found.window_weeks,
    }
    if found.estimate is not None:
        body.update(
            most_likely=found.estimate.most_likely.isoformat(),
            earliest=found.estimate.earliest.isoformat(),
            latest=found.estimate.latest.isoformat(),
            range_percent=found.range_percent,
            cases_ahead=found.estimate.ahead,
        )
    return body


def application_json(application: Application, expected: bool = False) -> dict:
    """The case; with `expected`, its expected decision too (one case at a time: it reads the
    kind's recent history)."""
    today = clock.today()
    documents = documents_of(application)
    body = {
        "id": application.id,
        "kind": application.kind.value,
        "status": application.status.value,
        "reference": application.reference,
        "person_id": application.person_id,
        "created_at": application.created_at.isoformat(),
        "submitted_at": application.submitted_at.isoformat() if application.submitted_at else None,
        "fee_cents": application.fee_cents,
        "clock": _clock(application, today),
        "expected_decision": _expected(application, today) if expected else None,
        "documents": [
            {
                "id": d.id,
                "purpose": d.purpose,
                "filename": d.filename,
                "content_type": d.content_type,
                "size_bytes": d.size_bytes,
            }
            for d in documents
        ],
        "sections": [],
    }
    if application.status == ApplicationStatus.DRAFT:
        rtype = residence_type(application)
        statuses = drafts.section_statuses(rtype, application.answers, today, documents)
        body["sections"] = [{"key": s.key, "status": status} for s, status in statuses]
    return body


def timeline_json(application: Application) -> list[dict]:
    """The case's steps, oldest first: what each was (as on the case page) and when."""
    events = sorted(application.events, key=lambda e: (e.occurred_at, e.id))
    with force_locale(language()):
        return [
            {
                "occurred_at": event.occurred_at.isoformat(),
                "activity": (activity := case_status.event_activity(event)),
                "title": str(ACTIVITY.get(activity, activity)),
                "from_status": event.from_status.value if event.from_status else None,
                "to_status": event.to_status.value,
            }
            for event in events
        ]
