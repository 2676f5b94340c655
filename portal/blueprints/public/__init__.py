from flask import Blueprint

bp = Blueprint("public", __name__)

from portal.blueprints.public import register, routes  # noqa: E402,F401
