"""The review checklist of each application kind, as reference data with validity dates."""

from datetime import date

from portal.reference import _in_force


def checklist_items(application_kind: str, on: date) -> tuple[str, ...]:
    """The item keys a case of this kind must have answered before a grant on `on`;
    ReferenceDataMissing when no checklist is in force (the grant then waits: never a guess)."""
    return tuple(_in_force("review_checklist", on, application_kind=application_kind)["items"])
