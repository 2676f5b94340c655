from flask import Blueprint

bp = Blueprint("public", __name__)

from portal.blueprints.public import routes  # noqa: E402,F401
