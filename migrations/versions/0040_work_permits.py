"""work permits (issue 22, items 1-3): application kinds ict, gvva, seasonal_work and
hsm_change_purpose (on application and permit); the UWV advice step of a GVVA case

Downgrade removes the UWV advice rows and refuses nothing else: cases of the new kinds would
no longer fit the old CHECK, so it deletes them first (with their events, letters' links
and permits), as 0002 does.

Revision ID: 0040_work_permits
Revises: 0039_webhooks
Create Date: 2026-12-05 04:40:00

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0040_work_permits"
down_revision = "0039_webhooks"
branch_labels = None
depends_on = None

KINDS_BEFORE = [
    "recognition",
    "hsm_entry",
    "hsm_residence",
    "hsm_extension",
    "hsm_change_employer",
    "eu_blue_card",
    "researcher",
    "student",
    "au_pair",
    "cultural_exchange",
]
NEW_KINDS = ["ict", "gvva", "seasonal_work", "hsm_change_purpose"]
KINDS_AFTER = KINDS_BEFORE + NEW_KINDS


def _kinds(table, constraint, kinds):
    with op.batch_alter_table(table, schema=None) as batch_op:
        batch_op.drop_constraint(op.f(constraint), type_="check")
        batch_op.create_check_constraint(
            op.f(constraint), "kind IN (" + ", ".join(f"'{k}'" for k in kinds) + ")"
        )


def upgrade():
    _kinds("application", "ck_application_application_kind", KINDS_AFTER)
    _kinds("permit", "ck_permit_permit_kind", KINDS_AFTER)
    op.create_table(
        "uwv_advice",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("requested_on", sa.Date(), nullable=False),
        sa.Column("requested_by_id", sa.Integer(), nullable=False),
        sa.Column("request_note", sa.Text(), nullable=False),
        sa.Column("suspends_clock", sa.Boolean(), nullable=False),
        sa.Column("respond_by", sa.Date(), nullable=False),
        sa.Column("suspended_days", sa.Integer(), nullable=True),
        sa.Column(
            "outcome",
            sa.Enum(
                "positive",
                "negative",
                name="uwv_outcome",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=True,
        ),
        sa.Column("received_on", sa.Date(), nullable=True),
        sa.Column("advice_text", sa.Text(), nullable=True),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "(outcome IS NULL) = (received_on IS NULL)",
            name=op.f("ck_uwv_advice_outcome_with_received_date"),
        ),
        sa.CheckConstraint(
            "received_on IS NULL OR received_on >= requested_on",
            name=op.f("ck_uwv_advice_received_after_request"),
        ),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["application.id"],
            name=op.f("fk_uwv_advice_application_id_application"),
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"],
            ["user_account.id"],
            name=op.f("fk_uwv_advice_recorded_by_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["requested_by_id"],
            ["user_account.id"],
            name=op.f("fk_uwv_advice_requested_by_id_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_uwv_advice")),
        sa.UniqueConstraint("application_id", name=op.f("uq_uwv_advice_application_id")),
    )


def downgrade():
    op.drop_table("uwv_advice")
    new = "(" + ", ".join(f"'{k}'" for k in NEW_KINDS) + ")"
    cases = f"SELECT id FROM application WHERE kind IN {new}"
    op.execute(f"DELETE FROM permit WHERE kind IN {new}")
    op.execute(f"DELETE FROM status_event WHERE application_id IN ({cases})")
    op.execute(f"UPDATE letter SET application_id = NULL WHERE application_id IN ({cases})")
    op.execute(f"DELETE FROM application WHERE kind IN {new}")
    _kinds("permit", "ck_permit_permit_kind", KINDS_BEFORE)
    _kinds("application", "ck_application_application_kind", KINDS_BEFORE)
