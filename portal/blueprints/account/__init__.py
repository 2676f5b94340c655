from flask import Blueprint

bp = Blueprint("account", __name__)

from portal.blueprints.account import reset, routes, settings, two_step  # noqa: E402,F401
