"""Every sanction step with the letter it issues and what that letter must say in English and
Dutch."""

from portal.models import LetterKind

# step → (steps before, letter kind, English essentials, Dutch essentials)
CASES = {
    "warning": (
        [],
        LetterKind.WARNING,
        ["Warning to a recognised sponsor (research)", "29 November 2026", "28 November 2028"],
        [
            "Waarschuwing aan een erkend referent (onderzoek)",
            "29 november 2026",
            "28 november 2028",
        ],
    ),
    "fine": (
        [],
        LetterKind.FINE,
        # The intended fine (Awb 4:8) went unanswered: the decision says so.
        [
            "administrative fine",
            "€8,250.00",
            "NL91 ABNA 0417 1643 00",
            "within 6 weeks",
            "You did not respond within that term",
        ],
        [
            "bestuurlijke boete",
            "€ 8.250,00",
            "NL91 ABNA 0417 1643 00",
            "binnen 6 weken",
            "U hebt binnen die termijn niet gereageerd",
        ],
    ),
    "suspend": (
        [],
        LetterKind.SUSPENSION,
        ["suspended (research)", "29 November 2026", "28 February 2027", "public register"],
        ["geschorst (onderzoek)", "29 november 2026", "28 februari 2027", "openbaar register"],
    ),
    "extend": (
        ["suspend"],
        LetterKind.SUSPENSION,
        ["extended (research)", "28 February 2027", "31 May 2027"],
        ["verlengd (onderzoek)", "28 februari 2027", "31 mei 2027"],
    ),
    "lift": (
        ["suspend"],
        LetterKind.SUSPENSION_LIFTED,
        ["lifted (research)", "in force again from", "29 November 2026"],
        ["opgeheven (onderzoek)", "weer van kracht vanaf", "29 november 2026"],
    ),
    "withdraw": (
        [],
        LetterKind.WITHDRAWAL,
        ["withdrawn (research)", "Withdrawn from", "29 November 2026", "apply anew"],
        ["ingetrokken (onderzoek)", "Ingetrokken vanaf", "29 november 2026", "nieuwe aanvraag"],
    ),
}
