"""PostgreSQL: the application runs as a role that does not own the tables.

Migrations run as the owner (MIGRATION_DATABASE_URL); the portal connects as DATABASE_URL. When
the two name different users, every `flask db upgrade` ends by granting the runtime role what
the portal needs — read and write on the tables, the sequences — and no more on the audit log:
SELECT and INSERT only. A role that does not own a table cannot ALTER it (so cannot disable the
append-only triggers) nor TRUNCATE it, and without superuser it cannot switch triggers off for
its session (session_replication_role). So the audit log's guarantee survives a compromised
application: rows can be added, never changed or removed. Nor may the runtime role touch
alembic_version.
"""

from sqlalchemy.engine import Connection, make_url

APPEND_ONLY_TABLES = ("audit_event",)
READ_ONLY_TABLES = ("alembic_version",)


def runtime_role(runtime_url: str, migration_url: str | None) -> str | None:
    """The runtime user to grant to: DATABASE_URL's user, when migrations run as another."""
    if not migration_url:
        return None
    runtime, migration = make_url(runtime_url), make_url(migration_url)
    if runtime.get_backend_name() != "postgresql" or not runtime.username:
        return None
    if runtime.username == migration.username:
        return None
    return runtime.username


def grant_runtime(connection: Connection, role: str) -> None:
    """Give `role` the portal's rights on every table of the schema (run after migrating)."""
    quote = connection.dialect.identifier_preparer.quote
    who = quote(role)
    statements = [
        f"GRANT USAGE ON SCHEMA public TO {who}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {who}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {who}",
    ]
    for table in APPEND_ONLY_TABLES:
        statements.append(f"REVOKE UPDATE, DELETE, TRUNCATE ON {quote(table)} FROM {who}")
    for table in READ_ONLY_TABLES:
        statements.append(f"REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON {quote(table)} FROM {who}")
    for statement in statements:
        connection.exec_driver_sql(statement)
