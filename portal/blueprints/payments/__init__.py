from flask import Blueprint

bp = Blueprint("payments", __name__, url_prefix="/payments")

from portal.blueprints.payments import routes  # noqa: E402,F401
