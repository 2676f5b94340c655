"""Each sanction letter in both languages, issued by the service: PDF text with its essentials
(letter reference, sanction reference, dates, category, amount)."""

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from portal import clock
from portal.extensions import db
from portal.models import Category, Letter, LetterKind
from portal.oversight import sanctions
from tests.support.factories import UserFactory, member, recognise
from tests.support.intended import ripe_intentions
from tests.support.letters import pdf_text
from tests.support.sanction_letters import CASES

TODAY = date(2026, 11, 29)


@pytest.fixture(autouse=True)
def fixed_day(monkeypatch):
    monkeypatch.setattr(clock, "today", lambda: TODAY)


def organisation_in(language):
    user = member(preferred_language=language, legal_name="Fjord & Tulip Research B.V.")
    org = user.memberships[0].organisation
    recognise(org, Category.RESEARCH)
    ripe_intentions(org, Category.RESEARCH)  # Awb 4:8: the term to respond has ended
    return org


def state(org):
    return sanctions.state_token(sanctions.get_recognition(org, Category.RESEARCH))


def last_letter(org, kind):
    return db.session.scalars(
        select(Letter)
        .where(Letter.organisation_id == org.id, Letter.kind == kind)
        .order_by(Letter.id.desc())
    ).first()


def do(step, org, staff):
    reason = f"Reason for {step}: reports late."
    if step == "warning":
        return sanctions.record_warning(org, staff, reason, category=Category.RESEARCH)
    if step == "fine":
        return sanctions.record_fine(org, staff, 825000, reason)
    action = {
        "suspend": sanctions.suspend,
        "extend": sanctions.extend,
        "lift": sanctions.lift,
        "withdraw": sanctions.withdraw,
    }[step]
    return action(org, Category.RESEARCH, staff, reason, state(org))


@pytest.mark.parametrize("language", ["en", "nl"])
@pytest.mark.parametrize("step", list(CASES))
def test_sanction_letter_renders_with_its_essentials(app, step, language):
    before, kind, essentials_en, essentials_nl = CASES[step]
    org = organisation_in(language)
    staff = UserFactory(supervisor=True)
    for earlier in before:
        do(earlier, org, staff)
    sanction = do(step, org, staff)
    letter = last_letter(org, kind)
    text = " ".join(pdf_text(letter).split())
    assert letter.reference in text
    assert sanctions.sanction_reference(sanction) in text
    assert "Fjord & Tulip Research B.V." in text and org.kvk_number in text
    assert f"Reason for {step}: reports late." in text
    for essential in essentials_en if language == "en" else essentials_nl:
        assert essential in text, (essential, text)


@pytest.mark.parametrize("language", ["en", "nl"])
def test_suspension_ended_by_date_letter(app, language):
    org = organisation_in(language)
    do("suspend", org, UserFactory(supervisor=True))
    (ended,) = sanctions.lift_expired(TODAY + timedelta(days=92))
    letter = last_letter(org, LetterKind.SUSPENSION_LIFTED)
    text = " ".join(pdf_text(letter).split())
    assert sanctions.sanction_reference(ended) in text
    if language == "en":
        assert "ended (research)" in text and "1 March 2027" in text
    else:
        assert "beëindigd (onderzoek)" in text and "1 maart 2027" in text


@pytest.mark.parametrize(
    ("start", "months", "last_day"),
    [
        (date(2026, 11, 29), 3, date(2027, 2, 28)),
        (date(2026, 11, 28), 3, date(2027, 2, 27)),
        (date(2027, 3, 1), 3, date(2027, 5, 31)),
        (date(2027, 1, 31), 3, date(2027, 4, 30)),
        (date(2026, 11, 29), 24, date(2028, 11, 28)),
    ],
)
def test_a_period_ends_the_day_before_the_corresponding_day(start, months, last_day):
    assert sanctions.suspension_end(start, months) == last_day
