"""The migrations are the schema: they and the models agree; demo data loads idempotently."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from portal.demo import DEMO_TOTP_SECRET
from portal.extensions import db
from portal.identity.second_factor import totp
from portal.models import Application, Organisation, Recognition, User


def test_models_and_migrations_agree(app):
    # The test's own connection: on SQLite a second one would wait for its write lock.
    connection = db.session.connection()
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
    # 5 recognition cases, a residence application, 2 granted EU Blue Cards (appointments, #23)
    assert counts == (4, 7, 8)
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


def test_demo_data_has_a_request_for_information_to_answer(app, client):
    """The crawl (tests/browser/test_pages.py) sees a letter with its reply form, and that
    form in its error state, only if the demo data has an open request."""
    from portal.models import ApplicationStatus, Letter, LetterKind
    from tests.support.auth import sign_in
    from tests.support.pages import get_page

    assert app.test_cli_runner().invoke(args=["demo", "load"]).exit_code == 0
    letter = db.session.scalar(
        db.select(Letter).where(Letter.kind == LetterKind.REQUEST_FOR_INFORMATION)
    )
    assert letter.organisation.legal_name == "Nova Robotics B.V."
    assert letter.application.status == ApplicationStatus.INFORMATION_REQUESTED
    assert letter.respond_by > letter.issued_at.date()
    client.get("/language/en")
    starter = db.session.scalar(db.select(User).where(User.email == "starter@demo.example"))
    sign_in(client, starter, password="demo-portal-2026")
    page = get_page(client, f"/inbox/{letter.id}")
    assert page.soup.find("form", action=f"/inbox/{letter.id}/reply") is not None
