"""/readyz: may this process take traffic? Each check answers within about a second.

- database: a query answers;
- migrations: the database's Alembic revision is the code's head (a process of a newer release
  waits until `flask db upgrade` has run; one of an older release is told it is behind);
- redis: the queue's Redis answers (only when REDIS_URL is set);
- storage: the object store's bucket answers (only when STORAGE_BACKEND=s3; documents in the
  database are covered by the database check).

/healthz stays the cheaper "the process is alive".
"""

from functools import cache

from alembic.script import ScriptDirectory
from flask import current_app
from sqlalchemy import text

from portal.extensions import db
from portal.setup import MIGRATIONS_DIR

TIMEOUT_SECONDS = 1.0


class NotReady(Exception):
    """A check failed; the message says why, without secrets (no URLs, no passwords)."""


@cache
def code_heads() -> frozenset[str]:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return frozenset(ScriptDirectory.from_config(config).get_heads())


def check_database() -> None:
    try:
        db.session.execute(text("SELECT 1"))
    except Exception as error:
        db.session.rollback()
        raise NotReady(f"database unreachable ({type(error).__name__})") from error


def check_migrations() -> None:
    try:
        revisions = set(db.session.scalars(text("SELECT version_num FROM alembic_version")))
    except Exception as error:
        db.session.rollback()
        raise NotReady("no migration revision in the database") from error
    if revisions != code_heads():
        raise NotReady(
            f"database at {', '.join(sorted(revisions)) or 'nothing'}, code at "
            f"{', '.join(sorted(code_heads()))}: run `flask db upgrade`"
        )


def check_redis() -> None:
    from redis import Redis
    from redis.exceptions import RedisError

    url = current_app.config["REDIS_URL"]
    try:
        Redis.from_url(
            url, socket_connect_timeout=TIMEOUT_SECONDS, socket_timeout=TIMEOUT_SECONDS
        ).ping()
    except RedisError as error:
        raise NotReady(f"Redis unreachable ({type(error).__name__})") from error


def check_storage() -> None:
    from portal import storage

    try:
        storage.object_store().check()
    except storage.StorageUnavailable as error:
        # Not the error's text: it may name the endpoint.
        raise NotReady("object store unreachable") from error


def checks() -> dict[str, object]:
    """The checks that apply to this configuration, in order."""
    config = current_app.config
    found: dict[str, object] = {"database": check_database, "migrations": check_migrations}
    if config.get("REDIS_URL"):
        found["redis"] = check_redis
    if config.get("STORAGE_BACKEND") == "s3":
        found["storage"] = check_storage
    return found


def results() -> dict[str, str]:
    """{check: "ok" or why it failed}."""
    outcome = {}
    for name, check in checks().items():
        try:
            check()
        except NotReady as error:
            outcome[name] = str(error)
        else:
            outcome[name] = "ok"
    return outcome
