"""fees: "not considered" (buiten behandeling) — the application status and its letter kind

Downgrade refuses while a case is not considered (its status cannot be stored under the old
CHECK) and removes the not_considered letters.

Revision ID: 0036_fees_not_considered
Revises: 0035_fees_online
Create Date: 2026-12-05 02:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0036_fees_not_considered'
down_revision = '0035_fees_online'
branch_labels = None
depends_on = None

STATUSES_BEFORE = [
    'draft', 'submitted', 'in_review', 'information_requested', 'granted', 'refused', 'withdrawn',
]
STATUSES_AFTER = STATUSES_BEFORE + ['not_considered']
LETTER_KINDS_BEFORE = [
    'acknowledgement', 'recognition_granted', 'recognition_refused', 'request_for_information',
    'warning', 'fine', 'suspension', 'suspension_lifted', 'withdrawal', 'fee_letter',
    'residence_decision', 'reminder_overdue_report', 'extension_reminder', 'general_message',
    'report_acknowledgement', 'application_withdrawn', 'payment_received', 'fee_reminder',
]
LETTER_KINDS_AFTER = LETTER_KINDS_BEFORE + ['not_considered']


def _check(table, column, constraint, old, new, nullable):
    with op.batch_alter_table(table, schema=None) as batch_op:
        batch_op.drop_constraint(op.f(constraint), type_='check')
        batch_op.alter_column(column,
               existing_type=sa.String(length=max(map(len, old))),
               type_=sa.String(length=max(map(len, new))),
               existing_nullable=nullable)
        batch_op.create_check_constraint(
            op.f(constraint), f'{column} IN (' + ', '.join(f"'{v}'" for v in new) + ')'
        )


def _all(old_statuses, new_statuses, old_kinds, new_kinds):
    _check('application', 'status', 'ck_application_application_status', old_statuses, new_statuses, False)
    _check('status_event', 'from_status', 'ck_status_event_from_status', old_statuses, new_statuses, True)
    _check('status_event', 'to_status', 'ck_status_event_to_status', old_statuses, new_statuses, False)
    _check('letter', 'kind', 'ck_letter_letter_kind', old_kinds, new_kinds, False)


def upgrade():
    _all(STATUSES_BEFORE, STATUSES_AFTER, LETTER_KINDS_BEFORE, LETTER_KINDS_AFTER)


def downgrade():
    application = sa.table('application', sa.column('status', sa.String))
    count = op.get_bind().execute(
        sa.select(sa.func.count()).select_from(application).where(application.c.status == 'not_considered')
    ).scalar()
    if count:
        raise RuntimeError(f'{count} cases are not considered: decide how to store them before downgrading')
    letter = sa.table('letter', sa.column('kind', sa.String))
    op.execute(letter.delete().where(letter.c.kind == 'not_considered'))
    _all(STATUSES_AFTER, STATUSES_BEFORE, LETTER_KINDS_AFTER, LETTER_KINDS_BEFORE)
