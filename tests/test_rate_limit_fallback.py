"""Several web processes share their rate limits through Redis (RATELIMIT_STORAGE_URI); while
that Redis is away each process counts in its own memory: signing in still works, and the
limits still hold (issue 21)."""

import pytest

from config import TestConfig
from portal import create_app
from portal.extensions import limiter
from tests.support.auth import sign_in
from tests.support.factories import member
from tests.support.pages import get_page

UNREACHABLE = "redis://127.0.0.1:1/0"  # nothing listens on port 1


@pytest.fixture
def app_without_its_redis(monkeypatch):
    monkeypatch.setattr(TestConfig, "RATELIMIT_ENABLED", True)
    monkeypatch.setattr(TestConfig, "RATELIMIT_STORAGE_URI", UNREACHABLE)
    monkeypatch.setattr(TestConfig, "SIGN_IN_RATE_LIMIT", "3 per minute")
    app = create_app("test")
    yield app
    limiter._storage_dead = False  # the shared limiter: the next app starts on its own storage


def test_signing_in_works_while_the_rate_limit_redis_is_unreachable(app_without_its_redis):
    client = app_without_its_redis.test_client()
    client.get("/language/en")
    user = member()
    sign_in(client, user)  # password, then the second factor: each step answered
    assert client.get("/dashboard").status_code == 200


def test_the_limits_still_hold_in_memory_while_redis_is_away(app_without_its_redis):
    client = app_without_its_redis.test_client()
    token = get_page(client, "/sign-in").csrf()
    statuses = [
        client.post(
            "/sign-in", data={"csrf_token": token, "email": f"n{n}@b.example", "password": "x"}
        ).status_code
        for n in range(4)
    ]
    assert statuses == [400, 400, 400, 429]
