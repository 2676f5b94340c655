"""identity: verified KvK numbers, frozen organisations, the KvK-extract checklist item

An organisation is verified once its KvK number is proven (eHerkenning, or the IND at the
recognition review). The KvK number is unique among verified organisations only. Existing
organisations with a recognition (the IND reviewed them) and the demo organisations start
verified; every other one starts unverified.

Downgrade restores the plain unique KvK number: it fails while two organisations share one.

Revision ID: 0016_identity_kvk
Revises: 0015_truth
Create Date: 2026-12-04 19:22:05.147331

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0016_identity_kvk'
down_revision = '0015_truth'
branch_labels = None
depends_on = None

VERIFIED = sa.text('kvk_verified_at IS NOT NULL')
CHECK_ITEMS_BEFORE = [
    'trade_register', 'continuity_solvency', 'rvo_advice', 'reliability', 'code_of_conduct',
    'fee_paid',
]
CHECK_ITEMS_AFTER = CHECK_ITEMS_BEFORE[:1] + ['kvk_extract'] + CHECK_ITEMS_BEFORE[1:]
# The demo organisations (portal/demo.py), in a database where the demo was loaded earlier.
DEMO_KVK_NUMBERS = ('69599084', '41215422', '87654321', '55512345')


def _check_items(items):
    with op.batch_alter_table('review_check', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_review_check_check_item'), type_='check')
        batch_op.create_check_constraint(
            op.f('ck_review_check_check_item'),
            'item IN (' + ', '.join(f"'{item}'" for item in items) + ')',
        )


def upgrade():
    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kvk_verified_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('kvk_verified_via', sa.Enum('eherkenning', 'ind_review', 'existing', name='kvk_proof', native_enum=False, create_constraint=True), nullable=True))
        batch_op.add_column(sa.Column('frozen_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.drop_constraint(batch_op.f('uq_organisation_kvk_number'), type_='unique')
        batch_op.create_index(batch_op.f('ix_organisation_kvk_number'), ['kvk_number'], unique=False)

    organisation = sa.table(
        'organisation',
        sa.column('id', sa.Integer),
        sa.column('kvk_number', sa.String),
        sa.column('email', sa.String),
        sa.column('kvk_verified_at', sa.DateTime(timezone=True)),
        sa.column('kvk_verified_via', sa.String),
    )
    recognition = sa.table('recognition', sa.column('organisation_id', sa.Integer))
    recognised = sa.select(recognition.c.organisation_id)
    demo = sa.and_(
        organisation.c.kvk_number.in_(DEMO_KVK_NUMBERS),
        organisation.c.email.like('%.demo.example'),
    )
    op.execute(
        organisation.update()
        .where(sa.or_(organisation.c.id.in_(recognised), demo))
        .values(kvk_verified_at=sa.func.current_timestamp(), kvk_verified_via='existing')
    )

    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.create_index('uq_organisation_verified_kvk', ['kvk_number'], unique=True, sqlite_where=VERIFIED, postgresql_where=VERIFIED)
        batch_op.create_check_constraint(
            op.f('ck_organisation_kvk_proof_complete'),
            '(kvk_verified_at IS NULL) = (kvk_verified_via IS NULL)',
        )
        batch_op.create_check_constraint(
            op.f('ck_organisation_frozen_unverified'),
            'frozen_at IS NULL OR kvk_verified_at IS NULL',
        )
    _check_items(CHECK_ITEMS_AFTER)


def downgrade():
    op.execute("DELETE FROM review_check WHERE item = 'kvk_extract'")
    _check_items(CHECK_ITEMS_BEFORE)
    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_organisation_frozen_unverified'), type_='check')
        batch_op.drop_constraint(op.f('ck_organisation_kvk_proof_complete'), type_='check')
        batch_op.drop_constraint(op.f('ck_organisation_kvk_proof'), type_='check')
        batch_op.drop_index('uq_organisation_verified_kvk', sqlite_where=VERIFIED, postgresql_where=VERIFIED)
        batch_op.drop_index(batch_op.f('ix_organisation_kvk_number'))
        batch_op.create_unique_constraint(batch_op.f('uq_organisation_kvk_number'), ['kvk_number'])
        batch_op.drop_column('frozen_at')
        batch_op.drop_column('kvk_verified_via')
        batch_op.drop_column('kvk_verified_at')
