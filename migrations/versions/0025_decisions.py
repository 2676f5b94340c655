"""withdrawal: the letter confirming that the sponsor withdrew an application

Revision ID: 0025_decisions
Revises: 0024_decisions
Create Date: 2026-12-04 22:50:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0025_decisions'
down_revision = '0024_decisions'
branch_labels = None
depends_on = None

LETTER_KINDS_BEFORE = [
    'acknowledgement', 'recognition_granted', 'recognition_refused', 'request_for_information',
    'warning', 'fine', 'suspension', 'suspension_lifted', 'withdrawal', 'fee_letter',
    'residence_decision', 'reminder_overdue_report', 'extension_reminder', 'general_message',
    'report_acknowledgement',
]
LETTER_KINDS_AFTER = LETTER_KINDS_BEFORE + ['application_withdrawn']


def _letter_kinds(old, new):
    with op.batch_alter_table('letter', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_letter_letter_kind'), type_='check')
        batch_op.alter_column('kind',
               existing_type=sa.String(length=max(map(len, old))),
               type_=sa.String(length=max(map(len, new))),
               existing_nullable=False)
        batch_op.create_check_constraint(
            op.f('ck_letter_letter_kind'),
            'kind IN (' + ', '.join(f"'{kind}'" for kind in new) + ')',
        )


def upgrade():
    _letter_kinds(LETTER_KINDS_BEFORE, LETTER_KINDS_AFTER)


def downgrade():
    op.execute(
        "DELETE FROM letter_read WHERE letter_id IN "
        "(SELECT id FROM letter WHERE kind = 'application_withdrawn')"
    )
    op.execute("DELETE FROM letter WHERE kind = 'application_withdrawn'")
    _letter_kinds(LETTER_KINDS_AFTER, LETTER_KINDS_BEFORE)
