"""Reference data for family members (portal/family/): the means requirement for the family of
a student or researcher, with validity dates. rules.md gives no amount: the rows mark the
figure unverified and leave it configurable (no amount: the IND checks the means by hand)."""

from dataclasses import dataclass
from datetime import date

from portal.reference import _in_force


@dataclass(frozen=True)
class MeansRequirement:
    category: str
    monthly_cents: int | None  # None: not set (the amount is configurable, not invented)
    verified: bool
    valid_from: date
    source: str


def means_requirement(category: str, on: date) -> MeansRequirement:
    """The requirement in force for the family of a person sponsored in `category`."""
    row = _in_force("family_means", on, category=category)
    return MeansRequirement(
        category=category,
        monthly_cents=row.get("monthly_cents"),
        verified=row.get("verified", False),
        valid_from=row["valid_from"],
        source=row["source"],
    )
