"""The REST API /api/v1 for institutions' own systems (issue 18): bearer tokens only, no
session, no CSRF (the token endpoint authenticates the client itself)."""

from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")

from portal.blueprints.api import (  # noqa: E402,F401
    applications,
    applications_list,
    applications_write,
    appointments,
    batches,
    fees,
    letter_replies,
    letters,
    links,
    people,
    people_write,
    reports,
    routes,
    webhooks,
)
