"""idempotent replays keep the answer's headers (ETag, Location…)

Revision ID: 0044_idempotent_headers
Revises: 0043_search_trigram
Create Date: 2026-12-05 04:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0044_idempotent_headers'
down_revision = '0043_search_trigram'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('api_idempotency', schema=None) as batch_op:
        batch_op.add_column(sa.Column('headers', sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table('api_idempotency', schema=None) as batch_op:
        batch_op.drop_column('headers')
