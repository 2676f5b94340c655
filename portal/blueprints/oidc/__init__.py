from flask import Blueprint

bp = Blueprint("oidc", __name__, url_prefix="/oidc")

from portal.blueprints.oidc import routes  # noqa: E402,F401
