"""Structured logs: one JSON object per line, each with the id of the request (or of the request
that queued the job) it belongs to — and never personal data.

The request id comes from the caller's X-Request-ID when it is well-formed (the proxy in front
sets one, see deploy/nginx.conf), otherwise it is made here; it goes back in the response's
X-Request-ID and travels with queued jobs (portal/jobs/outbox.py): their lines join the request.

What a line holds is chosen, not dumped: the endpoint's name and its URL rule (not the path with
its values, never the query string, where searches carry names), the status and the time taken.
No addresses, no user ids, no form fields. An exception is logged by its type and its
traceback's frames, not its message (a database error's message repeats the row's values).
"""

import json
import logging
import re
import sys
import time
import traceback
import uuid
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime

from flask import g, has_request_context, request

REQUEST_ID_HEADER = "X-Request-ID"
# A last guard on messages written elsewhere: e-mail addresses and BSN-like numbers are masked.
E_MAIL = re.compile(r"[^\s@<>()\[\],;:\"']+@[^\s@<>()\[\],;:\"']+")
NINE_DIGITS = re.compile(r"(?<!\d)\d{9}(?!\d)")
WELL_FORMED = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]{7,127}$")
# Outside a request (a queued job, a command): the id the job carries.
job_request_id: ContextVar[str | None] = ContextVar("job_request_id", default=None)
# Record attributes that logging itself sets: everything else a caller passed as `extra`.
_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime"}
# Extra fields a line may carry (anything else passed as `extra` is dropped).
ALLOWED_EXTRA = frozenset(
    {"event", "method", "endpoint", "rule", "status", "duration_ms", "job", "queue"}
)


def current_request_id() -> str | None:
    if has_request_context():
        return g.get("request_id")
    return job_request_id.get()


def job_meta() -> dict:
    """What a queued job carries of the request that queued it (RQ's job.meta)."""
    return {"request_id": current_request_id()}


@contextmanager
def job_logging():
    """Inside a queued job: its lines carry the request id from its meta."""
    request_id = None
    try:
        from rq import get_current_job

        job = get_current_job()
        request_id = job.meta.get("request_id") if job is not None else None
    except ImportError:  # no queue installed: the job runs inline, inside the request
        pass
    token = job_request_id.set(request_id)
    try:
        yield
    finally:
        job_request_id.reset(token)


def accepted_request_id(value: str | None) -> str:
    """The caller's id when it is well-formed, else a new one."""
    if value and WELL_FORMED.match(value):
        return value
    return uuid.uuid4().hex


def masked(text: str) -> str:
    return NINE_DIGITS.sub("[number]", E_MAIL.sub("[e-mail]", text))


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": masked(record.getMessage()),
            "request_id": getattr(record, "request_id", None) or current_request_id(),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and key in ALLOWED_EXTRA:
                line[key] = value
        if record.exc_info and record.exc_info[0] is not None:
            kind, _error, trace = record.exc_info
            line["exception"] = kind.__name__
            line["traceback"] = "".join(traceback.format_tb(trace))
        return json.dumps(line, default=str)


class StderrHandler(logging.StreamHandler):
    """Standard error as it is when the line is written (a test may have replaced it)."""

    @property
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, _value):
        pass


def configure(level: str) -> None:
    """JSON lines from every logger, the portal's and the libraries' (once per process)."""
    root = logging.getLogger()
    if not any(isinstance(handler, StderrHandler) for handler in root.handlers):
        handler = StderrHandler()
        handler.setFormatter(JsonFormatter())
        root.addHandler(handler)
    root.setLevel(level)
    # The request line below replaces Werkzeug's, which repeats the path and its query.
    logging.getLogger("werkzeug").setLevel(logging.WARNING)


request_log = logging.getLogger("portal.request")


def init_app(app) -> None:
    if app.config["LOG_FORMAT"] == "json":
        configure(app.config["LOG_LEVEL"])
        # Flask's own handler would print the same exceptions again, in plain text.
        app.logger.handlers.clear()
        app.logger.propagate = True

    @app.before_request
    def take_request_id():
        g.request_id = accepted_request_id(request.headers.get(REQUEST_ID_HEADER))
        g.request_started = time.perf_counter()

    @app.after_request
    def give_request_id(response):
        request_id = g.get("request_id")
        if request_id:
            response.headers[REQUEST_ID_HEADER] = request_id
            request_log.info(
                "request",
                extra={
                    "event": "request",
                    "request_id": request_id,
                    "method": request.method,
                    "endpoint": request.endpoint,
                    "rule": request.url_rule.rule if request.url_rule else None,
                    "status": response.status_code,
                    "duration_ms": round((time.perf_counter() - g.request_started) * 1000, 1),
                },
            )
        return response
