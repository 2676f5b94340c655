"""search at scale: trigram indexes (pg_trgm) for people, reference and organisation-name search

On PostgreSQL: the pg_trgm and btree_gin extensions (trusted extensions: the database owner
may create them) and GIN trigram indexes, most led by the organisation every such search
narrows by (one index scan instead of intersecting with 50,000 letters), which serve LIKE/ILIKE '%part%' and prefix searches: the inbox's
person filter and letter references, people search, application references, organisation
names in the back office; the full-text index gets the organisation in front too. On SQLite
they are plain indexes (the simple fallback).

Revision ID: 0043_search_trigram
Revises: 0042_blobs
Create Date: 2026-12-05 04:45:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0043_search_trigram'
down_revision = '0042_blobs'
branch_labels = None
depends_on = None

# (table, index, searched column, leading column every search also narrows by)
INDEXES = (
    ("application", "ix_application_reference_trgm", "reference", "organisation_id"),
    ("letter", "ix_letter_person_name_trgm", "person_name", "organisation_id"),
    ("letter", "ix_letter_reference_trgm", "reference", None),
    ("organisation", "ix_organisation_legal_name_trgm", "legal_name", None),
    ("organisation", "ix_organisation_trade_name_trgm", "trade_name", None),
    ("person", "ix_person_search_trgm", "search_text", "organisation_id"),
)


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        op.execute("CREATE EXTENSION IF NOT EXISTS btree_gin")
    for table, name, column, within in INDEXES:
        op.create_index(
            name,
            table,
            [within, column] if within else [column],
            unique=False,
            postgresql_using="gin",
            postgresql_ops={column: "gin_trgm_ops"},
        )
    # Full-text search within one organisation: one GIN scan for both conditions.
    op.drop_index("ix_letter_search", table_name="letter", postgresql_using="gin")
    op.create_index(
        "ix_letter_search",
        "letter",
        ["organisation_id", "search_vector"],
        unique=False,
        postgresql_using="gin",
    )


def downgrade():
    op.drop_index("ix_letter_search", table_name="letter", postgresql_using="gin")
    op.create_index(
        "ix_letter_search", "letter", ["search_vector"], unique=False, postgresql_using="gin"
    )
    for table, name, _column, _within in reversed(INDEXES):
        op.drop_index(name, table_name=table)
    # pg_trgm and btree_gin stay: another schema or a DBA's index may use them.
