"""Reference data for appointments at IND desks (issue 23): which appointment a decision needs,
the cut-off for changes and how far ahead slots are offered. Rows in data.toml, unverified."""

from dataclasses import dataclass
from datetime import date

from portal.reference import ReferenceDataMissing, _in_force, _tables


@dataclass(frozen=True)
class AppointmentRules:
    cutoff_hours: int
    horizon_days: int


def appointment_rules(on: date) -> AppointmentRules:
    row = _in_force("appointment_rules", on)
    return AppointmentRules(row["cutoff_hours"], row["horizon_days"])


def needed_kinds(on: date) -> dict[str, str]:
    """application kind → the appointment kind its positive decision needs, in force on `on`."""
    found: dict[str, str] = {}
    for row in _tables()["appointment_need"]:
        if row["valid_from"] <= on <= row.get("valid_until", date.max):
            for kind in row["application_kinds"]:
                found.setdefault(kind, row["kind"])
    if not found:
        raise ReferenceDataMissing("appointment_need", on)
    return found
