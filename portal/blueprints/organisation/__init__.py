from flask import Blueprint

bp = Blueprint("organisation", __name__, url_prefix="/organisation")

from portal.blueprints.organisation import (  # noqa: E402,F401
    api_clients,
    continuity,
    fees,
    mandates,
    routes,
    switcher,
    takeover,
    team,
    webhooks,
)
