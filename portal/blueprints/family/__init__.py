from flask import Blueprint

bp = Blueprint("family", __name__, url_prefix="/applications/family")

from portal.blueprints.family import routes  # noqa: E402,F401
