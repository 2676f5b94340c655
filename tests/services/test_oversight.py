"""Whether a recognition may be used: granted yes; suspended no (until the suspension ends)."""

from datetime import timedelta

from portal import clock
from portal.extensions import db
from portal.models import Category, Recognition, RecognitionStatus
from portal.oversight import status as oversight
from tests.support.factories import OrganisationFactory


def test_recognition_in_force_follows_suspension_and_withdrawal(app):
    organisation = OrganisationFactory()
    today = clock.today()
    assert not oversight.recognition_in_force(organisation, Category.LABOUR)
    recognition = Recognition(
        organisation_id=organisation.id,
        category=Category.LABOUR,
        status=RecognitionStatus.GRANTED,
        granted_on=today,
    )
    db.session.add(recognition)
    db.session.flush()
    assert oversight.recognition_in_force(organisation, Category.LABOUR)
    assert not oversight.recognition_in_force(organisation, Category.STUDY)
    recognition.status = RecognitionStatus.SUSPENDED
    recognition.suspended_until = today + timedelta(days=90)
    db.session.flush()
    assert not oversight.recognition_in_force(organisation, Category.LABOUR)
    assert oversight.recognition_in_force(
        organisation, Category.LABOUR, on=today + timedelta(days=91)
    )
    recognition.status = RecognitionStatus.WITHDRAWN
    db.session.flush()
    assert not oversight.recognition_in_force(
        organisation, Category.LABOUR, on=today + timedelta(days=91)
    )


def test_effective_status_counts_a_suspension_until_its_last_day(app):
    today = clock.today()
    recognition = Recognition(
        status=RecognitionStatus.SUSPENDED,
        category=Category.LABOUR,
        suspended_until=today,
        granted_on=today,
    )
    assert oversight.effective_status(recognition, today) == RecognitionStatus.SUSPENDED
    after = today + timedelta(days=1)
    assert oversight.effective_status(recognition, after) == RecognitionStatus.GRANTED
    recognition.suspended_until = None  # suspended without an end: stays suspended
    assert oversight.effective_status(recognition, after) == RecognitionStatus.SUSPENDED
    recognition.status = RecognitionStatus.WITHDRAWN
    assert oversight.effective_status(recognition, after) == RecognitionStatus.WITHDRAWN
