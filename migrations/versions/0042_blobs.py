"""blobs: letter PDFs and uploaded documents move into a content-addressed blob table

Every letter's PDF and every document's bytes become a row of `blob`, named by its SHA-256
(the hash the letter or document already carries; bytes that do not hash to it stop the
migration: a letter's hash check must keep holding). Letters and documents then point at
their blob by that hash (a foreign key: a blob cannot be deleted while referenced), and their
own byte columns go. The downgrade puts the bytes back; it refuses while blobs live in the
object store (move them back first: there is no command for that, on purpose).

Revision ID: 0042_blobs
Revises: 0041_family
Create Date: 2026-12-05 04:24:43.227792

"""
import hashlib
from datetime import datetime, timezone

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0042_blobs'
down_revision = '0041_family'
branch_labels = None
depends_on = None

BATCH = 200
SOURCES = (("letter", "pdf"), ("document", "content"))


def upgrade():
    op.create_table('blob',
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('size_bytes', sa.Integer(), nullable=False),
    sa.Column('stored_in', sa.String(length=20), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("(stored_in = 'database' AND content IS NOT NULL) OR (stored_in = 'object_store' AND content IS NULL)", name=op.f('ck_blob_bytes_where_stored')),
    sa.CheckConstraint('size_bytes >= 0', name=op.f('ck_blob_size_not_negative')),
    sa.PrimaryKeyConstraint('sha256', name=op.f('pk_blob'))
    )
    move_bytes_into_blobs(op.get_bind())
    with op.batch_alter_table('document', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_document_sha256'), ['sha256'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_document_sha256_blob'), 'blob', ['sha256'], ['sha256'])
        batch_op.drop_column('content')

    with op.batch_alter_table('letter', schema=None) as batch_op:
        batch_op.create_foreign_key(batch_op.f('fk_letter_sha256_blob'), 'blob', ['sha256'], ['sha256'])
        batch_op.drop_column('pdf')


def move_bytes_into_blobs(connection) -> None:
    """Copy every letter's and document's bytes into `blob`, once per hash, a batch at a
    time (keyset over the id: never all bytes in memory), each hash checked."""
    blob = sa.table(
        "blob",
        sa.column("sha256"),
        sa.column("size_bytes"),
        sa.column("stored_in"),
        sa.column("content"),
        sa.column("created_at"),
    )
    now = datetime.now(timezone.utc)
    for table_name, column in SOURCES:
        source = sa.table(table_name, sa.column("id"), sa.column("sha256"), sa.column(column))
        last = 0
        while True:
            rows = connection.execute(
                sa.select(source.c.id, source.c.sha256, source.c[column])
                .where(source.c.id > last)
                .order_by(source.c.id)
                .limit(BATCH)
            ).all()
            if not rows:
                break
            last = rows[-1][0]
            hashes = {row[1] for row in rows}
            present = set(
                connection.scalars(sa.select(blob.c.sha256).where(blob.c.sha256.in_(hashes)))
            )
            for row_id, sha256, content in rows:
                if content is None or hashlib.sha256(content).hexdigest() != sha256:
                    raise RuntimeError(
                        f"{table_name} {row_id}: its bytes do not hash to its SHA-256 {sha256}; "
                        "repair or remove it, then migrate again"
                    )
                if sha256 in present:
                    continue
                present.add(sha256)
                connection.execute(
                    blob.insert().values(
                        sha256=sha256,
                        size_bytes=len(content),
                        stored_in="database",
                        content=content,
                        created_at=now,
                    )
                )


def move_bytes_back(connection) -> None:
    """The downgrade's copy: every blob's bytes back into the rows that refer to it."""
    in_store = connection.scalar(
        sa.text("SELECT count(*) FROM blob WHERE stored_in <> 'database'")
    )
    if in_store:
        raise RuntimeError(
            f"{in_store} blobs are in the object store; their bytes are not in the database"
        )
    for table_name, column in SOURCES:
        connection.execute(
            sa.text(
                f"UPDATE {table_name} SET {column} = "  # noqa: S608 - names are constants
                f"(SELECT content FROM blob WHERE blob.sha256 = {table_name}.sha256)"
            )
        )


def downgrade():
    with op.batch_alter_table('letter', schema=None) as batch_op:
        batch_op.add_column(sa.Column('pdf', sa.LargeBinary(), nullable=True))
        batch_op.drop_constraint(batch_op.f('fk_letter_sha256_blob'), type_='foreignkey')

    with op.batch_alter_table('document', schema=None) as batch_op:
        batch_op.add_column(sa.Column('content', sa.LargeBinary(), nullable=True))
        batch_op.drop_constraint(batch_op.f('fk_document_sha256_blob'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_document_sha256'))

    move_bytes_back(op.get_bind())
    op.drop_table('blob')
