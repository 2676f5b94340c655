"""The people register as CSV rows: one header and one row shape for the download on the
people page and for the large export made by a job (portal/jobs/exports.py)."""

from flask_babel import gettext as _

from portal.labels import CATEGORY
from portal.models import Person


def header() -> list[str]:
    return [
        _("Surname"),
        _("Given names"),
        _("Date of birth"),
        _("Nationality"),
        _("Category"),
        _("Passport number"),
        _("Passport expires"),
        _("V-number"),
        _("E-mail address"),
        _("Archived"),
    ]


def _iso(value) -> str:
    return value.isoformat() if value else ""


def row(p: Person) -> list:
    return [
        p.surname,
        p.given_names,
        _iso(p.date_of_birth),
        p.nationality,
        CATEGORY[p.category],
        p.passport_number,
        _iso(p.passport_expires_on),
        p.v_number or "",
        p.email or "",
        _("Yes") if p.is_archived else _("No"),
    ]
