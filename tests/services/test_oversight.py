"""Whether a recognition may be used: granted yes; suspended no (until the suspension ends)."""

from datetime import timedelta

from portal import clock
from portal.models import Category, Recognition, RecognitionStatus
from portal.oversight import status as oversight


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
