"""Every letter kind in both languages: rendered to PDF, text extracted, essentials present."""

from datetime import date
from types import SimpleNamespace

import pytest
from babel.dates import format_date

from portal import clock, reference
from portal.formatting import BABEL_LOCALES
from portal.letters.issuing import extension_window_opens, issue_letter
from portal.models import IntendedKind, LetterKind, ReportKind
from tests.support.factories import ApplicationFactory, member
from tests.support.letters import pdf_text

PERSON = {"given_names": "Aiko", "surname": "Tanaka-Ødegård", "v_number": "1234567890"}


def _application(organisation):
    return ApplicationFactory(
        organisation=organisation,
        reference="ER-2026-000123-K",
        fee_cents=508000,
        fee_reduced=False,
        decision_deadline=date(2027, 3, 1),
    )


# kind → (context, essentials in English, essentials in Dutch)
CASES = {
    LetterKind.ACKNOWLEDGEMENT: (
        lambda app: {"application": app},
        ["Acknowledgement of receipt", "ER-2026-000123-K", "€5,080.00", "1 March 2027"],
        ["Ontvangstbevestiging", "ER-2026-000123-K", "€ 5.080,00", "1 maart 2027"],
    ),
    LetterKind.RECOGNITION_GRANTED: (
        lambda app: {"application": app, "reason": None},
        ["recognition as a sponsor granted (labour)", "ER-2026-000123-K"],
        ["erkenning als referent verleend", "ER-2026-000123-K"],
    ),
    LetterKind.RECOGNITION_REFUSED: (
        lambda app: {"application": app, "reason": "No Trade Register entry."},
        ["recognition as a sponsor refused (labour)", "No Trade Register entry.", "within 6 weeks"],
        ["erkenning als referent geweigerd", "No Trade Register entry.", "binnen 6 weken"],
    ),
    LetterKind.REQUEST_FOR_INFORMATION: (
        lambda app: {
            "application": app,
            "respond_by": date(2026, 12, 27),
            "message": "Send the annual accounts for 2025.",
        },
        ["ER-2026-000123-K", "27 December 2026", "Send the annual accounts for 2025."],
        ["ER-2026-000123-K", "27 december 2026", "Send the annual accounts for 2025."],
    ),
    LetterKind.REPORT_ACKNOWLEDGEMENT: (
        lambda app: {
            "person": PERSON,
            "report": SimpleNamespace(
                kind=ReportKind.EMPLOYMENT_ENDED,
                event_date=date(2026, 10, 1),
                due_on=date(2026, 10, 29),
                filed_on=date(2026, 11, 2),
                details="Last working day 30 September.",
                late=True,
                days_late=4,
            ),
        },
        ["1 October 2026", "29 October 2026", "Last working day 30 September.", "1234567890"],
        ["1 oktober 2026", "29 oktober 2026", "Last working day 30 September.", "1234567890"],
    ),
    LetterKind.APPLICATION_WITHDRAWN: (
        lambda app: {"application": app},
        ["Confirmation", "ER-2026-000123-K", "withdrew"],
        ["Bevestiging", "ER-2026-000123-K", "ingetrokken"],
    ),
    LetterKind.NOTICE_OF_DEFAULT_RECEIVED: (
        lambda app: {
            "application": app,
            "notice": SimpleNamespace(
                received_on=date(2027, 3, 5),
                deadline=date(2027, 3, 1),
                penalty_from=date(2027, 3, 19),
            ),
            "rules": reference.late_decision_penalty(date(2027, 3, 5)),
        },
        ["ER-2026-000123-K", "5 March 2027", "19 March 2027", "€23.00 a day", "€1,442.00"],
        ["ER-2026-000123-K", "5 maart 2027", "19 maart 2027", "€ 23,00 per dag", "€ 1.442,00"],
    ),
    LetterKind.INTENDED_DECISION: (
        lambda app: {
            "application": app,
            "respond_by": date(2027, 3, 19),
            "intended": SimpleNamespace(
                kind=IntendedKind.REFUSAL,
                category=None,
                grounds="The organisation is not in the Trade Register.",
            ),
        },
        ["intend to refuse", "19 March 2027", "not in the Trade Register", "4:8"],
        ["af te wijzen", "19 maart 2027", "not in the Trade Register", "4:8"],
    ),
    LetterKind.DECISION_PERIOD_EXTENDED: (
        lambda app: {
            "application": app,
            "extension": SimpleNamespace(
                previous_deadline=date(2027, 3, 1),
                new_deadline=date(2027, 4, 30),
                days=60,
                reason="The RVO advice has not arrived.",
            ),
        },
        ["60 days", "30 April 2027", "The RVO advice has not arrived.", "4:14"],
        ["60 dagen", "1 maart 2027", "The RVO advice has not arrived.", "4:14"],
    ),
    LetterKind.FEE_LETTER: (
        lambda app: {
            "application": app,
            "amount_cents": 42300,
            "payment_reference": "ER-2026-000123-K",
            "pay_by": date(2026, 12, 27),
        },
        ["€423.00", "NL91 ABNA 0417 1643 00", "Payment reference", "27 December 2026"],
        ["€ 423,00", "NL91 ABNA 0417 1643 00", "Betalingskenmerk", "27 december 2026"],
    ),
    LetterKind.PAYMENT_RECEIVED: (
        lambda app: {
            "application": app,
            "amount_cents": 508000,
            "paid_on": date(2026, 12, 1),
            "decide_by": date(2027, 3, 1),
        },
        ["€5,080.00", "1 December 2026", "We decide by 1 March 2027", "ER-2026-000123-K"],
        ["€ 5.080,00", "1 december 2026", "maart", "ER-2026-000123-K"],
    ),
    LetterKind.NOT_CONSIDERED: (
        lambda app: {
            "application": app,
            "amount_cents": 508000,
            "reminded_on": date(2026, 11, 2),
            "pay_by": date(2026, 11, 30),
        },
        ["not to consider", "ER-2026-000123-K", "€5,080.00", "2 November 2026", "objection"],
        ["buiten behandeling", "ER-2026-000123-K", "€ 5.080,00", "2 november 2026", "bezwaar"],
    ),
    LetterKind.FEE_REMINDER: (
        lambda app: {
            "application": app,
            "amount_cents": 42300,
            "payment_reference": "ER-2026-000123-K",
            "pay_by": date(2026, 12, 27),
        },
        ["€423.00", "Reminder", "27 December 2026", "not to consider"],
        ["€ 423,00", "Herinnering", "27 december 2026", "buiten behandeling"],
    ),
    LetterKind.RESIDENCE_DECISION: (
        lambda app: {
            "application": app,
            "person": PERSON,
            "granted": False,
            "reason": "The salary is below the criterion.",
            "purpose": {"en": "highly skilled migrant permit", "nl": "kennismigrant"},
        },
        ["refuse", "Aiko Tanaka-Ødegård", "1234567890", "within 6 weeks", "below the criterion"],
        ["af te wijzen", "Aiko Tanaka-Ødegård", "1234567890", "binnen 6 weken", "kennismigrant"],
    ),
    LetterKind.REMINDER_OVERDUE_REPORT: (
        lambda app: {
            "person": PERSON,
            "report_subject": "Employment ended",
            "event_date": date(2026, 9, 1),
            "due_date": date(2026, 9, 29),
            "respond_by": date(2026, 12, 13),
        },
        ["Employment ended", "29 September 2026", "13 December 2026", "1234567890"],
        ["Employment ended", "29 september 2026", "13 december 2026", "1234567890"],
    ),
    LetterKind.EXTENSION_REMINDER: (
        lambda app: {
            "person": PERSON,
            "expires_on": date(2027, 5, 31),
            "apply_from": extension_window_opens(date(2027, 5, 31)),
        },
        ["31 May 2027", "28 February 2027", "Aiko Tanaka-Ødegård", "V-number"],
        ["31 mei 2027", "28 februari 2027", "Aiko Tanaka-Ødegård", "V-nummer"],
    ),
    LetterKind.GENERAL_MESSAGE: (
        lambda app: {
            "title": "Change to our opening hours",
            "message": "Our desk in Utrecht is closed on 24 December.\n\nWe are open again later.",
        },
        ["Change to our opening hours", "closed on 24 December", "open again later"],
        ["Change to our opening hours", "closed on 24 December", "Geachte heer/mevrouw"],
    ),
    LetterKind.FAMILY_MAIN_ENDED: (
        lambda app: {
            "application": app,
            "person": PERSON,
            "ended": "refused",
            "members": [
                {"name": "Mei Tanaka", "reference": "GZ-2026-000124-P"},
                {"name": "Ren Tanaka", "reference": None},
            ],
        },
        ["refused", "ER-2026-000123-K", "Mei Tanaka", "GZ-2026-000124-P", "draft", "Withdraw"],
        ["afgewezen", "ER-2026-000123-K", "Mei Tanaka", "GZ-2026-000124-P", "concept", "Trek"],
    ),
    # Issue 23: the appointment letter (booked; the other changes share the template).
    LetterKind.APPOINTMENT: (
        lambda app: {
            "application": app,
            "person": PERSON,
            "change": "booked",
            "appointment_kind": "biometrics",
            "desk": SimpleNamespace(name="Zwolle", address="Hanzelaan 1", contact="088 043 04 30"),
            "start_day": date(2027, 3, 30),
            "start_time": "09:00",
            "cutoff_hours": 24,
        },
        ["Appointment confirmed", "30 March 2027 at 09:00", "Hanzelaan 1", "passport", "24 hours"],
        ["Afspraak bevestigd", "30 maart 2027 om 09:00", "Hanzelaan 1", "paspoort", "24 uur"],
    ),
}


