from flask import Blueprint

bp = Blueprint("applications", __name__, url_prefix="/applications")

from portal.blueprints.applications import bulk, listing, routes, withdraw  # noqa: E402,F401
