"""Issue 22's letters in both languages: the acknowledgement names each new type, and the
decision letter says what an ICT or seasonal-work permit allows and what UWV advised on a
single permit (rendered to PDF, text extracted)."""

import pytest

from portal.letters.issuing import issue_letter
from portal.models import ApplicationKind, LetterKind
from portal.residence.presentation import permit_name
from tests.support.factories import ApplicationFactory, member
from tests.support.letters import pdf_text

PERSON = {"given_names": "Amani", "surname": "Mwangi", "v_number": "1234567890"}

ACKNOWLEDGED = {
    ApplicationKind.ICT: ("intra-corporate transfer", "overplaatsing binnen een onderneming"),
    ApplicationKind.GVVA: (
        "single permit for paid employment",
        "gecombineerde vergunning voor verblijf en arbeid",
    ),
    ApplicationKind.SEASONAL_WORK: ("seasonal work", "seizoenarbeid"),
    ApplicationKind.HSM_CHANGE_PURPOSE: (
        "highly skilled migrant, change of purpose",
        "kennismigrant, wijziging van verblijfsdoel",
    ),
}


def _text(letter) -> str:
    return " ".join(pdf_text(letter).split())


def _case(organisation, kind, answers=None):
    return ApplicationFactory(
        organisation=organisation,
        kind=kind,
        reference="IC-2026-000123-K",
        snapshot={"answers": answers or {}},
    )


@pytest.mark.parametrize("language", ["en", "nl"])
@pytest.mark.parametrize("kind", list(ACKNOWLEDGED))
def test_the_acknowledgement_names_the_type(app, kind, language):
    organisation = member(preferred_language=language).memberships[0].organisation
    letter = issue_letter(
        organisation, LetterKind.ACKNOWLEDGEMENT, application=_case(organisation, kind)
    )
    english, dutch = ACKNOWLEDGED[kind]
    assert (english if language == "en" else dutch) in _text(letter)


ICT_ANSWERS = {
    "transfer": {"role": "trainee", "group_company": "Brightwave Kenya Ltd"},
    "mobility": {"mobility": "long_term"},
}


@pytest.mark.parametrize(
    ("language", "says"),
    [
        (
            "en",
            [
                "as a trainee employee from Brightwave Kenya Ltd",
                "Long-term mobility",
                "ICT permit (intra-corporate transfer, Directive 2014/66/EU)",
            ],
        ),
        (
            "nl",
            [
                "als werknemer-stagiair vanuit Brightwave Kenya Ltd",
                "langetermijnmobiliteit",
                "ICT-vergunning",
            ],
        ),
    ],
)
def test_the_ict_decision_says_what_the_permit_allows(app, language, says):
    organisation = member(preferred_language=language).memberships[0].organisation
    case = _case(organisation, ApplicationKind.ICT, ICT_ANSWERS)
    letter = issue_letter(
        organisation,
        LetterKind.RESIDENCE_DECISION,
        application=case,
        person=PERSON,
        granted=True,
        reason="",
        purpose=permit_name(ApplicationKind.ICT),
    )
    text = _text(letter)
    for phrase in says:
        assert phrase in text, (phrase, text)


@pytest.mark.parametrize(
    ("language", "outcome", "granted", "says"),
    [
        ("en", "negative", False, "The refusal is based in part on this advice"),
        ("en", "negative", True, "We have decided differently from this advice"),
        ("nl", "positive", True, "Het besluit volgt dit advies"),
        ("nl", "positive", False, "ondanks dit advies afgewezen"),
    ],
)
def test_the_gvva_decision_states_uwvs_advice(app, language, outcome, granted, says):
    from datetime import date

    organisation = member(preferred_language=language).memberships[0].organisation
    case = _case(organisation, ApplicationKind.GVVA)
    letter = issue_letter(
        organisation,
        LetterKind.RESIDENCE_DECISION,
        application=case,
        person=PERSON,
        granted=granted,
        reason="The conditions are met." if granted else "Priority labour supply is available.",
        purpose=permit_name(ApplicationKind.GVVA),
        uwv_outcome=outcome,
        uwv_advice_received_on=date(2026, 11, 20),
        uwv_advice_text="Eight suitable candidates registered",
    )
    text = _text(letter)
    assert says in text and "Eight suitable candidates registered" in text
    assert ("20 November 2026" if language == "en" else "20 november 2026") in text
    assert letter.structured["dates"]["uwv_advice_received_on"] == "2026-11-20"
