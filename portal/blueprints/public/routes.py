from datetime import date
from urllib.parse import urlsplit

from flask import abort, current_app, redirect, render_template, request, session, url_for
from flask_login import current_user

from portal.blueprints.public import bp


def safe_next(target: str | None, default: str) -> str:
    """Only same-site relative paths; anything else goes to the default."""
    if not target:
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return default
    return target


@bp.get("/")
def home():
    if current_user.is_authenticated:
        if current_user.is_staff:
            return redirect(url_for("backoffice.queue"))
        return redirect(url_for("dashboard.index"))
    return render_template("public/home.html")


@bp.get("/language/<code>")
def set_language(code: str):
    if code not in current_app.config["LANGUAGES"]:
        abort(404)
    session["lang"] = code
    return redirect(safe_next(request.args.get("next"), url_for("public.home")))


# The accessibility statement: when it was last drawn up, and where to report a problem.
STATEMENT_REVIEWED_ON = date(2026, 11, 29)
ACCESSIBILITY_CONTACT = "toegankelijkheid@sponsorportal.ind.example"


@bp.get("/accessibility")
def accessibility():
    return render_template(
        "public/accessibility.html",
        reviewed_on=STATEMENT_REVIEWED_ON,
        contact_email=ACCESSIBILITY_CONTACT,
    )


@bp.get("/healthz")
def healthz():
    """For load balancers and monitoring: the process answers. No database, no session."""
    return current_app.response_class("ok\n", mimetype="text/plain")
