"""Case reference numbers: a prefix, the year, a sequence and a check letter.

Stable and quotable on the phone: ER-2026-000042-K. The check letter catches
a mistyped digit or two swapped digits.
"""

import re

CHECK_LETTERS = "ABCDEFGHJKLMNPRSTUVWXYZ"  # 23 letters: no I, O or Q
PREFIXES = {
    "recognition": "ER",
    # Residence applications: KM kennismigrant, BC EU Blue Card, WO researcher, ST student,
    # UW exchange (uitwisseling).
    "hsm_entry": "KM",
    "hsm_residence": "KM",
    "hsm_extension": "KM",
    "hsm_change_employer": "KM",
    "eu_blue_card": "BC",
    "researcher": "WO",
    "student": "ST",
    "au_pair": "UW",
    "cultural_exchange": "UW",
    # Issue 22: IC intra-corporate transfer, GV single permit (gecombineerde vergunning),
    # SW seasonal work; a change of purpose to highly skilled migrant is KM.
    "ict": "IC",
    "gvva": "GV",
    "seasonal_work": "SW",
    "hsm_change_purpose": "KM",
    # Family members (gezinslid), filed with a main application.
    "family_partner": "GZ",
    "family_child": "GZ",
}


def _check_letter(prefix: str, year: int, sequence: int) -> str:
    digits = f"{year:04d}{sequence:06d}"
    total = sum((i + 2) * int(d) for i, d in enumerate(reversed(digits)))
    total += sum(ord(c) for c in prefix)
    return CHECK_LETTERS[total % len(CHECK_LETTERS)]


def make_reference(kind: str, year: int, sequence: int) -> str:
    prefix = PREFIXES[kind]
    return f"{prefix}-{year:04d}-{sequence:06d}-{_check_letter(prefix, year, sequence)}"


def parse_reference(text: str) -> str | None:
    """The case reference typed in `text` (any case, with or without the dashes, the sequence
    with or without its leading zeros; a missing check letter is computed), written out in
    full; None when `text` is not shaped like a reference."""
    match = _TYPED.fullmatch(text.strip().upper())
    if match is None or match["prefix"] not in PREFIXES.values():
        return None
    prefix, year, sequence = match["prefix"], int(match["year"]), int(match["sequence"])
    letter = match["check"] or _check_letter(prefix, year, sequence)
    return f"{prefix}-{year:04d}-{sequence:06d}-{letter}"


_TYPED = re.compile(
    r"(?P<prefix>[A-Z]{2})-?(?P<year>[0-9]{4})-?(?P<sequence>[0-9]{1,6})(?:-?(?P<check>[A-Z]))?"
)
