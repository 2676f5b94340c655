"""residence applications: more application kinds, the answers of a draft, a target date

Revision ID: 0002_residence
Revises: 0001
Create Date: 2026-11-29 07:52:04.077287

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0002_residence'
down_revision = '0001'
branch_labels = None
depends_on = None

OLD_KINDS = ('recognition',)
NEW_KINDS = ('recognition', 'hsm_entry', 'hsm_residence', 'hsm_extension', 'hsm_change_employer',
             'eu_blue_card', 'researcher', 'student', 'au_pair', 'cultural_exchange')


def _kinds(kinds):
    return "kind IN (" + ", ".join(f"'{k}'" for k in kinds) + ")"


def upgrade():
    with op.batch_alter_table('application', schema=None) as batch_op:
        batch_op.add_column(sa.Column('answers', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('target_date', sa.Date(), nullable=True))
        batch_op.drop_constraint(op.f('ck_application_application_kind'), type_='check')
        batch_op.alter_column('kind', existing_type=sa.VARCHAR(length=11),
                              type_=sa.String(length=19), existing_nullable=False)
        batch_op.create_check_constraint(op.f('ck_application_application_kind'), _kinds(NEW_KINDS))


def downgrade():
    op.execute("DELETE FROM status_event WHERE application_id IN "
               "(SELECT id FROM application WHERE kind <> 'recognition')")
    op.execute("UPDATE letter SET application_id = NULL WHERE application_id IN "
               "(SELECT id FROM application WHERE kind <> 'recognition')")
    op.execute("DELETE FROM application WHERE kind <> 'recognition'")
    with op.batch_alter_table('application', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_application_application_kind'), type_='check')
        batch_op.alter_column('kind', existing_type=sa.String(length=19),
                              type_=sa.VARCHAR(length=11), existing_nullable=False)
        batch_op.create_check_constraint(op.f('ck_application_application_kind'), _kinds(OLD_KINDS))
        batch_op.drop_column('target_date')
        batch_op.drop_column('answers')
