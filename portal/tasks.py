"""Background work: an RQ queue on Redis when REDIS_URL is set, run inline otherwise (the
embedded default). A task is a module-level function and plain arguments: the worker builds
its own app, so nothing from the request's memory is needed."""

import importlib
from collections.abc import Callable
from datetime import timedelta

from flask import current_app, has_app_context

from portal.ops import logs

# Jobs queued before the domain packages replaced portal/services/ name their function by its
# old path. Kept for one release, so that a queue drained after a deploy still finds them.
LEGACY_PATHS = {
    "portal.services.mail": "portal.mail",
    "portal.services.student_import": "portal.bulk.student_import",
}


def queue_configured() -> bool:
    return bool(current_app.config.get("REDIS_URL"))


def task_path(function: Callable) -> str:
    return f"{function.__module__}:{function.__qualname__}"


def enqueue(function: Callable, *args) -> None:
    """Run `function(*args)` in the worker when a queue is configured, else now."""
    if queue_configured():
        from redis import Redis  # only needed where a queue is configured
        from rq import Queue

        connection = Redis.from_url(current_app.config["REDIS_URL"])
        Queue("portal", connection=connection).enqueue(
            run_task, task_path(function), *args, job_timeout=3600, meta=logs.job_meta()
        )
        return
    function(*args)


def enqueue_in(delay: timedelta, function: Callable, *args) -> None:
    """Run `function(*args)` in the worker after `delay` (RQ's scheduler: `rq worker
    --with-scheduler portal`); only where a queue is configured."""
    from redis import Redis
    from rq import Queue

    connection = Redis.from_url(current_app.config["REDIS_URL"])
    Queue("portal", connection=connection).enqueue_in(
        delay, run_task, task_path(function), *args, job_timeout=3600, meta=logs.job_meta()
    )


def _resolve(path: str):
    module, _colon, name = path.partition(":")
    module = LEGACY_PATHS.get(module, module)
    return getattr(importlib.import_module(module), name)


def run_task(path: str, *args) -> None:
    """Entry point in the RQ worker (`rq worker portal`): a fresh app context per task, or the
    app of a worker started inside one (the tests run a SimpleWorker in their own app)."""
    with logs.job_logging():  # its log lines carry the id of the request that queued it
        if has_app_context():
            _resolve(path)(*args)
            return
        from portal import create_app

        app = create_app()
        with app.app_context():
            _resolve(path)(*args)
