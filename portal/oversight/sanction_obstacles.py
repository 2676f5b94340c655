"""Why a sanction cannot be imposed now: the obstacles (SanctionRefused and its kinds), each
with its message for staff, and `obstacle()`, which finds the one that applies to a recognition
in its current state. (A refusal, elsewhere, is a decision refusing a case.)"""

from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from portal import clock, reference
from portal.extensions import db
from portal.models import Recognition, RecognitionStatus, Sanction, SanctionKind
from portal.oversight import status as oversight


class SanctionRefused(Exception):
    """The action does not fit the recognition's current state; nothing was changed."""

    message = _l("That cannot be done in the recognition's current state. Nothing was changed.")


class NotRecognised(SanctionRefused):
    message = _l(
        "The organisation holds no recognition in force for this category. Nothing was changed."
    )


class AlreadySuspended(SanctionRefused):
    message = _l("This recognition is already suspended. Nothing was changed.")


class NotSuspended(SanctionRefused):
    message = _l("This recognition is not suspended. Nothing was changed.")


class NoMoreExtensions(SanctionRefused):
    message = _l(
        "This suspension has already been extended as often as allowed. Nothing was changed."
    )


class AlreadyWithdrawn(SanctionRefused):
    message = _l("This recognition has already been withdrawn. Nothing was changed.")


class StaleRecognition(SanctionRefused):
    message = _l(
        "Someone else changed this recognition while you were working on it. Nothing was "
        "changed: check the organisation as it is now and act again if still needed."
    )


def unlifted_suspension(recognition: Recognition) -> Sanction | None:
    """The suspension sanction the recognition is (or was last) suspended under, not lifted."""
    return db.session.scalar(
        select(Sanction)
        .where(
            Sanction.organisation_id == recognition.organisation_id,
            Sanction.kind == SanctionKind.SUSPENSION,
            Sanction.category == recognition.category,
            Sanction.lifted_on.is_(None),
        )
        .order_by(Sanction.id.desc())
        .limit(1)
    )


def obstacle(action: str, recognition: Recognition | None, today: date | None = None):
    """Why `action` (suspend, extend, lift, withdraw) cannot be done now, or None."""
    today = today or clock.today()
    if recognition is None:
        return NotRecognised
    state = oversight.effective_status(recognition, today)
    if state == RecognitionStatus.WITHDRAWN:
        return AlreadyWithdrawn
    if action == "suspend":
        return AlreadySuspended if state == RecognitionStatus.SUSPENDED else None
    if action == "withdraw":
        return None
    suspension = unlifted_suspension(recognition) if state == RecognitionStatus.SUSPENDED else None
    if suspension is None:  # not suspended (or suspended outside the portal: nothing to act on)
        return NotSuspended
    allowed = reference.sanction_periods(today).max_extensions
    if action == "extend" and suspension.extensions >= allowed:
        return NoMoreExtensions
    return None
