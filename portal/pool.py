"""A pooled database connection is tested before use only when it may have gone stale (issue 20).

SQLAlchemy's pool_pre_ping sends a round trip on every checkout, so once per request. A
connection the previous request used a moment ago is alive; one that waited in the pool may
have been closed by a database restart or by a network device's idle timeout. So a connection
is pinged when it has been idle in the pool for DATABASE_PING_AFTER_IDLE seconds, and one whose
ping fails is replaced before the request uses it (a DisconnectionError from the checkout event:
the pool discards the connection and connects anew), as pool_pre_ping would. A connection that
breaks while it is busy is handled as before: SQLAlchemy sees the disconnect error, that request
fails and the pool's other connections are replaced.
"""

import time

from sqlalchemy.engine import Engine
from sqlalchemy.exc import DisconnectionError

CHECKED_IN = "portal_checked_in"  # in the connection record's info: when it went back


def ping_when_idle(engine: Engine, after_seconds: float) -> dict:
    """The engine's pool listeners, by event (registered by portal/setup.py)."""
    dialect = engine.dialect

    def checked_in(_dbapi_connection, record) -> None:
        record.info[CHECKED_IN] = time.monotonic()

    def checked_out(dbapi_connection, record, _proxy) -> None:
        since = record.info.get(CHECKED_IN)
        if since is None or time.monotonic() - since < after_seconds:
            return  # just connected, or in use a moment ago
        try:
            dialect.do_ping(dbapi_connection)
        except dialect.loaded_dbapi.Error as error:
            if dialect.is_disconnect(error, dbapi_connection, None):
                raise DisconnectionError() from error
            raise

    return {"checkin": checked_in, "checkout": checked_out}
