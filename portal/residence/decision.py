"""Deciding a residence application (back office): status, event, permit, letter, audit."""

from portal import clock
from portal.cases import advice
from portal.cases.lifecycle import NotDecidable, audit_decision, record_decision
from portal.extensions import db
from portal.letters.issuing import issue_letter
from portal.models import Application, LetterKind, User
from portal.oversight import intended as intended_decisions
from portal.residence.presentation import permit_name, person_of, requested_until


def decide(
    application: Application,
    actor: User,
    *,
    grant: bool,
    reason: str,
    expected_version: int | None = None,
) -> Application:
    """Grant or refuse a residence application: status, event, decision letter, audit.

    Never a sponsor recognition (that is applications.decide, for recognition cases). The
    back office refuses only through casework's four-eyes steps, which call this.
    """
    if not application.kind.is_residence:
        raise NotDecidable(application.kind)
    decided_at = record_decision(
        application,
        actor,
        grant=grant,
        reason=reason,
        note=reason or None,
        expected_version=expected_version,
    )
    valid_until = requested_until(application) if grant else None
    if grant and valid_until is not None and application.person_id is not None:
        # The permit shows in the sponsor's permits overview, with its extension window.
        # (An open-ended contract gives no end date: rules.md names no maximum validity, so
        # no permit is recorded until the IND's maximum is in the reference data.)
        from portal.people import permits

        permits.record_grant(application, clock.local_date(decided_at), valid_until)
    issue_letter(
        application.organisation,
        LetterKind.RESIDENCE_DECISION,
        application=application,
        actor=actor,
        person=person_of(application),
        granted=grant,
        reason=reason,
        intended=None if grant else intended_decisions.for_refusal_letter(application),
        purpose=permit_name(application.kind),
        valid_until=valid_until,
        **advice.letter_context(application),  # GVVA: UWV's advice (issue 22)
    )
    audit_decision(application, actor, grant=grant, reason=reason)
    db.session.flush()
    return application
