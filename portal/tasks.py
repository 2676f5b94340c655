"""Background work: an RQ queue on Redis when REDIS_URL is set, run inline otherwise (the
embedded default). A task is a dotted path to a function and plain arguments: the worker
builds its own app, so nothing from the request's memory is needed."""

import importlib

from flask import current_app, has_app_context


def queue_configured() -> bool:
    return bool(current_app.config.get("REDIS_URL"))


def enqueue(path: str, *args) -> None:
    """Run `module:function(*args)` in the worker when a queue is configured, else now."""
    if queue_configured():
        from redis import Redis  # only needed where a queue is configured
        from rq import Queue

        connection = Redis.from_url(current_app.config["REDIS_URL"])
        Queue("portal", connection=connection).enqueue(run_task, path, *args, job_timeout=3600)
        return
    _resolve(path)(*args)


def _resolve(path: str):
    module, _colon, name = path.partition(":")
    return getattr(importlib.import_module(module), name)


def run_task(path: str, *args) -> None:
    """Entry point in the RQ worker (`rq worker portal`): a fresh app context per task, or the
    app of a worker started inside one (the tests run a SimpleWorker in their own app)."""
    if has_app_context():
        _resolve(path)(*args)
        return
    from portal import create_app

    app = create_app()
    with app.app_context():
        _resolve(path)(*args)
