from flask import Blueprint

bp = Blueprint("appointments", __name__, url_prefix="/appointments")

from portal.blueprints.appointments import group, routes  # noqa: E402,F401
