"""RFC 9457 problem documents with stable codes; titles in the Accept-Language language."""

import json

from flask import Response, current_app, request
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import HTTPException, NotFound

from portal.formatting import BABEL_LOCALES

PROBLEM_TYPE = "application/problem+json"

TITLES = {
    "unauthorized": _l("The access token is missing, expired or revoked."),
    "insufficient_scope": _l("The access token does not allow this."),
    "forbidden_address": _l("This client may not be used from this address."),
    "not_found": _l("Not found."),
    "invalid_body": _l("The request body is not valid JSON of the expected form."),
    "validation_failed": _l("Some fields are not valid."),
    "precondition_required": _l("Send If-Match with the ETag of the resource."),
    "precondition_failed": _l("The resource was changed since you read it."),
    "duplicate_person": _l("This person is already in the register."),
    "already_archived": _l("This person is already archived."),
    "rate_limited": _l("Too many calls. Wait and try again."),
    "idempotency_key_reused": _l("This Idempotency-Key was used with another request body."),
    "not_allowed": _l("Your organisation cannot file this application."),
    "not_a_draft": _l("This application is not a draft any more."),
    "incomplete": _l("The application cannot be submitted yet."),
    "documents_rejected": _l("The document was not accepted."),
    "not_withdrawable": _l("This application can no longer be withdrawn."),
    "report_refused": _l("The report was not accepted."),
    "not_answerable": _l("This letter does not ask for an answer."),
    "case_closed": _l("The letter's case was decided: an answer can no longer join it."),
    "already_answered": _l("This request has already been answered."),
    "appointment_refused": _l("The appointment was not booked or changed."),
    "slot_full": _l("This slot has just been filled. Choose one of the next free slots."),
    "no_structured_data": _l("This letter was issued before letters kept their data."),
    "too_many_rows": _l("The batch has more rows than allowed. Split it into smaller batches."),
    "unsupported_media_type": _l("Send JSON lines, CSV or XLSX, with its Content-Type."),
    "content_mismatch": _l("The body is not what its Content-Type says."),
    "unreadable_file": _l("The file cannot be read."),
    "unknown_columns": _l("Some columns are not known. Use the columns of the template."),
    "students_not_allowed": _l("This organisation may not register students in bulk."),
    "bad_request": _l("The request is malformed."),
    "method_not_allowed": _l("This method is not allowed here."),
    "too_large": _l("The request body is too large."),
    "server_error": _l("Something went wrong on our side. Try again later."),
    "storage_unavailable": _l("The document store cannot be reached. Nothing was saved."),
}

STATUS_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "insufficient_scope",
    404: "not_found",
    405: "method_not_allowed",
    413: "too_large",
    429: "rate_limited",
    500: "server_error",
    503: "storage_unavailable",
}


class Problem(Exception):
    """Raised anywhere in an API view; the blueprint turns it into a problem document."""

    def __init__(self, status: int, code: str, errors: list[dict] | None = None, **extra):
        super().__init__(code)
        self.status = status
        self.code = code
        self.errors = errors or []
        self.extra = extra


def language() -> str:
    """The API's language: Accept-Language only (an API call has no session), else English."""
    chosen = request.accept_languages.best_match(current_app.config["LANGUAGES"]) or "en"
    return BABEL_LOCALES.get(chosen, chosen)


def response(problem: Problem) -> Response:
    with force_locale(language()):
        title = str(TITLES[problem.code])
    body = {
        "type": f"urn:sponsorportal:problem:{problem.code}",
        "title": title,
        "status": problem.status,
        "code": problem.code,
        **problem.extra,
    }
    if problem.errors:
        body["errors"] = problem.errors
    headers = {"Content-Language": language()[:2]}
    if problem.status == 401:
        headers["WWW-Authenticate"] = 'Bearer realm="api"'
    return Response(
        json.dumps(body, ensure_ascii=False),
        status=problem.status,
        mimetype=PROBLEM_TYPE,
        headers=headers,
    )


def for_status(status: int) -> Response:
    """The problem document of an HTTP error raised outside an API view (routing, limits).
    A path no route takes (an id out of range) is 404 whatever the method: the router says 405
    when another method's rule has the same shape."""
    if status == 405:
        try:
            current_app.url_map.bind(request.host).match(request.path, method="GET")
        except NotFound:
            status = 404
        except HTTPException:
            pass
    return response(Problem(status, STATUS_CODES.get(status, "bad_request")))


def of_type(value, kind: type) -> bool:
    """JSON Schema's view of a value's type: 2.0 is an integer, True is not."""
    if kind is int:
        if isinstance(value, float):
            return value.is_integer()
        return isinstance(value, int) and not isinstance(value, bool)
    return type(value) is kind
