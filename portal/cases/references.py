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
}
_PATTERN = re.compile(r"^([A-Z]{2})-(\d{4})-(\d{6})-([A-Z])$")


def _check_letter(prefix: str, year: int, sequence: int) -> str:
    digits = f"{year:04d}{sequence:06d}"
    total = sum((i + 2) * int(d) for i, d in enumerate(reversed(digits)))
    total += sum(ord(c) for c in prefix)
    return CHECK_LETTERS[total % len(CHECK_LETTERS)]


def make_reference(kind: str, year: int, sequence: int) -> str:
    prefix = PREFIXES[kind]
    return f"{prefix}-{year:04d}-{sequence:06d}-{_check_letter(prefix, year, sequence)}"


def is_valid_reference(text: str) -> bool:
    match = _PATTERN.match(text.strip().upper())
    if not match:
        return False
    prefix, year, sequence, check = match.groups()
    return _check_letter(prefix, int(year), int(sequence)) == check
