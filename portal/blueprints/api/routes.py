"""The token endpoint, the OpenAPI description and its documentation page."""

import time

from flask import jsonify, render_template, url_for

from portal.api import oauth, openapi
from portal.api.problems import Problem, response
from portal.blueprints.api import bp
from portal.extensions import csrf, limiter

limiter.limit(oauth.rate_limit, key_func=oauth.rate_key)(bp)


@bp.after_request
def rate_limit_headers(response):
    """The IETF RateLimit-* fields (reset: seconds from now) for the client's limit."""
    current = limiter.current_limit
    if current is not None:
        response.headers["RateLimit-Limit"] = str(current.limit.amount)
        response.headers["RateLimit-Remaining"] = str(current.remaining)
        response.headers["RateLimit-Reset"] = str(max(0, current.reset_at - int(time.time())))
    return response


@bp.errorhandler(429)
def too_many(_error):
    return response(Problem(429, "rate_limited"))


@bp.errorhandler(Problem)
def problem(error: Problem):
    return response(error)


@bp.errorhandler(413)
def too_large(_error):
    return response(Problem(413, "too_large"))


@bp.errorhandler(404)
def not_found(_error):
    return response(Problem(404, "not_found"))


@bp.post("/oauth/token")
@csrf.exempt
def token():
    return oauth.token_endpoint()


@bp.get("/openapi.json")
def openapi_json():
    return jsonify(openapi.document(url_for("api.token")))


@bp.get("/docs")
def docs():
    return render_template("api/docs.html", spec=openapi.document(url_for("api.token")))
