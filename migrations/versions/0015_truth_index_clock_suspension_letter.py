"""status truth: index clock suspensions by letter ("has this letter been answered?")

Revision ID: 0015_truth
Revises: 0014_reminders
Create Date: 2026-12-04 19:46:01.558876

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "0015_truth"
down_revision = "0014_reminders"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_clock_suspension_letter_id", "clock_suspension", ["letter_id"])


def downgrade():
    op.drop_index("ix_clock_suspension_letter_id", table_name="clock_suspension")
