"""The token endpoint, the OpenAPI description and its documentation page."""

from flask import jsonify, render_template, url_for

from portal.api import oauth, openapi
from portal.api.problems import Problem, response
from portal.blueprints.api import bp
from portal.extensions import csrf, limiter


@bp.errorhandler(Problem)
def problem(error: Problem):
    return response(error)


@bp.errorhandler(404)
def not_found(_error):
    return response(Problem(404, "not_found"))


@bp.post("/oauth/token")
@csrf.exempt
@limiter.limit("30 per minute")
def token():
    return oauth.token_endpoint()


@bp.get("/openapi.json")
def openapi_json():
    return jsonify(openapi.document(url_for("api.token")))


@bp.get("/docs")
def docs():
    return render_template("api/docs.html", spec=openapi.document(url_for("api.token")))
