"""Prometheus metrics (prometheus-client): requests and their latency per endpoint, letters
issued, and — counted when scraped — the queue's depth and its failed jobs.

With several processes (gunicorn's workers, the RQ worker) the figures are shared through
PROMETHEUS_MULTIPROC_DIR: each process writes its own files there and /metrics adds them up
(multiprocess mode). The variable must be set, to an empty folder, before the processes start
(deploy/gunicorn.conf.py and the systemd units do; gunicorn's child_exit hook marks a worker's
files dead). Without it each process reports its own figures.

/metrics answers only clients in METRICS_ALLOWED_ADDRESSES (404 for anyone else, as if it were
not there); the proxy in front should not pass it on from outside either (deploy/nginx.conf).
"""

import os
import time

from flask import g, request
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily
from sqlalchemy.orm import Session

REQUESTS = Counter(
    "portal_http_requests_total", "HTTP requests answered", ["endpoint", "method", "status"]
)
LATENCY = Histogram(
    "portal_http_request_duration_seconds",
    "Time to answer an HTTP request",
    ["endpoint"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
LETTERS = Counter("portal_letters_issued_total", "Letters issued (committed)", ["kind"])
PENDING_LETTERS = "metrics_letters_pending"


def letter_added(_mapper, _connection, letter) -> None:
    """A letter row was written: counted once its transaction commits (an ORM event)."""
    from sqlalchemy.orm import object_session

    session = object_session(letter)
    if session is not None:
        kind = getattr(letter.kind, "value", str(letter.kind))
        session.info.setdefault(PENDING_LETTERS, []).append(kind)


def after_commit(session: Session) -> None:
    if session.in_nested_transaction():
        return
    for kind in session.info.pop(PENDING_LETTERS, None) or ():
        LETTERS.labels(kind=kind).inc()


def after_rollback(session: Session) -> None:
    if not session.in_nested_transaction():
        session.info.pop(PENDING_LETTERS, None)


class QueueCollector:
    """The queue's depth and its failed jobs, read from Redis when scraped (so every process
    reports the same figures, and none of them keeps a copy)."""

    def __init__(self, redis_url: str | None):
        self.redis_url = redis_url

    def collect(self):
        depth = GaugeMetricFamily(
            "portal_queue_depth", "Jobs waiting in the queue", labels=["queue"]
        )
        failed = GaugeMetricFamily(
            "portal_job_failures", "Jobs that failed and wait for a retry", labels=["queue"]
        )
        up = GaugeMetricFamily("portal_queue_up", "1 when the queue's Redis answered the scrape")
        if self.redis_url:
            from redis import Redis
            from redis.exceptions import RedisError
            from rq import Queue

            try:
                connection = Redis.from_url(
                    self.redis_url, socket_connect_timeout=0.5, socket_timeout=0.5
                )
                queue = Queue("portal", connection=connection)
                depth.add_metric(["portal"], queue.count)
                failed.add_metric(["portal"], queue.failed_job_registry.count)
                up.add_metric([], 1)
            except RedisError:
                up.add_metric([], 0)
            yield from (depth, failed, up)


def exposition(redis_url: str | None) -> tuple[bytes, str]:
    """The metrics page: every process's figures (multiprocess mode) or this one's."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    else:
        registry = CollectorRegistry()
        registry.register(_Process())
    registry.register(QueueCollector(redis_url))
    return generate_latest(registry), CONTENT_TYPE_LATEST


class _Process:
    """This process's own metrics (without multiprocess mode)."""

    def collect(self):
        yield from REGISTRY.collect()


def init_app(app) -> None:
    @app.before_request
    def start_clock():
        g.metrics_started = time.perf_counter()

    @app.after_request
    def count(response):
        started = g.get("metrics_started")
        if started is not None and request.endpoint != "static":
            endpoint = request.endpoint or "unmatched"
            REQUESTS.labels(endpoint, request.method, str(response.status_code)).inc()
            LATENCY.labels(endpoint).observe(time.perf_counter() - started)
        return response
