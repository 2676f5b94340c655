from flask import Blueprint

bp = Blueprint("inbox", __name__, url_prefix="/inbox")

from portal.blueprints.inbox import downloads, replies, routes, settings  # noqa: E402,F401
