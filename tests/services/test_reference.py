"""Reference data: the figure in force on the date, never a guess."""

from datetime import date

import pytest

from portal import reference
from portal.cases.references import make_reference
from portal.models import Category


@pytest.mark.parametrize(
    ("on", "persons", "category", "cents", "reduced"),
    [
        (date(2024, 12, 31), 51, Category.LABOUR, 456000, False),
        (date(2025, 1, 1), 51, Category.LABOUR, 486600, False),
        (date(2025, 12, 31), 50, Category.STUDY, 243200, True),
        (date(2026, 1, 1), 50, Category.STUDY, 253900, True),
        (date(2026, 6, 1), 5000, Category.EXCHANGE, 253900, True),
        (date(2026, 12, 31), 51, Category.RESEARCH, 508000, False),
    ],
)
def test_recognition_fee_by_date_size_and_category(on, persons, category, cents, reduced):
    fee = reference.recognition_fee(persons, category, on)
    assert (fee.cents, fee.reduced) == (cents, reduced)


def test_a_year_without_published_fees_has_no_fee():
    with pytest.raises(reference.ReferenceDataMissing):
        reference.recognition_fee(10, Category.LABOUR, date(2027, 1, 1))


def test_recognition_decision_period_is_90_days():
    assert reference.decision_period_days("recognition", date(2026, 11, 29)) == 90


def test_reference_numbers_carry_a_check_letter():
    ref = make_reference("recognition", 2026, 42)
    assert ref.startswith("ER-2026-000042-")