@pytest.mark.parametrize("language", ["en", "nl"])
@pytest.mark.parametrize("kind", list(CASES), ids=lambda k: k.value)
def test_letter_kind_renders_with_its_essentials(app, kind, language):
    user = member(preferred_language=language, legal_name="Fjord & Tulip Research B.V.")
    organisation = user.memberships[0].organisation
    context_for, essentials_en, essentials_nl = CASES[kind]
    letter = issue_letter(organisation, kind, **context_for(_application(organisation)))
    text = pdf_text(letter)
    assert letter.reference and letter.reference in text  # the letter's own reference
    assert "Fjord & Tulip Research B.V." in text  # addressee
    assert organisation.kvk_number in text
    assert ("Pagina 1 van" if language == "nl" else "Page 1 of") in text
    issued_on = clock.local_date(letter.issued_at)
    assert format_date(issued_on, "long", locale=BABEL_LOCALES.get(language, language)) in text
    for essential in essentials_en if language == "en" else essentials_nl:
        assert essential in text, (essential, text)
    if "person" in context_for(None):
        assert letter.person_name == "Aiko Tanaka-Ødegård"
        assert letter.v_number == "1234567890"
    if kind in (LetterKind.FEE_LETTER, LetterKind.RESIDENCE_DECISION, LetterKind.ACKNOWLEDGEMENT):
        assert "ER-2026-000123-K" in text
        assert letter.category == "labour"


def test_extension_window_opens_three_months_before_expiry():
    assert extension_window_opens(date(2027, 5, 31)) == date(2027, 2, 28)
    assert extension_window_opens(date(2027, 1, 15)) == date(2026, 10, 15)


def test_every_letter_kind_has_a_rendering_test_in_both_languages():
    """A new LetterKind must join CASES here (or the sanction letters' cases)."""
    from tests.support.sanction_letters import CASES as SANCTION_CASES

    covered = set(CASES) | {kind for _before, kind, _en, _nl in SANCTION_CASES.values()}
    assert covered == set(LetterKind)
