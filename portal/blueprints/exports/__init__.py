from flask import Blueprint

bp = Blueprint("exports", __name__, url_prefix="/exports")

from portal.blueprints.exports import routes  # noqa: E402,F401
