from flask import Blueprint

bp = Blueprint("residence", __name__, url_prefix="/applications/residence")

from portal.blueprints.residence import routes  # noqa: E402,F401
