"""gunicorn settings for the portal (`gunicorn -c deploy/gunicorn.conf.py wsgi:app`).

Every value can be set from the environment, so the systemd unit, the container and
deploy/local-topology.sh share this file.

Graceful shutdown: on SIGTERM (systemd's stop, `docker stop`, a rolling deploy) gunicorn stops
accepting connections, lets each worker finish the requests it has for up to
GUNICORN_GRACEFUL_TIMEOUT seconds, then exits; SIGKILL only after that (systemd's
TimeoutStopSec is longer). A request never ends half-way: each one commits once, at its end.
SIGHUP reloads the code with new workers, the old ones finishing their requests first.
"""

import os
import shutil
from pathlib import Path

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", "2"))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
worker_class = "gthread"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
keepalive = 5
# A worker is replaced after this many requests (with some jitter), returning its memory.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "5000"))
max_requests_jitter = 500
# Load the app in the master, so workers start fast and share its memory.
preload_app = True
# The portal writes one JSON line per request with its id (portal/ops/logs.py); gunicorn's own
# access line would repeat the path with its query string, where searches carry names.
accesslog = None
errorlog = "-"
# The proxy in front (nginx) is the only client; the portal itself decides which proxies it
# believes (TRUSTED_PROXIES), so gunicorn passes X-Forwarded-* through untouched.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
proc_name = os.environ.get("GUNICORN_NAME", "sponsor-portal")


def on_starting(server):
    """Metrics of several processes (portal/ops/metrics.py): a clean folder at each start."""
    folder = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if folder:
        path = Path(folder)
        if path.exists():
            shutil.rmtree(path)
        path.mkdir(parents=True, mode=0o700)


def child_exit(server, worker):
    """A worker that ended: its live gauges leave the metrics (counters keep their totals)."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
