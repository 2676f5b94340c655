"""For the machines that run the portal: readiness for load balancers and deploys, metrics for
Prometheus. Neither has a session or a page (portal/ops/)."""

import json

from flask import abort, current_app, request

from portal.blueprints.ops import bp
from portal.ops import metrics, readiness
from portal.proxies import address_in


@bp.get("/readyz")
def readyz():
    """200 when every check passes, else 503 — both with each check's outcome as JSON."""
    outcome = readiness.results()
    ready = all(value == "ok" for value in outcome.values())
    body = json.dumps({"ready": ready, "checks": outcome}, indent=1) + "\n"
    return current_app.response_class(
        body, status=200 if ready else 503, mimetype="application/json"
    )


@bp.get("/metrics", endpoint="metrics")
def metrics_page():
    """Prometheus's text format, only for METRICS_ALLOWED_ADDRESSES; 404 for anyone else."""
    if not address_in(request.remote_addr, current_app.extensions["metrics_allowed"]):
        abort(404)
    body, content_type = metrics.exposition(current_app.config.get("REDIS_URL"))
    return current_app.response_class(body, content_type=content_type)
