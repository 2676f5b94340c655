from flask import Blueprint

bp = Blueprint("student_import", __name__, url_prefix="/students/import")

from portal.blueprints.student_import import routes  # noqa: E402,F401
