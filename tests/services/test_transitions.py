"""applications.record_transition: the one guarded status change every case service uses."""

from datetime import UTC, datetime

from sqlalchemy import select

from portal.cases.lifecycle import record_transition
from portal.extensions import db
from portal.models import ApplicationStatus, StatusEvent
from portal.models.application import DECIDABLE_STATUSES
from tests.support.factories import ApplicationFactory, UserFactory


def events(application):
    return db.session.scalars(
        select(StatusEvent)
        .where(StatusEvent.application_id == application.id)
        .order_by(StatusEvent.id)
    ).all()


def test_a_move_bumps_the_version_sets_values_and_writes_one_event(app):
    case = ApplicationFactory(status=ApplicationStatus.IN_REVIEW)
    actor = UserFactory()
    version = case.version
    decided_at = datetime(2026, 11, 29, 9, 30, tzinfo=UTC)
    assert record_transition(
        case,
        DECIDABLE_STATUSES,
        ApplicationStatus.GRANTED,
        actor,
        note="All in order",
        expected_version=version,
        occurred_at=decided_at,
        decision_reason="All in order",
    )
    assert case.status == ApplicationStatus.GRANTED
    assert case.version == version + 1
    assert case.decision_reason == "All in order"
    (event,) = events(case)
    # With several allowed states, the event's from-status is the one the actor saw.
    assert event.from_status == ApplicationStatus.IN_REVIEW
    assert event.to_status == ApplicationStatus.GRANTED
    assert (event.actor_id, event.note, event.occurred_at) == (actor.id, "All in order", decided_at)


def test_a_case_in_another_state_or_at_another_version_is_not_touched(app):
    case = ApplicationFactory(status=ApplicationStatus.DRAFT)
    actor = UserFactory()
    version = case.version
    assert not record_transition(
        case, DECIDABLE_STATUSES, ApplicationStatus.GRANTED, actor, decision_reason="x"
    )
    assert not record_transition(
        case,
        (ApplicationStatus.DRAFT,),
        ApplicationStatus.SUBMITTED,
        actor,
        expected_version=version + 1,  # someone else moved it first
    )
    assert (case.status, case.version, case.decision_reason) == (
        ApplicationStatus.DRAFT,
        version,
        None,
    )
    assert events(case) == []


def test_with_one_allowed_state_the_event_comes_from_that_state(app):
    case = ApplicationFactory(status=ApplicationStatus.DRAFT)
    actor = UserFactory()
    assert record_transition(case, (ApplicationStatus.DRAFT,), ApplicationStatus.SUBMITTED, actor)
    (event,) = events(case)
    assert (event.from_status, event.to_status) == (
        ApplicationStatus.DRAFT,
        ApplicationStatus.SUBMITTED,
    )
    assert event.occurred_at is not None and event.note is None
