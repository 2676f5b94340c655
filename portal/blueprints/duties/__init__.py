from flask import Blueprint

bp = Blueprint("duties", __name__)

from portal.blueprints.duties import disclosures, routes  # noqa: E402,F401
