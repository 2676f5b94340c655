"""family members with the main applicant (issue 22 item 4)

- application (and permit) kinds family_partner, family_child (after 0040's work-permit kinds)
- family_link: a family member's application and the main application it is filed with,
  flagged when the main application ends without a permit
- letter kind family_main_ended: the sponsor is told the family members' applications are pending

Downgrade removes family applications' links and letters of the new kind; family applications
themselves cannot be stored under the old CHECK and are removed with their events.

Revision ID: 0041_family
Revises: 0040_work_permits
Create Date: 2026-12-05 04:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0041_family'
down_revision = '0040_work_permits'
branch_labels = None
depends_on = None

KINDS_BEFORE = ['recognition', 'hsm_entry', 'hsm_residence', 'hsm_extension',
                'hsm_change_employer', 'eu_blue_card', 'researcher', 'student', 'au_pair',
                'cultural_exchange', 'ict', 'gvva', 'seasonal_work', 'hsm_change_purpose']
KINDS_AFTER = KINDS_BEFORE + ['family_partner', 'family_child']

LETTER_KINDS_BEFORE = [
    'acknowledgement', 'recognition_granted', 'recognition_refused', 'request_for_information',
    'warning', 'fine', 'suspension', 'suspension_lifted', 'withdrawal', 'fee_letter',
    'residence_decision', 'reminder_overdue_report', 'extension_reminder', 'general_message',
    'report_acknowledgement', 'application_withdrawn', 'payment_received', 'fee_reminder',
    'not_considered', 'notice_of_default_received', 'decision_period_extended',
    'intended_decision',
]
LETTER_KINDS_AFTER = LETTER_KINDS_BEFORE + ['family_main_ended']


def _in(column, values):
    return f"{column} IN (" + ", ".join(f"'{v}'" for v in values) + ")"


def _kinds(kinds):
    for table, name in (('application', 'application_kind'), ('permit', 'permit_kind')):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(op.f(f'ck_{table}_{name}'), type_='check')
            batch_op.create_check_constraint(op.f(f'ck_{table}_{name}'), _in('kind', kinds))


def _letter_kinds(kinds):
    with op.batch_alter_table('letter', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_letter_letter_kind'), type_='check')
        batch_op.create_check_constraint(op.f('ck_letter_letter_kind'), _in('kind', kinds))


def upgrade():
    _kinds(KINDS_AFTER)
    _letter_kinds(LETTER_KINDS_AFTER)
    op.create_table('family_link',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('main_application_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('flagged_because', sa.String(length=20), nullable=True),
    sa.Column('flagged_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('application_id <> main_application_id', name=op.f('ck_family_link_not_own_family')),
    sa.ForeignKeyConstraint(['application_id'], ['application.id'], name=op.f('fk_family_link_application_id_application')),
    sa.ForeignKeyConstraint(['main_application_id'], ['application.id'], name=op.f('fk_family_link_main_application_id_application')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_family_link_organisation_id_organisation')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_family_link')),
    sa.UniqueConstraint('application_id', name=op.f('uq_family_link_application_id'))
    )
    with op.batch_alter_table('family_link', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_family_link_main_application_id'), ['main_application_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_family_link_organisation_id'), ['organisation_id'], unique=False)


def downgrade():
    with op.batch_alter_table('family_link', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_family_link_organisation_id'))
        batch_op.drop_index(batch_op.f('ix_family_link_main_application_id'))
    op.drop_table('family_link')
    op.execute("DELETE FROM letter WHERE kind = 'family_main_ended'")
    _letter_kinds(LETTER_KINDS_BEFORE)
    op.execute("DELETE FROM permit WHERE kind IN ('family_partner', 'family_child')")
    op.execute("DELETE FROM status_event WHERE application_id IN (SELECT id FROM application "
               "WHERE kind IN ('family_partner', 'family_child'))")
    op.execute("UPDATE letter SET application_id = NULL WHERE application_id IN (SELECT id FROM "
               "application WHERE kind IN ('family_partner', 'family_child'))")
    op.execute("DELETE FROM application WHERE kind IN ('family_partner', 'family_child')")
    _kinds(KINDS_BEFORE)
