"""The migrations are the schema: they and the models agree; demo data loads idempotently."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from portal.demo import DEMO_TOTP_SECRET
from portal.extensions import db
from portal.models import Application, Organisation, Recognition, User
from portal.services.second_factor import totp


def test_models_and_migrations_agree(app):
    with app.app_context(), db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, db.metadata) == []


def test_demo_data_loads_once(app):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["demo", "load"])
    assert first.exit_code == 0, first.output
    assert "employer@demo.example" in first.output
    assert DEMO_TOTP_SECRET in first.output
    # The documented demo secret (80 bits, below pyotp's default minimum) must be usable.
    assert DEMO_TOTP_SECRET == "JBSWY3DPEHPK3PXP"
    assert totp(DEMO_TOTP_SECRET).now().isdigit()
    counts = (
        db.session.scalar(db.select(db.func.count()).select_from(Organisation)),
        db.session.scalar(db.select(db.func.count()).select_from(User)),
        db.session.scalar(db.select(db.func.count()).select_from(Application)),
    )
    assert counts == (4, 7, 6)  # 5 recognition cases and a residence application
    second = runner.invoke(args=["demo", "load"])
    assert "already present" in second.output
    assert db.session.scalar(db.select(db.func.count()).select_from(Organisation)) == 4
    employer = db.session.scalar(
        db.select(Organisation).where(Organisation.legal_name.like("Brightwave%"))
    )
    assert employer.persons_employed == 120
    assert [
        r.category.value
        for r in db.session.scalars(
            db.select(Recognition).where(Recognition.organisation_id == employer.id)
        )
    ] == ["labour"]
