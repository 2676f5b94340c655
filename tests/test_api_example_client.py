"""The example client in docs/api/ (issue 18), run as a user would run it, against a live
portal: it gets a token, registers a person, submits a batch and polls it until it succeeded."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "docs" / "api" / "example_client.py"


def test_the_example_client_registers_people_and_submits_a_batch(tmp_path):
    env = {**os.environ, "TEST_DATABASE_URL": f"sqlite:///{tmp_path}/live.db", "PORTAL_ENV": "test"}
    server = subprocess.Popen(
        [sys.executable, "-m", "tests.support.api_server"],
        cwd=ROOT,
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        started = json.loads(server.stdout.readline())
        base = f"http://127.0.0.1:{started['port']}"
        run = subprocess.run(
            [
                sys.executable,
                str(EXAMPLE),
                base,
                started["kvk"],
                started["client_id"],
                started["secret"],
            ],
            capture_output=True,
            text=True,
            timeout=300,
        )
    finally:
        server.stdin.close()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        server.stdout.close()
    assert run.returncode == 0, run.stdout + run.stderr
    assert "registered person" in run.stdout
    assert "succeeded {'created': 25, 'linked': 0, 'applications': 25}" in run.stdout
