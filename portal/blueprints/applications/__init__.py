from flask import Blueprint

bp = Blueprint("applications", __name__, url_prefix="/applications")

from portal.blueprints.applications import (  # noqa: E402,F401
    bulk,
    default_notice,
    listing,
    routes,
    sign_off,
    withdraw,
)
