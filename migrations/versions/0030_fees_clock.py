"""fees, the clock from payment: the "payment received — we decide by" letter kind

Downgrade removes payment_received letters (they cannot be stored under the old CHECK).

Revision ID: 0030_fees_clock
Revises: 0029_fees
Create Date: 2026-12-04 23:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0030_fees_clock'
down_revision = '0029_fees'
branch_labels = None
depends_on = None

LETTER_KINDS_BEFORE = [
    'acknowledgement', 'recognition_granted', 'recognition_refused', 'request_for_information',
    'warning', 'fine', 'suspension', 'suspension_lifted', 'withdrawal', 'fee_letter',
    'residence_decision', 'reminder_overdue_report', 'extension_reminder', 'general_message',
    'report_acknowledgement', 'application_withdrawn',
]
LETTER_KINDS_AFTER = LETTER_KINDS_BEFORE + ['payment_received']


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
    letter = sa.table('letter', sa.column('kind', sa.String))
    op.execute(letter.delete().where(letter.c.kind == 'payment_received'))
    _letter_kinds(LETTER_KINDS_AFTER, LETTER_KINDS_BEFORE)
