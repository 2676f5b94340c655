"""person fields: `passport_expiry` is `passport_expires_on` in stored answers (data only)

The residence form's person section now uses the register's name for the passport's date of
expiry. Renamed in draft answers (`application.answers.person`), in snapshots of submitted
applications (`application.snapshot.answers.person`) and in the rows of bulk imports
(`import_batch.rows[].values` and the column keys of `errors`). Reversible: the downgrade renames
back. No schema change.

Revision ID: 0018_person
Revises: 0017_identity_sessions
Create Date: 2026-12-04 20:10:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0018_person"
down_revision = "0017_identity_sessions"
branch_labels = None
depends_on = None

OLD, NEW = "passport_expiry", "passport_expires_on"
CHUNK = 500

application = sa.table(
    "application",
    sa.column("id", sa.Integer),
    sa.column("answers", sa.JSON),
    sa.column("snapshot", sa.JSON),
)
import_batch = sa.table("import_batch", sa.column("id", sa.Integer), sa.column("rows", sa.JSON))


def _renamed(values, old: str, new: str):
    """A copy of the dict with key `old` as `new`; None when there is nothing to rename."""
    if not isinstance(values, dict) or old not in values:
        return None
    return {(new if key == old else key): value for key, value in values.items()}


def _answers(answers, old, new):
    person = _renamed(
        (answers or {}).get("person") if isinstance(answers, dict) else None, old, new
    )
    return None if person is None else {**answers, "person": person}


def _snapshot(snapshot, old, new):
    if not isinstance(snapshot, dict):
        return None
    answers = _answers(snapshot.get("answers"), old, new)
    return None if answers is None else {**snapshot, "answers": answers}


def _rows(rows, old, new):
    if not isinstance(rows, list):
        return None
    changed, result = False, []
    for row in rows:
        row = dict(row) if isinstance(row, dict) else row
        if isinstance(row, dict):
            values = _renamed(row.get("values"), old, new)
            if values is not None:
                row["values"], changed = values, True
            errors = row.get("errors")
            if isinstance(errors, dict):
                by_language = {}
                for language, messages in errors.items():
                    renamed = _renamed(messages, old, new)
                    by_language[language] = messages if renamed is None else renamed
                    changed = changed or renamed is not None
                row["errors"] = by_language
        result.append(row)
    return result if changed else None


def _ids(bind, table):
    return [row[0] for row in bind.execute(sa.select(table.c.id).order_by(table.c.id))]


def _rename(old: str, new: str) -> None:
    bind = op.get_bind()
    ids = _ids(bind, application)
    for start in range(0, len(ids), CHUNK):
        part = ids[start : start + CHUNK]
        query = sa.select(application.c.id, application.c.answers, application.c.snapshot)
        for row_id, answers, snapshot in bind.execute(query.where(application.c.id.in_(part))):
            changes = {}
            new_answers = _answers(answers, old, new)
            if new_answers is not None:
                changes["answers"] = new_answers
            new_snapshot = _snapshot(snapshot, old, new)
            if new_snapshot is not None:
                changes["snapshot"] = new_snapshot
            if changes:
                bind.execute(
                    application.update().where(application.c.id == row_id).values(**changes)
                )
    for batch_id in _ids(bind, import_batch):
        rows = bind.execute(
            sa.select(import_batch.c.rows).where(import_batch.c.id == batch_id)
        ).scalar()
        new_rows = _rows(rows, old, new)
        if new_rows is not None:
            bind.execute(
                import_batch.update().where(import_batch.c.id == batch_id).values(rows=new_rows)
            )


def upgrade():
    _rename(OLD, NEW)


def downgrade():
    _rename(NEW, OLD)
