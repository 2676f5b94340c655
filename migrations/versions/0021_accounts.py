"""accounts: staff invitations

A staff account is made by invitation: a single-use, expiring token of a new purpose.

Revision ID: 0021_accounts_invitations
Revises: 0020_accounts_sign_up
Create Date: 2026-12-04 22:58:12.732871

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0021_accounts_invitations'
down_revision = '0020_accounts_sign_up'
branch_labels = None
depends_on = None


PURPOSES = ("password_reset", "email_change")
NEW_PURPOSES = PURPOSES + ("staff_invitation",)


def _purposes(values):
    return "purpose IN (" + ", ".join(f"'{value}'" for value in values) + ")"


def upgrade():
    with op.batch_alter_table('account_token', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_account_token_token_purpose'), type_='check')
        batch_op.alter_column('purpose',
               existing_type=sa.VARCHAR(length=14),
               type_=sa.String(length=16),
               existing_nullable=False)
        batch_op.create_check_constraint(op.f('ck_account_token_token_purpose'), _purposes(NEW_PURPOSES))


def downgrade():
    account_token = sa.table('account_token', sa.column('purpose', sa.String))
    op.execute(account_token.delete().where(account_token.c.purpose.notin_(PURPOSES)))
    with op.batch_alter_table('account_token', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_account_token_token_purpose'), type_='check')
        batch_op.alter_column('purpose',
               existing_type=sa.String(length=16),
               type_=sa.VARCHAR(length=14),
               existing_nullable=False)
        batch_op.create_check_constraint(op.f('ck_account_token_token_purpose'), _purposes(PURPOSES))
