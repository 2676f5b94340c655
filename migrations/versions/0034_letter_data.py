"""letters: the letter's structured data (kind, references, dates, amounts) for the API

Letters issued before this migration keep none: the API returns their metadata only.

Revision ID: 0034_letter_data
Revises: 0033_forecast
Create Date: 2026-12-05 01:50:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0034_letter_data'
down_revision = '0033_forecast'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('letter', schema=None) as batch_op:
        batch_op.add_column(sa.Column('structured', sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table('letter', schema=None) as batch_op:
        batch_op.drop_column('structured')
