"""The load test of issue 21: Locust's journeys (bench/locustfile.py) through nginx against two
gunicorn processes and one RQ worker on PostgreSQL and Redis, all on 127.0.0.1
(deploy/local-topology.sh), with the bench's limits (bench/limits.env).

    .venv/bin/python bench/load_test.py                      # 100 users for 60 s
    .venv/bin/python bench/load_test.py --restart-redis 5    # and Redis down for 5 s mid-run

Seeds the database (bench/load_seed.py: the demo data and users with TOTP secrets of their own),
starts the topology, runs Locust headless, restarts the topology's own Redis if asked, then
prints the figures: requests, failures, throughput, median and p95, and every 5xx that nginx
answered. Stops the topology at the end. Heavy: run it on a quiet machine.
"""

import argparse
import os
import re
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = Path(os.environ.get("VENV", ROOT / ".venv"))
TOPOLOGY = ROOT / "deploy" / "local-topology.sh"
RUN = Path(os.environ.get("TOPOLOGY_DIR", "/tmp/portal-topology"))
STATUS = re.compile(r'" (\d{3}) ')


def topology(*args: str, env: dict) -> None:
    subprocess.run([str(TOPOLOGY), *args], check=True, env=env, cwd=ROOT)


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def restart_redis_later(after: float, down: float, env: dict) -> threading.Thread:
    def run():
        time.sleep(after)
        topology("restart-redis", str(down), env=env)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


def statuses(log: Path, skip: int) -> dict[str, int]:
    """Answers nginx gave during the run (the access log's lines after `skip`)."""
    counts: dict[str, int] = {}
    with log.open() as lines:
        for number, line in enumerate(lines):
            if number >= skip and (found := STATUS.search(line)):
                counts[found.group(1)] = counts.get(found.group(1), 0) + 1
    return dict(sorted(counts.items()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=100)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--spawn-rate", type=float, default=10)
    parser.add_argument("--database", default=os.environ.get("TOPOLOGY_DATABASE", "h_ops_topology"))
    parser.add_argument("--restart-redis", type=float, metavar="SECONDS_DOWN")
    parser.add_argument("--no-seed", action="store_true", help="keep the database seeded before")
    parser.add_argument("--keep", action="store_true", help="leave the topology running")
    args = parser.parse_args()

    env = {
        **os.environ,
        "TOPOLOGY_DATABASE": args.database,
        "TOPOLOGY_ENV_EXTRA": str(ROOT / "bench" / "limits.env"),
        "TOPOLOGY_DIR": str(RUN),
    }
    env.pop("PORTAL_ENV", None)
    users_file = RUN / "users.json"
    RUN.mkdir(exist_ok=True)
    topology("stop", env=env)
    if not args.no_seed:
        seed_env = {
            **env,
            "DATABASE_URL": f"postgresql+psycopg://postgres@127.0.0.1:5432/{args.database}",
        }
        subprocess.run(
            [
                str(VENV / "bin/python"),
                str(ROOT / "bench/load_seed.py"),
                str(users_file),
                "--sponsors",
                str(args.users - args.users // 10),
                "--staff",
                str(args.users // 10),
            ],
            check=True,
            env=seed_env,
            cwd=ROOT,
        )
    topology("start", env=env)
    access_log = RUN / "nginx-access.log"
    skip = sum(1 for _ in access_log.open()) if access_log.exists() else 0
    print(f"load average before: {load_average()}", flush=True)
    if args.restart_redis:
        restart_redis_later(args.seconds / 3, args.restart_redis, env)
    try:
        locust = subprocess.run(
            [
                str(VENV / "bin/locust"),
                "-f",
                str(ROOT / "bench/locustfile.py"),
                "--headless",
                "-u",
                str(args.users),
                "-r",
                str(args.spawn_rate),
                "-t",
                f"{args.seconds}s",
                "--host",
                "https://127.0.0.1:8443",
                "--only-summary",
                "--stop-timeout",
                "10",
                "--csv",
                str(RUN / "locust"),
            ],
            env={**env, "LOAD_USERS": str(users_file)},
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
        print(f"load average after: {load_average()}")
        print(locust.stdout[-6000:])
        print(locust.stderr[-4000:])
        print("nginx answers during the run:", statuses(access_log, skip))
    finally:
        if not args.keep:
            topology("stop", env=env)
    sys.exit(locust.returncode)


if __name__ == "__main__":
    main()
