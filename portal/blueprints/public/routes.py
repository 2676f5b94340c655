from datetime import date
from types import SimpleNamespace

from flask import (
    abort,
    current_app,
    redirect,
    render_template,
    request,
    send_from_directory,
    session,
    url_for,
)
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from portal.blueprints.public import bp
from portal.redirects import safe_next


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


# The accessibility statement's facts, in one place: when it was last reviewed, where to report
# a problem, which tools check the pages (tests/blueprints/test_public.py compares the versions
# with package-lock.json) and which browser journeys run (the same test compares them with
# tests/browser/test_journeys.py). Change them together with the checks.
STATEMENT_REVIEWED_ON = date(2026, 12, 5)
ACCESSIBILITY_CONTACT = "toegankelijkheid@sponsorportal.ind.example"
ACCESSIBILITY_TOOLS = {"axe_core": "4.14.1", "vnu_jar": "24.10.17"}
ACCESSIBILITY_JOURNEYS = {
    "test_employer_signs_up_applies_and_downloads_the_granted_decision": _l(
        "An employer creates an account and applies for recognition as a sponsor; an IND "
        "reviewer grants it; the employer downloads the decision letter from the inbox."
    ),
    "test_employer_files_a_highly_skilled_migrant_application": _l(
        "An employer adds a person to the people register and files a highly skilled migrant "
        "application for them: a salary below the threshold is corrected on the way, the "
        "documents are uploaded, and the acknowledgement arrives in the inbox."
    ),
    "test_university_registers_students_in_bulk": _l(
        "A university downloads the template, uploads a file of students with a mistake, reads "
        "the problem, uploads the corrected file and registers the students."
    ),
    "test_sponsor_answers_a_request_for_information": _l(
        "An IND reviewer asks for more information; the sponsor answers the letter with a "
        "message and a document; the reviewer reads the reply."
    ),
    "test_intermediary_answers_a_request_on_a_mandated_case": _l(
        "An employer gives an intermediary a mandate; an IND reviewer asks for more "
        "information; the intermediary acts for the employer, finds the request in the inbox "
        "and answers it with a document."
    ),
    "test_university_imports_students_and_submits_all_at_once": _l(
        "A university registers students from a file, opens the draft applications the import "
        "made, reads what is missing per student, adds the documents and submits all the "
        "applications with one declaration."
    ),
}


@bp.get("/accessibility")
def accessibility():
    config = current_app.config
    return render_template(
        "public/accessibility.html",
        reviewed_on=STATEMENT_REVIEWED_ON,
        contact_email=ACCESSIBILITY_CONTACT,
        tools=SimpleNamespace(**ACCESSIBILITY_TOOLS),
        journeys=list(ACCESSIBILITY_JOURNEYS.values()),
        session_limits=SimpleNamespace(
            idle_minutes=config["SESSION_IDLE_TIMEOUT"] // 60,
            warning_minutes=-(-config["SESSION_IDLE_WARNING"] // 60),
            absolute_hours=int(current_app.permanent_session_lifetime.total_seconds() // 3600),
        ),
    )


@bp.get("/healthz")
def healthz():
    """For load balancers and monitoring: the process answers. No database, no session."""
    return current_app.response_class("ok\n", mimetype="text/plain")


@bp.get("/favicon.ico")
def favicon():
    """Browsers and bookmarks ask for /favicon.ico whatever the page links to."""
    return send_from_directory(
        current_app.static_folder, "favicon.ico", mimetype="image/vnd.microsoft.icon", max_age=86400
    )
