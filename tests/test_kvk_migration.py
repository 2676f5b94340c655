"""Migration 0016_identity_kvk on existing data: organisations with a recognition (the IND reviewed
them) and the demo organisations start verified, every other one unverified; and two
unverified organisations may then share a KvK number, two verified ones may not."""

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from portal import create_app
from portal.setup import MIGRATIONS_DIR

ORGANISATION = (
    "INSERT INTO organisation (id, kvk_number, legal_name, street_address, postcode, city, "
    "country, email, persons_employed, kind, preferred_language, created_at) VALUES "
    "(:id, :kvk, :name, 'Straat 1', '1234 AB', 'Utrecht', 'NL', :email, 10, 'employer', 'nl', "
    "CURRENT_TIMESTAMP)"
)


@pytest.fixture
def old_database(tmp_path, monkeypatch):
    """A SQLite database of its own at the revision before, inside its own app."""
    from config import TestConfig

    monkeypatch.setattr(TestConfig, "SQLALCHEMY_DATABASE_URI", f"sqlite:///{tmp_path / 'old.db'}")
    app = create_app("test")
    with app.app_context():
        upgrade(directory=str(MIGRATIONS_DIR), revision="0015_truth")
        yield app


def test_recognised_and_demo_organisations_start_verified_the_others_not(old_database):
    from portal.extensions import db

    engine = db.engine
    with engine.begin() as connection:
        for row in (
            {"id": 1, "kvk": "11111111", "name": "Recognised", "email": "a@x.example"},
            {"id": 2, "kvk": "22222222", "name": "Signed up", "email": "b@x.example"},
            {"id": 3, "kvk": "87654321", "name": "Nova", "email": "info@starter.demo.example"},
            {"id": 4, "kvk": "33333333", "name": "Withdrawn", "email": "c@x.example"},
        ):
            connection.execute(sa.text(ORGANISATION), row)
        connection.execute(
            sa.text(
                "INSERT INTO recognition (organisation_id, category, status, granted_on, "
                "created_at) VALUES (1, 'labour', 'granted', '2025-01-01', CURRENT_TIMESTAMP), "
                "(4, 'study', 'withdrawn', '2024-01-01', CURRENT_TIMESTAMP)"
            )
        )
    upgrade(directory=str(MIGRATIONS_DIR))
    with engine.begin() as connection:
        rows = connection.execute(
            sa.text("SELECT id, kvk_verified_via FROM organisation ORDER BY id")
        ).all()
        assert rows == [(1, "existing"), (2, None), (3, "existing"), (4, "existing")]
        # Unverified organisations may share a number; a second verified one may not.
        connection.execute(
            sa.text(ORGANISATION),
            {"id": 5, "kvk": "22222222", "name": "Second", "email": "d@x.example"},
        )
    verify = sa.text(
        "UPDATE organisation SET kvk_verified_at = CURRENT_TIMESTAMP, "
        "kvk_verified_via = 'ind_review' WHERE id = :id"
    )
    with engine.begin() as connection:
        connection.execute(verify, {"id": 5})
    with pytest.raises(sa.exc.IntegrityError), engine.begin() as connection:
        connection.execute(verify, {"id": 2})
    with engine.begin() as connection:
        connection.execute(sa.text("DELETE FROM organisation WHERE id = 5"))
    downgrade(directory=str(MIGRATIONS_DIR), revision="0015_truth")
    with engine.begin() as connection:
        assert connection.execute(sa.text("SELECT count(*) FROM organisation")).scalar() == 4
