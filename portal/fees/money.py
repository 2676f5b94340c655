"""Amounts typed by staff, read into integer euro cents (never float)."""

import re

from portal.fees.records import MAX_AMOUNT_CENTS

# 423 · 423,50 · 423.50 · € 4.866,00 · 4,866.00 (thousands separators, two decimals at most)
_AMOUNT = re.compile(r"^(\d{1,3}(?:[.,]\d{3})+|\d+)(?:[.,](\d{1,2}))?$")


class AmountInvalid(ValueError):
    """The text is not an amount in euros; `code` is "format", "zero" or "too_large"."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def parse_euros(text: str) -> int:
    """'4.866,00' → 486600. Raises AmountInvalid."""
    raw = re.sub(r"[\s€]", "", text or "")
    if raw.startswith("-"):
        raise AmountInvalid("zero")
    match = _AMOUNT.match(raw)
    if match is None:
        raise AmountInvalid("format")
    whole = int(re.sub(r"[.,]", "", match.group(1)))
    cents = int((match.group(2) or "0").ljust(2, "0"))
    total = whole * 100 + cents
    if total <= 0:
        raise AmountInvalid("zero")
    if total > MAX_AMOUNT_CENTS:
        raise AmountInvalid("too_large")
    return total
